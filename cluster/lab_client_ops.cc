// Lab client operations: Put and Get through a chosen member (or the leader), HashKV of every
// member, leadership transfer; each client operation journaled as invoke, then ok / fail /
// info (a timeout or an unreachable member is info: the outcome is unknown).
#include <algorithm>

#include "cluster/lab.h"
#include "common/strings.h"

namespace raftlab::cluster {

Result<std::shared_ptr<driver::EtcdClient>> Lab::PickClient(const std::string& via, std::string* name) {
  struct Candidate {
    std::string name;
    bool running, learner;
    std::string last_exit;
    std::shared_ptr<driver::EtcdClient> client;
  };
  std::vector<Candidate> candidates;
  std::shared_ptr<evidence::Sampler> sampler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!up_) return FailedPrecondition("no lab is up: run `raftlab up` first");
    for (const auto& [n, m] : members_) candidates.push_back({n, m.running, m.learner, m.last_exit, m.client});
    sampler = sampler_;
  }
  if (!via.empty()) {
    auto it = std::find_if(candidates.begin(), candidates.end(), [&](const Candidate& c) { return c.name == via; });
    if (it == candidates.end()) {
      std::vector<std::string> known;
      for (const auto& c : candidates) known.push_back(c.name);
      return NotFound("unknown member '" + via + "' (members: " + JoinNames(known, ", ") + ")");
    }
    if (!it->running) return FailedPrecondition("member " + via + " is down (" + it->last_exit + "): pick another with --via");
    *name = via;
    return it->client;
  }
  const Candidate* pick = nullptr;
  if (sampler)
    for (const auto& c : candidates) {
      auto latest = sampler->Latest(c.name);
      if (c.running && latest && latest->state == "StateLeader") pick = &c;
    }
  for (const auto& c : candidates) if (pick == nullptr && c.running && !c.learner) pick = &c;
  if (pick == nullptr) return Unavailable("no member is running");
  *name = pick->name;
  return pick->client;
}

void Lab::RecordOp(const Json& invoke, const Status& status, Json done) {
  Json complete = invoke;
  complete["phase"] = status.ok() ? "ok" : (status.code() == Code::kTimeout || status.code() == Code::kUnavailable ? "info" : "fail");
  if (!status.ok()) complete["error"] = status.message();
  complete.update(done);
  Record("op", complete);
}

Result<Lab::StartedOp> Lab::StartOp(const std::string& key, const std::string& via, int64_t client_id, Json fields,
                                    std::string* served_by) {
  if (key.empty()) return InvalidArgument("empty key");
  Result<std::shared_ptr<driver::EtcdClient>> client = PickClient(via, served_by);
  if (!client.ok()) return client.status();
  std::shared_ptr<evidence::Journal> journal = this->journal();
  if (!journal) return FailedPrecondition("no lab is up: run `raftlab up` first");
  Json invoke = {{"op_id", journal->NextOpId()}, {"client", client_id}};
  invoke.update(fields);
  invoke["via"] = *served_by;
  invoke["phase"] = "invoke";
  journal->Record("op", invoke);
  return StartedOp{*client, invoke};
}

Result<driver::PutResult> Lab::Put(const std::string& key, const std::string& value, const std::string& via,
                                   driver::Millis timeout, std::string* served_by, int64_t client_id) {
  Result<StartedOp> op = StartOp(key, via, client_id, {{"f", "put"}, {"key", key}, {"value", value}}, served_by);
  if (!op.ok()) return op.status();
  Result<driver::PutResult> r = op->client->Put(key, value, timeout);
  RecordOp(op->invoke, r.status(), r.ok() ? Json{{"revision", r->header.revision}} : Json::object());
  return r;
}

Result<driver::GetResult> Lab::Get(const std::string& key, bool serializable, const std::string& via,
                                   driver::Millis timeout, std::string* served_by, int64_t client_id) {
  Result<StartedOp> op =
      StartOp(key, via, client_id, {{"f", "get"}, {"key", key}, {"serializable", serializable}}, served_by);
  if (!op.ok()) return op.status();
  Result<driver::GetResult> r = op->client->Get(key, serializable, timeout);
  Json done = Json::object();
  if (r.ok()) done = {{"found", r->found}, {"value", r->value}, {"revision", r->header.revision}};
  RecordOp(op->invoke, r.status(), done);
  return r;
}

std::vector<Lab::MemberHash> Lab::HashKvAll(int64_t revision) {
  std::vector<std::pair<std::string, std::shared_ptr<driver::EtcdClient>>> running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, m] : members_) if (m.running) running.emplace_back(name, m.client);
  }
  std::vector<MemberHash> out;
  for (const auto& [name, client] : running) {
    MemberHash h;
    h.member = name;
    Result<driver::HashKvResult> r = client->HashKV(revision, driver::Millis(5000));
    if (r.ok()) {
      h.revision = revision != 0 ? revision : r->header.revision;
      h.hash = r->hash;
      h.compact_revision = r->compact_revision;
      Record("hashkv", {{"member", name}, {"revision", h.revision}, {"hash", h.hash},
                        {"compact_revision", h.compact_revision}});
    } else {
      h.error = r.status().message();
    }
    out.push_back(h);
  }
  return out;
}

void Lab::FinalHashKv() {
  std::vector<std::shared_ptr<driver::EtcdClient>> running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, m] : members_) if (m.running) running.push_back(m.client);
  }
  int64_t common = 0;   // the lowest revision any running member reports: all of them have it
  for (const auto& client : running) {
    Result<driver::HashKvResult> r = client->HashKV(0, driver::Millis(1000));
    if (r.ok() && r->header.revision > 0)
      common = common == 0 ? r->header.revision : std::min(common, r->header.revision);
  }
  if (common > 0) (void)HashKvAll(common);
}

Result<std::string> Lab::TransferLeader(const std::string& target) {
  RL_RETURN_IF_ERROR(CheckMember(target));
  Result<std::string> leader = ResolveTarget("leader");
  if (!leader.ok()) return leader.status();
  if (*leader == target) return FailedPrecondition(target + " is already the leader");
  std::shared_ptr<driver::EtcdClient> client;
  uint64_t target_id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    client = members_.at(*leader).client;
    target_id = members_.at(target).id;
  }
  Record("action", {{"name", "transfer_leader"}, {"from", *leader}, {"to", target}});
  RL_RETURN_IF_ERROR(client->MoveLeader(target_id, driver::Millis(10000)));
  return *leader;
}

}  // namespace raftlab::cluster
