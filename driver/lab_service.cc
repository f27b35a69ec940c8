#include "driver/lab_service.h"

#include "common/hex_id.h"
#include "common/grpc_status.h"

namespace raftlab::driver {
namespace {

std::vector<dashboards::ScrapeTarget> ScrapeTargetsOf(const cluster::Lab& lab) {
  std::vector<dashboards::ScrapeTarget> targets;
  for (const auto& e : lab.ClientEndpoints()) targets.push_back({e.name, e.client_endpoint});
  return targets;
}

}  // namespace

raftlab::Status LabService::StartPrometheus(const v1::LabFlags& f, const std::function<void(const std::string&)>& progress) {
  const int interval_ms = f.prometheus_interval_ms() != 0 ? static_cast<int>(f.prometheus_interval_ms()) : 500;
  const std::string address = "127.0.0.1:9090";
  progress("starting prometheus on " + address + " (scrape every " + std::to_string(interval_ms) + " ms)");
  auto server = std::make_unique<PrometheusServer>(lab_->paths().state_dir + "/prometheus", address,
                                                   lab_->ExporterAddress(), interval_ms);
  RL_RETURN_IF_ERROR(server->Start(ScrapeTargetsOf(*lab_)));
  std::lock_guard<std::mutex> lock(prometheus_mu_);
  prometheus_ = std::move(server);
  return Status::Ok();
}

void LabService::ReloadPrometheus() {
  std::lock_guard<std::mutex> lock(prometheus_mu_);
  if (prometheus_) (void)prometheus_->Reload(ScrapeTargetsOf(*lab_));
}

std::vector<std::string> LabService::RevertCrashedLabFaults() {
  // A crashed raftlabd's faults, from its lab.json: reverted through their hosts' agents
  // before the leftover sweep (which only reaches this machine).
  const Json old = cluster::Lab::ReadPersistedLabState(lab_->paths());
  std::vector<std::string> lines;
  if (!old.is_object() || !old.contains("faults")) return lines;
  chaos::HealReport report = faults_->RevertFromState(old["faults"]);
  for (const auto& f : report.reverted) lines.push_back("reverted fault " + f.id + " of the earlier lab: " + f.description);
  for (const auto& f : report.failed)
    lines.push_back("could not revert fault " + f.id + " of the earlier lab (" + f.description + "): " + f.error);
  return lines;
}

Result<std::vector<std::string>> LabService::TakeDown() {
  std::vector<std::string> removed;
  if (lab_->IsUp()) {
    Result<chaos::HealReport> healed = faults_->Heal("");
    if (healed.ok())
      for (const auto& line : healed->Lines()) removed.push_back(line);
  } else {
    removed = RevertCrashedLabFaults();
  }
  std::unique_ptr<PrometheusServer> prometheus;
  {
    std::lock_guard<std::mutex> lock(prometheus_mu_);
    prometheus = std::move(prometheus_);
  }
  if (prometheus) {
    prometheus->Stop();
    removed.push_back("stopped prometheus");
  }
  Result<std::vector<std::string>> down = lab_->Down();
  if (!down.ok()) return down.status();
  removed.insert(removed.end(), down->begin(), down->end());
  return removed;
}

// One mapping for every gRPC edge: common/grpc_status.h.
grpc::Status ToGrpc(const raftlab::Status& s) { return raftlab::ToGrpcStatus(s); }

raftlab::Status FromGrpcStatus(const grpc::Status& s) { return raftlab::FromGrpcStatus(s); }

void FillStatusReply(const std::vector<cluster::MemberView>& views, v1::StatusReply* reply) {
  for (const auto& v : views) {
    v1::MemberStatus* m = reply->add_members();
    m->set_name(v.name);
    m->set_id(v.id != 0 ? HexId(v.id) : "");
    m->set_role(v.role);
    m->set_term(v.term);
    m->set_commit(v.commit);
    m->set_applied(v.applied);
    m->set_leader(v.leader);
    for (const auto& [peer, p] : v.progress) {
      v1::PeerProgress* pp = m->add_progress();
      pp->set_peer(peer);
      pp->set_match(p.match);
      pp->set_next(p.next);
      pp->set_state(p.state);
    }
    m->set_last_index(v.last_index);
    m->set_healthy(v.healthy);
    m->set_client_url(cluster::ClientUrlAt(v.address));
    m->set_peer_url(cluster::PeerUrlAt(v.address));
    m->set_process(v.process);
    m->set_error(v.error);
    m->set_learner(v.learner);
  }
}

grpc::Status LabService::Up(grpc::ServerContext*, const v1::UpRequest* req, grpc::ServerWriter<v1::UpProgress>* writer) {
  const v1::LabFlags& f = req->flags();
  cluster::UpOptions o;
  o.members = static_cast<int>(f.members());
  if (f.heartbeat_ms() != 0) o.flags.heartbeat_ms = f.heartbeat_ms();
  if (f.election_ms() != 0) o.flags.election_ms = f.election_ms();
  o.flags.pre_vote = f.pre_vote();
  o.flags.snapshot_count = f.snapshot_count();
  if (f.sample_interval_ms() != 0) o.sample_interval_ms = static_cast<int>(f.sample_interval_ms());
  o.journal_path = f.journal_path();
  o.slow_wal = f.slow_wal();
  o.capture = f.capture();
  if (!f.etcd_binary().empty()) o.etcd_binary = f.etcd_binary();
  o.keep_data = req->keep_data();
  o.agents.insert(req->agents().begin(), req->agents().end());
  o.token_file = req->token_file();
  auto progress = [writer](const std::string& line) {
    v1::UpProgress p;
    p.set_line(line);
    writer->Write(p);
  };
  if (!lab_->IsUp())
    for (const auto& line : RevertCrashedLabFaults()) progress(line);
  raftlab::Status s = lab_->Up(o, progress);
  if (s.ok() && f.prometheus()) {
    s = StartPrometheus(f, progress);
    if (!s.ok()) (void)lab_->Down();
  }
  if (!s.ok()) return ToGrpc(s);
  v1::UpProgress done;
  done.set_done(true);
  done.set_journal_path(lab_->JournalPath());
  FillStatusReply(lab_->StatusOfMembers(), done.mutable_status());
  writer->Write(done);
  return grpc::Status::OK;
}

grpc::Status LabService::Down(grpc::ServerContext*, const v1::DownRequest*, v1::DownReply* reply) {
  reply->set_journal_path(lab_->JournalPath());
  Result<std::vector<std::string>> removed = TakeDown();
  if (!removed.ok()) return ToGrpc(removed.status());
  for (const auto& line : *removed) reply->add_removed(line);
  on_down_();
  return grpc::Status::OK;
}

grpc::Status LabService::Status(grpc::ServerContext*, const v1::StatusRequest*, v1::StatusReply* reply) {
  if (!lab_->IsUp()) return ToGrpc(FailedPrecondition("no lab is up: run `raftlab up` first"));
  FillStatusReply(lab_->StatusOfMembers(), reply);
  return grpc::Status::OK;
}

grpc::Status LabService::Put(grpc::ServerContext*, const v1::PutRequest* req, v1::PutReply* reply) {
  std::string served_by;
  Millis timeout(req->timeout_ms() != 0 ? req->timeout_ms() : 10000);
  Result<PutResult> r = lab_->Put(req->key(), req->value(), req->via(), timeout, &served_by, req->client());
  if (!r.ok()) return ToGrpc(r.status());
  reply->set_revision(r->header.revision);
  reply->set_via(served_by);
  return grpc::Status::OK;
}

grpc::Status LabService::Get(grpc::ServerContext*, const v1::GetRequest* req, v1::GetReply* reply) {
  std::string served_by;
  Millis timeout(req->timeout_ms() != 0 ? req->timeout_ms() : 10000);
  Result<GetResult> r = lab_->Get(req->key(), req->serializable(), req->via(), timeout, &served_by, req->client());
  if (!r.ok()) return ToGrpc(r.status());
  reply->set_found(r->found);
  reply->set_value(r->value);
  reply->set_mod_revision(r->mod_revision);
  reply->set_revision(r->header.revision);
  reply->set_via(served_by);
  return grpc::Status::OK;
}

grpc::Status LabService::Env(grpc::ServerContext*, const v1::EnvRequest*, v1::EnvReply* reply) {
  if (!lab_->IsUp()) return ToGrpc(FailedPrecondition("no lab is up: run `raftlab up` first"));
  for (const auto& line : lab_->EnvLines()) reply->add_lines(line);
  std::lock_guard<std::mutex> lock(prometheus_mu_);
  if (prometheus_) reply->add_lines("PROMETHEUS_URL=" + prometheus_->Url());
  return grpc::Status::OK;
}

grpc::Status LabService::MemberInfo(grpc::ServerContext*, const v1::MemberInfoRequest* req, v1::MemberInfoReply* reply) {
  // Paths on this machine: a member on a remote agent is captured here first.
  Result<cluster::MemberFiles> f = lab_->LocalFiles(req->name());
  if (!f.ok()) return ToGrpc(f.status());
  reply->set_name(req->name());
  reply->set_data_dir(f->data_dir);
  reply->set_wal_dir(f->wal_dir);
  reply->set_log_path(f->log_path);
  return grpc::Status::OK;
}

}  // namespace raftlab::driver

namespace raftlab::driver {
namespace {

void FillFault(const chaos::FaultInfo& f, v1::FaultInfo* out) {
  out->set_id(f.id);
  out->set_kind(f.kind);
  for (const auto& t : f.targets) out->add_targets(t);
  out->set_since(f.since);
  out->set_mechanism(f.mechanism);
  out->set_description(f.description);
  out->set_detail_json(f.detail.dump());
  out->set_error(f.error);
}

}  // namespace

grpc::Status LabService::ApplyFault(grpc::ServerContext*, const v1::FaultRequest* req, v1::FaultInfo* reply) {
  Result<chaos::FaultSpec> spec = chaos::FaultSpecFromRequest(*req);
  if (!spec.ok()) return ToGrpc(spec.status());
  Result<chaos::FaultInfo> info = faults_->Apply(*spec);
  if (!info.ok()) return ToGrpc(info.status());
  FillFault(*info, reply);
  return grpc::Status::OK;
}

grpc::Status LabService::Heal(grpc::ServerContext*, const v1::HealRequest* req, v1::FaultList* reply) {
  if (!lab_->IsUp()) return ToGrpc(FailedPrecondition("no lab is up: run `raftlab up` first"));
  Result<chaos::HealReport> healed = faults_->Heal(req->id());
  if (!healed.ok()) return ToGrpc(healed.status());
  // A revert that failed keeps its fault listed; the error says, per fault, what was healed
  // and what was not, so `raftlab heal` can be run again.
  if (!healed->failed.empty()) {
    std::string what;
    for (const auto& line : healed->Lines()) what += "\n  " + line;
    return ToGrpc(Internal("not every fault was reverted (`raftlab heal` retries):" + what));
  }
  for (const auto& f : healed->reverted) FillFault(f, reply->add_faults());
  return grpc::Status::OK;
}

grpc::Status LabService::ListFaults(grpc::ServerContext*, const v1::ListFaultsRequest*, v1::FaultList* reply) {
  if (!lab_->IsUp()) return ToGrpc(FailedPrecondition("no lab is up: run `raftlab up` first"));
  for (const auto& f : faults_->List()) FillFault(f, reply->add_faults());
  return grpc::Status::OK;
}

grpc::Status LabService::Restart(grpc::ServerContext*, const v1::RestartRequest* req,
                                 grpc::ServerWriter<v1::UpProgress>* writer) {
  cluster::WalPlacement wal = cluster::WalPlacement::kUnchanged;
  if (req->wal_dir() == "fast") wal = cluster::WalPlacement::kFast;
  else if (req->wal_dir() == "slow") wal = cluster::WalPlacement::kSlow;
  else if (!req->wal_dir().empty())
    return ToGrpc(InvalidArgument("--wal-dir must be fast or slow, got '" + req->wal_dir() + "'"));
  for (const auto& f : faults_->List())
    if ((f.kind == "kill" || f.kind == "pause") && f.targets == std::vector<std::string>{req->member()})
      return ToGrpc(FailedPrecondition(req->member() + " has fault " + f.id + " (" + f.description +
                                       "): `raftlab heal " + f.id + "` instead"));
  cluster::RestartTiming timing{req->heartbeat_ms(), req->election_ms()};
  raftlab::Status s = lab_->RestartMember(req->member(), wal, [writer](const std::string& line) {
    v1::UpProgress p;
    p.set_line(line);
    writer->Write(p);
  }, timing);
  if (!s.ok()) return ToGrpc(s);
  v1::UpProgress done;
  done.set_done(true);
  FillStatusReply(lab_->StatusOfMembers(), done.mutable_status());
  writer->Write(done);
  return grpc::Status::OK;
}

grpc::Status LabService::MemberChange(grpc::ServerContext*, const v1::MemberChangeRequest* req,
                                      grpc::ServerWriter<v1::UpProgress>* writer) {
  auto progress = [writer](const std::string& line) {
    v1::UpProgress p;
    p.set_line(line);
    writer->Write(p);
  };
  raftlab::Status s;
  if (req->op() == "add") s = lab_->AddMember(req->member(), req->learner(), progress);
  else if (req->op() == "promote") s = lab_->PromoteMember(req->member(), req->timeout_ms() ? static_cast<int>(req->timeout_ms()) : 30000, progress);
  else if (req->op() == "remove") s = lab_->RemoveMember(req->member(), progress);
  else s = InvalidArgument("unknown member operation '" + req->op() + "' (add, promote, remove)");
  if (!s.ok()) return ToGrpc(s);
  ReloadPrometheus();
  v1::UpProgress done;
  done.set_done(true);
  FillStatusReply(lab_->StatusOfMembers(), done.mutable_status());
  writer->Write(done);
  return grpc::Status::OK;
}

grpc::Status LabService::MemberList(grpc::ServerContext*, const v1::MemberListRequest*, v1::MemberListReply* reply) {
  Result<Json> m = lab_->RecordMembership();
  if (!m.ok()) return ToGrpc(m.status());
  for (const auto& v : (*m)["voters"]) reply->add_voters(v.get<std::string>());
  for (const auto& l : (*m)["learners"]) reply->add_learners(l.get<std::string>());
  for (auto& [name, id] : (*m)["ids"].items()) (*reply->mutable_ids())[name] = id.get<std::string>();
  return grpc::Status::OK;
}

grpc::Status LabService::HashKv(grpc::ServerContext*, const v1::HashKvRequest* req, v1::HashKvReply* reply) {
  if (!lab_->IsUp()) return ToGrpc(FailedPrecondition("no lab is up: run `raftlab up` first"));
  for (const auto& h : lab_->HashKvAll(req->revision())) {
    v1::MemberHash* m = reply->add_hashes();
    m->set_member(h.member);
    m->set_revision(h.revision);
    m->set_hash(h.hash);
    m->set_compact_revision(h.compact_revision);
    m->set_error(h.error);
  }
  return grpc::Status::OK;
}

grpc::Status LabService::TransferLeader(grpc::ServerContext*, const v1::TransferLeaderRequest* req,
                                        v1::TransferLeaderReply* reply) {
  auto start = std::chrono::steady_clock::now();
  Result<std::string> from = lab_->TransferLeader(req->target());
  if (!from.ok()) return ToGrpc(from.status());
  reply->set_from(*from);
  reply->set_to(req->target());
  reply->set_took_ms(static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()));
  return grpc::Status::OK;
}

}  // namespace raftlab::driver
