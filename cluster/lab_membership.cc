// Lab membership: one member at a time through etcd's Cluster API (add as learner or voter,
// promote, remove), and the configuration etcd reports, journaled when it changes.
#include <algorithm>

#include "cluster/lab.h"
#include "common/clock.h"
#include "common/hex_id.h"

namespace raftlab::cluster {
namespace {

// etcd refuses reconfiguration ("unhealthy cluster") until the receiving member has been
// connected to every voter for 5 s: after a start, a restart or a heal that is a wait, not an
// error. Retries `change` for up to 20 s while that is its answer; returns its last status.
Status RetryWhileUnhealthy(const Lab::Progress& progress, const std::function<Status()>& change) {
  const int64_t deadline = MonoNowNs() + 20'000'000'000LL;
  for (int64_t next_report = MonoNowNs() + 1'000'000'000;;) {
    Status s = change();
    if (s.ok() || s.message().find("unhealthy cluster") == std::string::npos || MonoNowNs() > deadline) return s;
    if (MonoNowNs() > next_report) {
      progress("etcd says the cluster is not yet healthy enough to reconfigure; retrying");
      next_report += 2'000'000'000;
    }
    SleepMs(200);
  }
}

}  // namespace

void Lab::RefreshMemberIds() {
  std::vector<std::shared_ptr<driver::EtcdClient>> running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, m] : members_) if (m.running) running.push_back(m.client);
  }
  for (const auto& client : running) {
    Result<std::vector<driver::EtcdMember>> list = client->MemberList(driver::Millis(2000));
    if (!list.ok()) continue;
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& em : *list)
      for (auto& [name, m] : members_)
        if (!em.peer_urls.empty() && em.peer_urls[0] == PeerUrlAt(m.address)) {
          m.id = em.id;
          m.learner = em.is_learner;
        }
    PublishMemberNamesLocked();
    return;
  }
}

Result<Json> Lab::RecordMembership() {
  std::string leader_name;
  Result<std::shared_ptr<driver::EtcdClient>> client = PickClient("", &leader_name);
  if (!client.ok()) return client.status();
  Result<std::vector<driver::EtcdMember>> list = (*client)->MemberList(driver::Millis(3000));
  if (!list.ok()) return list.status();
  Json membership = {{"voters", Json::array()}, {"learners", Json::array()}, {"ids", Json::object()}};
  bool changed = false;
  PendingState state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& em : *list) {
      std::string name;
      for (auto& [n, m] : members_)
        if (!em.peer_urls.empty() && em.peer_urls[0] == PeerUrlAt(m.address)) {
          name = n;
          m.id = em.id;
          m.learner = em.is_learner;
        }
      if (name.empty()) name = HexId(em.id);
      membership[em.is_learner ? "learners" : "voters"].push_back(name);
      membership["ids"][name] = HexId(em.id);
    }
    for (const char* k : {"voters", "learners"}) std::sort(membership[k].begin(), membership[k].end());
    changed = membership != last_membership_;
    last_membership_ = membership;
    state = SnapshotStateLocked();
  }
  // A "membership" event is a configuration step for the checkers: journal changes only.
  if (changed) Record("membership", membership);
  SaveState(state);
  return membership;
}

Status Lab::AddMember(const std::string& name, bool learner, const Progress& progress) {
  std::lock_guard<std::mutex> change(lifecycle_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!up_) return FailedPrecondition("no lab is up: run `raftlab up` first");
    if (MemberOrdinal(name) == 0)
      return InvalidArgument("member names are n1..n" + std::to_string(kMaxMembers) + ", got '" + name + "'");
    if (members_.count(name) != 0) return AlreadyExists("member " + name + " already exists");
  }
  std::string via;
  Result<std::shared_ptr<driver::EtcdClient>> client = PickClient("", &via);
  if (!client.ok()) return client.status();
  HostAgent* agent = agents_.local();
  Result<Member> prepared = PrepareMember(name, agent, "", progress);
  if (!prepared.ok()) return prepared.status();
  Member m = std::move(*prepared);
  const std::string peer_url = PeerUrlAt(m.address);
  progress(std::string("asking ") + via + " to add " + name + (learner ? " as a learner" : " as a voter") + " (peer " + peer_url + ")");
  Result<driver::EtcdMember> added = Unavailable("not tried");
  (void)RetryWhileUnhealthy(progress, [&] {
    added = (*client)->MemberAdd({peer_url}, learner, driver::Millis(10000));
    return added.status();
  });
  if (!added.ok()) {
    (void)agent->RemoveHost(name);
    return added.status();
  }
  Result<std::vector<driver::EtcdMember>> list = (*client)->MemberList(driver::Millis(3000));
  if (!list.ok()) return list.status();
  std::string initial_cluster;
  for (const auto& em : *list) {
    if (em.peer_urls.empty()) continue;
    std::string n = em.name.empty() ? (em.id == added->id ? name : "") : em.name;
    if (n.empty()) continue;   // another unstarted member: etcd would refuse to start anyway
    initial_cluster += (initial_cluster.empty() ? "" : ",") + n + "=" + em.peer_urls[0];
  }
  m.id = added->id;
  m.learner = learner;
  m.spec.initial_cluster = initial_cluster;
  m.spec.join_existing = true;
  bool slow_wal = false;
  PendingState state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    slow_wal = options_.slow_wal;
    members_[name] = m;
    state = SnapshotStateLocked();
  }
  SaveState(state);
  if (slow_wal) {
    RL_RETURN_IF_ERROR(EnsureSlowWalMount(name));
    std::lock_guard<std::mutex> lock(mu_);
    Member& mm = members_.at(name);
    mm.spec.wal_dir = mm.layout.SlowWalDir();
  }
  Record("action", {{"name", "member_add"}, {"member", name}, {"learner", learner},
                    {"id", HexId(added->id)}, {"via", via}});
  progress("starting etcd " + name + " with --initial-cluster-state existing");
  RL_RETURN_IF_ERROR(StartMember(name));
  if (auto sampler = CurrentSampler()) sampler->AddMember(name, m.address, kClientPort);
  RL_RETURN_IF_ERROR(WaitUntilAnswering(name, 30000));
  (void)RecordMembership();
  return Status::Ok();
}

Status Lab::PromoteMember(const std::string& name, int timeout_ms, const Progress& progress) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!members_.at(name).learner) return FailedPrecondition(name + " is already a voter");
    id = members_.at(name).id;
  }
  const int64_t start = MonoNowNs();
  const int64_t deadline = start + static_cast<int64_t>(timeout_ms) * 1'000'000;
  int64_t next_report = start + 1'000'000'000;
  for (;;) {
    std::string via;
    Result<std::shared_ptr<driver::EtcdClient>> client = PickClient("", &via);
    if (!client.ok()) return client.status();
    Status s = (*client)->MemberPromote(id, driver::Millis(5000));
    if (s.ok()) {
      progress("promoted " + name + " to voter after " + std::to_string((MonoNowNs() - start) / 1'000'000) + " ms");
      Record("action", {{"name", "member_promote"}, {"member", name}, {"via", via}});
      (void)RecordMembership();
      return Status::Ok();
    }
    // etcd refuses until the learner's log is close to the leader's: that is a wait, not an error.
    if (s.message().find("in sync") == std::string::npos && s.message().find("not leader") == std::string::npos)
      return s;
    if (MonoNowNs() > deadline) return Timeout("learner " + name + " did not catch up within " + std::to_string(timeout_ms / 1000) + " s: " + s.message());
    if (MonoNowNs() > next_report) {
      progress("waiting for learner " + name + " to catch up (" + s.message() + ")");
      next_report += 1'000'000'000;
    }
    SleepMs(100);
  }
}

Status Lab::RemoveMember(const std::string& name, const Progress& progress) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  std::lock_guard<std::mutex> change(lifecycle_mu_);
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = members_.at(name).id;
    if (id == 0) return FailedPrecondition("etcd id of " + name + " unknown");
    size_t voters = 0;
    for (const auto& [n, m] : members_) voters += m.learner ? 0 : 1;
    if (voters <= 1 && !members_.at(name).learner) return FailedPrecondition("cannot remove the last voter");
  }
  // Ask a member other than the one leaving (the leader when it is not the one leaving).
  std::string via;
  for (const auto& v : StatusOfMembers()) {
    if (v.name == name || v.role == "down") continue;
    if (via.empty() || v.role == "leader") via = v.name;
  }
  if (via.empty()) return Unavailable("no other running member to send the removal to");
  std::shared_ptr<driver::EtcdClient> client;
  {
    std::lock_guard<std::mutex> lock(mu_);
    client = members_.at(via).client;
  }
  progress("asking " + via + " to remove " + name + " (id " + HexId(id) + ")");
  RL_RETURN_IF_ERROR(RetryWhileUnhealthy(progress, [&] { return client->MemberRemove(id, driver::Millis(10000)); }));
  Record("action", {{"name", "member_remove"}, {"member", name}, {"via", via}});
  // A removed member stops itself once it applies its removal; give it a moment, then stop it.
  const int64_t deadline = MonoNowNs() + 5'000'000'000LL;
  while (IsRunning(name) && MonoNowNs() < deadline) SleepMs(50);
  if (IsRunning(name)) RL_RETURN_IF_ERROR(StopMember(name, 5000));
  if (auto sampler = CurrentSampler()) sampler->RemoveMember(name);
  Member gone;
  PendingState state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gone = members_.at(name);
    members_.erase(name);
    state = SnapshotStateLocked();
  }
  SaveState(state);
  if (gone.slowfs.valid()) (void)gone.agent->UnmountSlowStore(name, gone.layout.SlowWal(), gone.slowfs);
  // Its own log is evidence of the removal: keep it beside the journal.
  if (auto journal = this->journal()) KeepLogBesideJournal(gone, journal->path());
  RL_RETURN_IF_ERROR(gone.agent->RemoveHost(name));
  (void)gone.agent->RemoveTree(name, gone.layout.Dir());
  progress("removed " + name + "; its host " + MemberNetns(name) + " is gone");
  (void)RecordMembership();
  return Status::Ok();
}

}  // namespace raftlab::cluster
