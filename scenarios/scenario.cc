#include "scenarios/scenario.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/privileges.h"
#include "dashboards/gnuplot_panels.h"
#include "driver/daemon_client.h"
#include "driver/lab_down.h"
#include "cluster/etcd_client.h"
#include "driver/lab_service.h"
#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/journal_start.h"
#include "evidence/raft_log_json.h"
#include "evidence/run_loader.h"
#include "evidence/snap_json.h"
#include "evidence/verdict_policy.h"
#include "evidence/verdict_report.h"
#include "evidence/wal_reader.h"

namespace raftlab::scenarios {
namespace fs = std::filesystem;
using driver::FromGrpcStatus;

namespace {

constexpr size_t kEvidenceQuoted = 12;   // evidence lines per verdict in the transcript

std::chrono::system_clock::time_point Deadline(int ms) {
  return std::chrono::system_clock::now() + std::chrono::milliseconds(ms);
}

std::string Ms(int64_t ns) { return std::to_string(ns / 1'000'000) + " ms"; }

std::string UniqueRunDir(const std::string& out_dir, const std::string& name) {
  fs::path runs = fs::absolute(fs::path(out_dir) / "runs").lexically_normal();
  std::string base = WallNowCompact() + "-" + name;
  fs::path dir = runs / base;
  for (int i = 2; fs::exists(dir); ++i) dir = runs / (base + "-" + std::to_string(i));
  return dir.string();
}

}  // namespace

// ---------------------------------------------------------------- status helpers

const v1::MemberStatus* FindMember(const v1::StatusReply& status, const std::string& name) {
  for (const auto& m : status.members())
    if (m.name() == name) return &m;
  return nullptr;
}

std::vector<std::string> Leaders(const v1::StatusReply& status) {
  std::vector<std::string> out;
  for (const auto& m : status.members())
    if (m.role() == "leader") out.push_back(m.name());
  return out;
}

std::optional<LeaderView> AgreedLeader(const v1::StatusReply& status) {
  std::optional<LeaderView> agreed;
  for (const auto& m : status.members()) {
    if (m.role() == "down") continue;
    if (m.leader().empty()) return std::nullopt;
    if (agreed && agreed->name != m.leader()) return std::nullopt;
    if (!agreed) agreed = LeaderView{m.leader(), 0};
  }
  if (!agreed) return std::nullopt;
  const v1::MemberStatus* leader = FindMember(status, agreed->name);
  if (leader == nullptr || leader->role() != "leader") return std::nullopt;
  agreed->term = leader->term();
  return agreed;
}

// ---------------------------------------------------------------- context

ScenarioContext::ScenarioContext(std::string name, LabSpec lab, ScenarioOptions options)
    : name_(std::move(name)), lab_(std::move(lab)), options_(std::move(options)), rng_(options_.seed) {
  result_.name = lab_.run_name.empty() ? name_ : lab_.run_name;
  start_mono_ns_ = MonoNowNs();
}

Result<std::unique_ptr<ScenarioContext>> ScenarioContext::Start(const std::string& name, const LabSpec& lab,
                                                                const ScenarioOptions& options) {
  std::unique_ptr<ScenarioContext> ctx(new ScenarioContext(name, lab, options));
  ctx->run_dir_ = UniqueRunDir(options.out_dir, ctx->result_.name);
  ctx->result_.run_dir = ctx->run_dir_;
  ctx->journal_path_ = ctx->run_dir_ + "/journal.jsonl";
  RL_RETURN_IF_ERROR(MakeDirs(ctx->run_dir_));
  RL_RETURN_IF_ERROR(ctx->Up());
  return ctx;
}

ScenarioContext::~ScenarioContext() {
  if (up_) (void)Down();
}

v1::LabControl::Stub* ScenarioContext::stub() { return daemon_->stub(); }

int64_t ScenarioContext::NowMs() const { return (MonoNowNs() - up_mono_ns_) / 1'000'000; }

std::string TranscriptStamp(int64_t run_start_ns, int64_t now_ns) {
  std::ostringstream s;
  s << "+" << std::fixed << std::setprecision(2) << static_cast<double>(now_ns - run_start_ns) / 1e9 << "s";
  return s.str();
}

std::string ScenarioContext::Stamp() const {
  return TranscriptStamp(run_start_ns_ != 0 ? run_start_ns_ : start_mono_ns_, MonoNowNs());
}

void ScenarioContext::Line(const std::string& text) {
  transcript_.push_back("- `" + Stamp() + "` " + text);
  if (options_.progress) *options_.progress << "  " << text << "\n" << std::flush;
}

void ScenarioContext::Note(const std::string& text) {
  AppendJournal({{"mono_ns", MonoNowNs()}, {"wall", WallNowIso()}, {"kind", "note"}, {"text", text},
                 {"scenario", result_.name}});
}

void ScenarioContext::AppendJournal(const Json& line) {
  if (!up_) return;
  std::string bytes = line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  int fd = open(journal_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = write(fd, bytes.data(), bytes.size());   // one write: the line lands whole
  (void)n;
  close(fd);
}

void ScenarioContext::Section(const std::string& title) {
  transcript_.push_back("");
  transcript_.push_back("## " + title);
  transcript_.push_back("");
  if (options_.progress) *options_.progress << "== " << title << "\n" << std::flush;
  Note("step: " + title);
}

void ScenarioContext::Record(const std::string& text) {
  Line(text);
  Note(text);
}

bool ScenarioContext::Expect(bool holds, const std::string& fact) {
  ++result_.expectations;
  if (!holds) ++result_.failed_expectations;
  Line(std::string(holds ? "**PASS** " : "**FAIL** ") + fact);
  Note(std::string(holds ? "PASS: " : "FAIL: ") + fact);
  return holds;
}

void ScenarioContext::Mark(const std::string& label, const std::string& text) {
  Line("**step " + label + "**: " + text);
  AppendJournal({{"mono_ns", MonoNowNs()}, {"wall", WallNowIso()}, {"kind", "note"}, {"text", text},
                 {"mark", label}, {"scenario", result_.name}});
}

void ScenarioContext::Quote(const std::string& text) {
  transcript_.push_back("");
  transcript_.push_back("```");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    transcript_.push_back(line);
    if (options_.progress) *options_.progress << "    " << line << "\n";
  }
  transcript_.push_back("```");
  transcript_.push_back("");
  if (options_.progress) *options_.progress << std::flush;
}

raftlab::Status ScenarioContext::Up() {
  RL_RETURN_IF_ERROR(CheckNetAdmin());
  auto say = [this](const std::string& line) {
    if (options_.progress) *options_.progress << "  " << line << "\n" << std::flush;
  };
  bool started_daemon = false;
  Result<std::unique_ptr<driver::DaemonClient>> c = driver::DaemonClient::Connect(options_.state_dir, 500);
  if (!c.ok()) {
    c = driver::DaemonClient::StartAndConnect(options_.state_dir, options_.self_path, say);
    if (!c.ok()) return c.status();
    started_daemon = true;
  }
  daemon_ = std::move(*c);
  v1::UpRequest req;
  v1::LabFlags* f = req.mutable_flags();
  f->set_members(static_cast<uint32_t>(lab_.members));
  f->set_heartbeat_ms(static_cast<uint32_t>(lab_.heartbeat_ms));
  f->set_election_ms(static_cast<uint32_t>(lab_.election_ms));
  f->set_pre_vote(lab_.pre_vote);
  f->set_snapshot_count(static_cast<uint64_t>(lab_.snapshot_count));
  f->set_slow_wal(lab_.slow_wal);
  f->set_capture(lab_.capture);
  f->set_sample_interval_ms(50);
  f->set_etcd_binary("/usr/bin/etcd");
  f->set_journal_path(journal_path_);
  grpc::ClientContext call;
  auto reader = stub()->Up(&call, req);
  v1::UpProgress p;
  while (reader->Read(&p))
    if (!p.line().empty()) say(p.line());
  grpc::Status s = reader->Finish();
  if (!s.ok()) {
    // Someone else's lab (AlreadyExists) is left alone; a daemon we started goes away again.
    if (started_daemon) {
      up_ = true;
      (void)Down();
    }
    daemon_.reset();
    return FromGrpcStatus(s);
  }
  up_ = true;
  up_mono_ns_ = MonoNowNs();
  // The transcript counts from the journal's run start, as the panels and the verdicts do.
  Result<int64_t> run_start = evidence::ReadRunStartNs(journal_path_);
  run_start_ns_ = run_start.ok() ? *run_start : start_mono_ns_;
  return Status::Ok();
}

raftlab::Status ScenarioContext::Down() {
  if (!up_) return Status::Ok();
  up_ = false;
  // As `raftlab down` does: raftlabd's Down, its exit, then whatever it could not remove.
  driver::LabDownOutcome down =
      driver::TakeLabDown(options_.state_dir, daemon_.get(), [this](const std::string& line) { Line(line); });
  daemon_.reset();
  if (!down.daemon_status.ok()) return down.daemon_status;
  if (!down.still.empty()) return Internal("down left " + JoinNames(down.still, "; "));
  return Status::Ok();
}

// ---------------------------------------------------------------- act

Result<v1::StatusReply> ScenarioContext::Status() {
  grpc::ClientContext call;
  call.set_deadline(Deadline(15000));
  v1::StatusReply reply;
  grpc::Status s = stub()->Status(&call, v1::StatusRequest(), &reply);
  if (!s.ok()) return FromGrpcStatus(s);
  for (const auto& m : reply.members())
    if (std::find(known_members_.begin(), known_members_.end(), m.name()) == known_members_.end())
      known_members_.push_back(m.name());
  return reply;
}

Result<v1::PutReply> ScenarioContext::Put(const std::string& key, const std::string& value, const std::string& via,
                                          int timeout_ms, int64_t client) {
  v1::PutRequest req;
  req.set_key(key);
  req.set_value(value);
  req.set_via(via);
  req.set_timeout_ms(static_cast<uint32_t>(timeout_ms));
  req.set_client(client);
  grpc::ClientContext call;
  call.set_deadline(Deadline(timeout_ms + 10000));
  v1::PutReply reply;
  int64_t t0 = MonoNowNs();
  grpc::Status s = stub()->Put(&call, req, &reply);
  std::string what = "put `" + key + "=" + value + "` via " + (via.empty() ? "any" : via);
  if (!s.ok()) {
    raftlab::Status st = FromGrpcStatus(s);
    Line(what + ": error after " + Ms(MonoNowNs() - t0) + " (" + CodeName(st.code()) + ": " + st.message() + ")");
    return st;
  }
  Line(what + ": OK revision " + std::to_string(reply.revision()) + " (" + Ms(MonoNowNs() - t0) + ")");
  return reply;
}

Result<v1::GetReply> ScenarioContext::Get(const std::string& key, const std::string& via, bool serializable,
                                          int timeout_ms, int64_t client, bool quiet) {
  v1::GetRequest req;
  req.set_key(key);
  req.set_via(via);
  req.set_serializable(serializable);
  req.set_timeout_ms(static_cast<uint32_t>(timeout_ms));
  req.set_client(client);
  grpc::ClientContext call;
  call.set_deadline(Deadline(timeout_ms + 10000));
  v1::GetReply reply;
  int64_t t0 = MonoNowNs();
  grpc::Status s = stub()->Get(&call, req, &reply);
  std::string what = std::string(serializable ? "serializable" : "linearizable") + " get `" + key + "` via " +
                     (via.empty() ? "any" : via);
  if (!s.ok()) {
    raftlab::Status st = FromGrpcStatus(s);
    if (!quiet)
      Line(what + ": error after " + Ms(MonoNowNs() - t0) + " (" + CodeName(st.code()) + ": " + st.message() + ")");
    return st;
  }
  if (!quiet)
    Line(what + ": " +
         (reply.found() ? "`" + reply.value() + "` mod revision " + std::to_string(reply.mod_revision())
                        : std::string("not found")) +
         " at store revision " + std::to_string(reply.revision()) + " (" + Ms(MonoNowNs() - t0) + ")");
  return reply;
}

Result<v1::FaultInfo> ScenarioContext::Fault(const v1::FaultRequest& request) {
  grpc::ClientContext call;
  call.set_deadline(Deadline(60000));
  v1::FaultInfo info;
  int64_t t0 = MonoNowNs();
  grpc::Status s = stub()->ApplyFault(&call, request, &info);
  if (!s.ok()) {
    raftlab::Status st = FromGrpcStatus(s);
    Line("fault " + request.kind() + " " + request.target() + ": could not apply (" + st.message() + ")");
    return st;
  }
  Line("fault " + info.id() + " applied: " + info.description() + " [" + info.mechanism() + "] (" +
       Ms(MonoNowNs() - t0) + ")");
  return info;
}

Result<v1::FaultList> ScenarioContext::Heal(const std::string& id) {
  v1::HealRequest req;
  req.set_id(id);
  grpc::ClientContext call;
  call.set_deadline(Deadline(90000));
  v1::FaultList reply;
  int64_t t0 = MonoNowNs();
  grpc::Status s = stub()->Heal(&call, req, &reply);
  if (!s.ok()) {
    raftlab::Status st = FromGrpcStatus(s);
    Line("heal " + (id.empty() ? std::string("all") : id) + ": failed (" + st.message() + ")");
    return st;
  }
  std::vector<std::string> what;
  for (const auto& f : reply.faults()) what.push_back(f.id() + " (" + f.description() + ")");
  Line("healed " + (what.empty() ? std::string("nothing") : JoinNames(what, ", ")) + " (" + Ms(MonoNowNs() - t0) + ")");
  return reply;
}

raftlab::Status ScenarioContext::Restart(const std::string& member, const std::string& wal_dir,
                                         const RestartOptions& options) {
  v1::RestartRequest req;
  req.set_member(member);
  req.set_wal_dir(wal_dir);
  req.set_heartbeat_ms(static_cast<uint32_t>(std::max(0, options.heartbeat_ms)));
  req.set_election_ms(static_cast<uint32_t>(std::max(0, options.election_ms)));
  grpc::ClientContext call;
  call.set_deadline(Deadline(60000));
  int64_t t0 = MonoNowNs();
  auto reader = stub()->Restart(&call, req);
  v1::UpProgress p;
  while (reader->Read(&p))
    if (!p.line().empty()) Line("  " + p.line());
  grpc::Status s = reader->Finish();
  if (!s.ok()) {
    raftlab::Status st = FromGrpcStatus(s);
    Line("restart " + member + ": failed (" + st.message() + ")");
    return st;
  }
  std::string flags;
  if (options.heartbeat_ms > 0) flags += " --heartbeat-interval " + std::to_string(options.heartbeat_ms);
  if (options.election_ms > 0) flags += " --election-timeout " + std::to_string(options.election_ms);
  Line("restarted " + member + (wal_dir.empty() ? std::string() : " with its WAL on " + wal_dir + " storage") +
       (flags.empty() ? std::string() : " with" + flags) + " (" + Ms(MonoNowNs() - t0) + ")");
  return raftlab::Status::Ok();
}

Result<v1::TransferLeaderReply> ScenarioContext::TransferLeader(const std::string& target) {
  v1::TransferLeaderRequest req;
  req.set_target(target);
  grpc::ClientContext call;
  call.set_deadline(Deadline(30000));
  v1::TransferLeaderReply reply;
  grpc::Status s = stub()->TransferLeader(&call, req, &reply);
  if (!s.ok()) {
    raftlab::Status st = FromGrpcStatus(s);
    Line("transfer leadership to " + target + ": failed (" + st.message() + ")");
    return st;
  }
  Line("transfer leadership " + reply.from() + " -> " + reply.to() + ": MoveLeader returned after " +
       std::to_string(reply.took_ms()) + " ms");
  return reply;
}

raftlab::Status ScenarioContext::MemberChange(const std::string& op, const std::string& member, bool learner,
                                              int timeout_ms) {
  v1::MemberChangeRequest req;
  req.set_op(op);
  req.set_member(member);
  req.set_learner(learner);
  req.set_timeout_ms(static_cast<uint32_t>(timeout_ms));
  grpc::ClientContext call;
  call.set_deadline(Deadline(timeout_ms + 60000));
  int64_t t0 = MonoNowNs();
  auto reader = stub()->MemberChange(&call, req);
  v1::UpProgress p;
  std::vector<std::string> lines;
  while (reader->Read(&p)) {
    if (p.line().empty()) continue;
    lines.push_back(p.line());
    if (options_.progress) *options_.progress << "    " << p.line() << "\n" << std::flush;
  }
  grpc::Status s = reader->Finish();
  std::string what = "member " + op + " " + member + (op == "add" ? (learner ? " (learner)" : " (voter)") : "");
  if (!s.ok()) {
    raftlab::Status st = FromGrpcStatus(s);
    Line(what + ": failed after " + Ms(MonoNowNs() - t0) + " (" + st.message() + ")");
    return st;
  }
  Line(what + ": done in " + Ms(MonoNowNs() - t0) + (lines.empty() ? "" : " — " + lines.back()));
  return Status::Ok();
}

Result<driver::MembershipStep> ScenarioContext::Members() {
  grpc::ClientContext call;
  call.set_deadline(Deadline(15000));
  v1::MemberListReply reply;
  grpc::Status s = stub()->MemberList(&call, v1::MemberListRequest(), &reply);
  if (!s.ok()) return FromGrpcStatus(s);
  return driver::MembershipStep{{reply.voters().begin(), reply.voters().end()},
                                {reply.learners().begin(), reply.learners().end()}};
}

Result<v1::HashKvReply> ScenarioContext::HashKv(int64_t revision) {
  v1::HashKvRequest req;
  req.set_revision(revision);
  grpc::ClientContext call;
  call.set_deadline(Deadline(30000));
  v1::HashKvReply reply;
  grpc::Status s = stub()->HashKv(&call, req, &reply);
  if (!s.ok()) return FromGrpcStatus(s);
  return reply;
}

Result<evidence::RaftLog> ScenarioContext::CaptureWal(const std::string& member) {
  v1::MemberInfoRequest req;
  req.set_name(member);
  grpc::ClientContext call;
  call.set_deadline(Deadline(10000));
  v1::MemberInfoReply info;
  grpc::Status s = stub()->MemberInfo(&call, req, &info);
  if (!s.ok()) return FromGrpcStatus(s);
  Result<evidence::RaftLog> log = evidence::ReadWal(info.wal_dir());
  if (!log.ok()) return log.status();
  RL_RETURN_IF_ERROR(MakeDirs(run_dir_ + "/logs"));
  RL_RETURN_IF_ERROR(WriteFileAtomic(run_dir_ + "/logs/" + member + ".wal.jsonl", evidence::RaftLogToJsonl(*log)));
  // Its .snap files beside it (member/snap, whatever --wal-dir says): the membership checker judges
  // their ConfStates. An empty file means none; no file, that the directory was not there.
  Result<std::vector<evidence::SnapFile>> snaps = evidence::ReadSnapDir(info.data_dir() + "/member/snap");
  if (snaps.ok())
    RL_RETURN_IF_ERROR(WriteFileAtomic(run_dir_ + "/logs/" + member + ".snap.jsonl", evidence::SnapFilesToJsonl(*snaps)));
  if (std::find(known_members_.begin(), known_members_.end(), member) == known_members_.end())
    known_members_.push_back(member);
  return log;
}

// ---------------------------------------------------------------- await

Result<int64_t> ScenarioContext::Await(const std::string& what, int deadline_ms,
                                       const std::function<bool(std::string* detail)>& probe, int poll_ms) {
  const int64_t t0 = MonoNowNs();
  const int64_t deadline = t0 + static_cast<int64_t>(deadline_ms) * 1'000'000;
  int64_t next_report = t0 + 1'000'000'000;
  std::string detail;
  for (;;) {
    detail.clear();
    if (probe(&detail)) return (MonoNowNs() - t0) / 1'000'000;
    int64_t now = MonoNowNs();
    if (now > deadline)
      return Timeout("waited " + std::to_string(deadline_ms / 1000) + " s for " + what +
                     (detail.empty() ? "" : "; last seen: " + detail));
    if (now > next_report) {
      if (options_.progress)
        *options_.progress << "    waiting for " << what << " (" << (now - t0) / 1'000'000'000 << " s)"
                           << (detail.empty() ? "" : ": " + detail) << "\n" << std::flush;
      next_report += 1'000'000'000;
    }
    SleepMs(poll_ms);
  }
}

Result<v1::StatusReply> ScenarioContext::AwaitStatus(
    const std::string& what, int deadline_ms, const std::function<bool(const v1::StatusReply&, std::string*)>& ok,
    int poll_ms, int64_t* elapsed_ms) {
  v1::StatusReply last;
  Result<int64_t> waited = Await(
      what, deadline_ms,
      [&](std::string* detail) {
        Result<v1::StatusReply> s = Status();
        if (!s.ok()) {
          *detail = s.status().message();
          return false;
        }
        last = *s;
        return ok(last, detail);
      },
      poll_ms);
  if (!waited.ok()) return waited.status();
  if (elapsed_ms != nullptr) *elapsed_ms = *waited;
  return last;
}

Result<v1::StatusReply> ScenarioContext::AwaitAgreedLeader(int deadline_ms, int64_t* elapsed_ms) {
  return AwaitStatus("one agreed leader", deadline_ms,
      [](const v1::StatusReply& s, std::string* d) {
        *d = "leaders: " + JoinNames(Leaders(s));
        return AgreedLeader(s).has_value();
      }, 100, elapsed_ms);
}

// ---------------------------------------------------------------- finish

std::optional<int64_t> ScenarioContext::WalFence() {
  // etcd 3.4 writes a HardState whose only change is the commit index without flushing it
  // (wal.Save syncs only when entries or term/vote change), so the commit of the last client
  // write would be missing from every decoded WAL. One more entry flushes it on every member.
  // It goes straight to etcd, not through raftlabd: it is not a client operation to judge.
  Result<v1::StatusReply> st = Status();
  if (!st.ok()) return std::nullopt;
  std::vector<std::string> leaders = Leaders(*st);
  if (leaders.size() != 1) {
    Line("WAL fence skipped: " + std::to_string(leaders.size()) + " leaders");
    return std::nullopt;
  }
  driver::EtcdClient client(cluster::ClientEndpoint(leaders.front()));
  Result<driver::PutResult> put = client.Put("raftlab/wal-fence", result_.name, driver::Millis(5000));
  if (!put.ok()) {
    Line("WAL fence put failed: " + put.status().message());
    return std::nullopt;
  }
  Result<v1::StatusReply> settled = AwaitStatus("every running member to apply the WAL fence", 15000,
      [](const v1::StatusReply& s, std::string* d) {
        std::set<uint64_t> applied;
        for (const auto& m : s.members())
          if (m.role() != "down") applied.insert(m.applied());
        *d = std::to_string(applied.size()) + " distinct applied indexes";
        return applied.size() == 1;
      });
  std::string text = "WAL fence: `raftlab/wal-fence` put straight to etcd via " + leaders.front() + " (revision " +
                     std::to_string(put->header.revision) + ", not a client op) so every member flushes the commit "
                     "index of the last client write" + (settled.ok() ? "" : "; " + settled.status().message());
  Record(text);
  if (!settled.ok()) return std::nullopt;
  return put->header.revision;
}

void ScenarioContext::FinalHashKv(int64_t revision) {
  Result<v1::HashKvReply> hashes = HashKv(revision);
  if (!hashes.ok()) {
    Line("HashKV at revision " + std::to_string(revision) + " failed: " + hashes.status().message());
    return;
  }
  std::set<uint32_t> distinct;
  std::string each;
  for (const auto& h : hashes->hashes()) {
    each += " " + h.member() + (h.error().empty() ? "=" + std::to_string(h.hash()) : " error: " + h.error());
    if (h.error().empty()) distinct.insert(h.hash());
  }
  Record("HashKV at the fence's revision " + std::to_string(revision) + " on every member:" + each + " (" +
         std::to_string(distinct.size()) + " distinct)");
}

void ScenarioContext::NoteWalUndecoded(const std::string& member, const std::string& error) {
  AppendJournal({{"mono_ns", MonoNowNs()}, {"wall", WallNowIso()}, {"kind", "wal_capture"}, {"member", member},
                 {"ok", false}, {"error", error}});
}



void ScenarioContext::Judge() {
  transcript_.push_back("");
  transcript_.push_back("## Verdicts");
  transcript_.push_back("");
  result_.required = required_;
  Result<std::vector<evidence::Requirement>> requirements =
      required_.empty() ? Result<std::vector<evidence::Requirement>>(
                              InvalidArgument("the scenario declares no required verdicts"))
                        : evidence::ParseRequirements(required_, evidence::CheckerNames());
  if (!requirements.ok()) {
    Expect(false, "the scenario's requirements parse: " + requirements.status().message());
    result_.overall = "unknown";
    result_.exit_code = 1;
    return;
  }
  Result<evidence::Run> run = evidence::LoadRun(run_dir_);
  if (!run.ok()) {
    Expect(false, "run loads for the checkers: " + run.status().message());
    result_.overall = "unknown";
    result_.exit_code = 1;
    return;
  }
  const std::vector<evidence::Verdict> verdicts = evidence::RunAllCheckers(*run);
  const evidence::PolicyResult policy = evidence::ApplyPolicy(verdicts, *requirements);
  const std::vector<evidence::MemberSampleGaps> sampling =
      evidence::SampleGaps(*run, evidence::checkutil::TimeOrigin(*run));
  (void)WriteFileAtomic(run_dir_ + "/verdicts.json", evidence::VerdictsJson(verdicts, *requirements, policy, sampling));
  Json gaps = Json::object();
  for (const auto& g : sampling) gaps[g.member] = g.max_gap_ms;
  result_.facts["sampler_max_gap_ms"] = gaps;
  result_.overall = evidence::ValidityName(evidence::Overall(verdicts));
  result_.exit_code = policy.exit_code;
  result_.policy = policy.summary;
  for (const evidence::VerdictStanding& st : policy.standings) {
    const evidence::Verdict& v = *st.verdict;
    result_.verdicts.push_back({v.checker, evidence::ValidityName(v.validity), st.required, st.earned, v.judged,
                                v.of, v.unit});
  }
  transcript_.push_back("```");
  for (const std::string& line : evidence::VerdictTable(policy, kEvidenceQuoted, "      > ")) {
    transcript_.push_back(line);
  }
  transcript_.push_back("```");
  transcript_.push_back("");
  transcript_.push_back("Sampling (the evidence under every sample-based verdict; a member's own restart is a gap in "
                        "its series by nature, a gap in a running member would be the sampler stalling):");
  for (const auto& g : sampling) transcript_.push_back("- " + evidence::DescribeSampleGaps(g));
  if (options_.progress) {
    for (const std::string& line : evidence::VerdictTable(policy, 1, "      ")) *options_.progress << "  " << line << "\n";
  }
}

Json ScenarioContext::NoteCapture() {
  if (!lab_.capture) return Json();
  Result<std::string> text = ReadFile(run_dir_ + "/capture.json");
  Result<Json> doc = text.ok() ? ParseJson(*text) : Result<Json>(text.status());
  if (!doc.ok()) {
    Expect(false, "wire capture kept in the run (capture.json: " + doc.status().message() + ")");
    return Json();
  }
  const uint64_t drops = doc->value("ps_drop", uint64_t{0}) + doc->value("ps_ifdrop", uint64_t{0});
  std::string counts;
  const Json messages = doc->value("messages", Json::object());   // named: items() does not keep a temporary alive
  for (const auto& [type, n] : messages.items())
    counts += (counts.empty() ? "" : ", ") + type + " " + std::to_string(n.get<int64_t>());
  Line("wire capture: " + std::to_string(doc->value("packets_captured", 0)) + " packets, kernel drops " +
       std::to_string(drops) + (doc->value("truncated_at_bound", false) ? ", TRUNCATED at its size bound" : "") +
       "; messages: " + (counts.empty() ? "none" : counts));
  // A drop means messages missing from messages.jsonl: said, never hidden.
  if (drops != 0) Note("capture_drops: the kernel dropped " + std::to_string(drops) + " packets of the capture");
  if (doc->contains("decode_error")) Note("capture not decoded: " + doc->value("decode_error", std::string()));
  return *doc;
}

ScenarioResult ScenarioContext::Finish(const raftlab::Status& aborted) {
  if (!aborted.ok()) {
    result_.error = aborted.ToString();
    Line("**ABORTED** " + aborted.ToString());
    Note("ABORTED: " + aborted.ToString());
  }
  Section("Evidence");
  if (up_) {
    if (std::optional<int64_t> fence = WalFence()) FinalHashKv(*fence);
  }
  // Decoded WALs of every member still present (removed ones were captured before removal).
  if (up_) {
    Result<v1::StatusReply> st = Status();
    std::vector<std::string> captured;
    if (st.ok()) {
      for (const auto& m : st->members()) {
        Result<evidence::RaftLog> log = CaptureWal(m.name());
        if (log.ok()) {
          captured.push_back(m.name() + " (" + std::to_string(log->entries.size()) + " entries, commit " +
                             std::to_string(log->LastCommit()) + ")");
        } else {
          Line("WAL of " + m.name() + " not decoded: " + log.status().message());
          NoteWalUndecoded(m.name(), log.status().message());
        }
      }
    }
    Line("decoded WALs into logs/: " + JoinNames(captured, ", "));
  }
  raftlab::Status down = Down();
  Expect(down.ok(), down.ok() ? "lab taken down, nothing left behind; members' logs copied to etcd/"
                              : "lab down: " + down.message());
  const Json capture = NoteCapture();
  // runs/latest -> this run.
  {
    std::error_code ec;
    fs::path latest = fs::path(run_dir_).parent_path() / "latest";
    fs::remove(latest, ec);
    fs::create_directory_symlink(fs::path(run_dir_).filename(), latest, ec);
  }
  Judge();
  // Panels.
  std::vector<std::string> written;
  raftlab::Status panels = dashboards::DrawPanels(run_dir_, &written);
  transcript_.push_back("");
  transcript_.push_back("## Panels");
  transcript_.push_back("");
  if (!panels.ok()) {
    ++result_.expectations;
    ++result_.failed_expectations;
    transcript_.push_back("- **FAIL** panels not drawn: " + panels.message());
  }
  for (const auto& path : written)
    if (fs::path(path).extension() == ".svg")
      transcript_.push_back("![" + fs::path(path).stem().string() + "](panels/" + fs::path(path).filename().string() + ")");

  result_.wall_s = static_cast<double>(MonoNowNs() - start_mono_ns_) / 1e9;
  const bool ran_clean = aborted.ok() && down.ok() && result_.failed_expectations == 0;
  if (!ran_clean && result_.exit_code != 1) result_.exit_code = 1;
  result_.passed = result_.exit_code == 0;

  std::ostringstream head;
  head << "# Scenario " << result_.name << ": " << (result_.passed ? "PASS" : "FAIL") << "\n\n"
       << "seed " << options_.seed << " · " << lab_.members << " members · etcd --heartbeat-interval "
       << lab_.heartbeat_ms << " --election-timeout " << lab_.election_ms << (lab_.pre_vote ? " --pre-vote" : "")
       << (lab_.snapshot_count > 0 ? " --snapshot-count " + std::to_string(lab_.snapshot_count) : std::string())
       << " · run " << fs::path(run_dir_).filename().string() << "\n\n"
       << "expectations: " << (result_.expectations - result_.failed_expectations) << "/" << result_.expectations
       << " held · verdicts: " << result_.policy << " · wall time " << std::fixed << std::setprecision(1)
       << result_.wall_s << " s" << (result_.error.empty() ? "" : " · stopped early: " + result_.error) << "\n";
  std::string text = head.str();
  for (const auto& line : transcript_) text += line + "\n";
  (void)WriteFileAtomic(run_dir_ + "/transcript.md", text);

  Json verdicts = Json::array();
  for (const auto& v : result_.verdicts) {
    verdicts.push_back({{"checker", v.checker}, {"validity", v.validity}, {"required", v.required},
                        {"earned", v.earned}, {"judged", v.judged}, {"of", v.of}, {"unit", v.unit}});
  }
  Json doc = {{"scenario", result_.name}, {"passed", result_.passed}, {"exit_code", result_.exit_code},
              {"required", result_.required}, {"policy", result_.policy}, {"seed", options_.seed},
              {"members", lab_.members}, {"expectations", result_.expectations},
              {"failed_expectations", result_.failed_expectations}, {"overall", result_.overall},
              {"verdicts", verdicts}, {"wall_s", result_.wall_s}, {"error", result_.error},
              {"facts", result_.facts}};
  if (!capture.is_null()) {
    doc["capture_drops"] = capture.value("ps_drop", 0) + capture.value("ps_ifdrop", 0);
    doc["capture_truncated"] = capture.value("truncated_at_bound", false);
    doc["messages"] = capture.value("messages", Json::object());
  }
  (void)WriteJsonFileAtomic(run_dir_ + "/result.json", doc);
  return result_;
}

}  // namespace raftlab::scenarios
