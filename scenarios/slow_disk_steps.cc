#include "scenarios/slow_disk_steps.h"

#include <algorithm>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/http_get.h"
#include "common/json_util.h"

namespace raftlab::scenarios::slow_disk {
namespace {

constexpr int kPollMs = 100;

std::map<std::string, DiskReading> ReadAll(const std::vector<std::string>& members) {
  std::map<std::string, DiskReading> out;
  for (const std::string& m : members) {
    Result<HttpReply> r = HttpGet(cluster::MemberIp(m), cluster::kClientPort, "/metrics", 3000);
    if (r.ok() && r->status == 200) out[m] = ParseDiskReading(r->body);
  }
  return out;
}

std::vector<std::string> Names(const v1::StatusReply& s) {
  std::vector<std::string> out;
  for (const auto& m : s.members()) out.push_back(m.name());
  return out;
}

}  // namespace

std::string TopTermLeader(const v1::StatusReply& s) {
  uint64_t top = 0;
  for (const auto& m : s.members())
    if (m.role() != "down") top = std::max<uint64_t>(top, m.term());
  for (const auto& m : s.members())
    if (m.role() == "leader" && m.term() == top) return m.name();
  return "";
}

raftlab::Status SlowDisks::Set(const std::vector<std::string>& members, int fsync_ms) {
  for (auto it = ids_.begin(); it != ids_.end();) {
    if (std::find(members.begin(), members.end(), it->first) == members.end() || fsync_ms_ != fsync_ms) {
      if (Result<v1::FaultList> h = ctx_.Heal(it->second); !h.ok()) return h.status();
      it = ids_.erase(it);
    } else {
      ++it;
    }
  }
  fsync_ms_ = fsync_ms;
  for (const std::string& m : members) {
    if (ids_.count(m)) continue;
    v1::FaultRequest f;
    f.set_kind("slow-disk");
    f.set_target(m);
    f.set_fsync_ms(fsync_ms);
    Result<v1::FaultInfo> applied = ctx_.Fault(f);
    if (!applied.ok()) return applied.status();
    ids_[m] = applied->id();
  }
  return raftlab::Status::Ok();
}

bool SlowDisks::FollowLeader(int fsync_ms) {
  Result<v1::StatusReply> st = ctx_.Status();
  if (!st.ok()) return false;
  const std::string leader = TopTermLeader(*st);
  const std::vector<std::string> want = leader.empty() ? std::vector<std::string>{} : std::vector<std::string>{leader};
  bool same = ids_.size() == want.size() && fsync_ms_ == fsync_ms;
  for (const std::string& m : want) same = same && ids_.count(m) != 0;
  if (same) return false;
  if (!Set(want, fsync_ms).ok()) return false;
  if (!leader.empty()) ++moves_;
  return true;
}

int Window::Changes() const { return std::max(static_cast<int>(changes.size()), static_cast<int>(metric_changes)); }

double Window::MeanFsyncMs(const std::string& member) const {
  if (!before.count(member) || !after.count(member)) return -1;
  return slow_disk::MeanFsyncMs(before.at(member), after.at(member));
}

std::string Window::Describe() const {
  std::string seen;
  for (const ObservedChange& c : changes)
    seen += (seen.empty() ? "" : ", ") + c.leader + " t" + std::to_string(c.term) + " at +" + Fixed(c.after_s) + " s";
  return std::to_string(changes.size()) + " leader changes in the samples" + (seen.empty() ? "" : " (" + seen + ")") +
         ", leader_changes_seen_total +" + Fixed(metric_changes, 0) + "; writes: " + load.Summary();
}

Result<Window> Windows::Run(const std::string& what, int window_ms, int put_timeout_ms,
                            const std::function<void()>& poll) {
  Result<v1::StatusReply> st = ctx_.Status();
  if (!st.ok()) return st.status();
  const std::vector<std::string> members = Names(*st);
  ctx_.Record("window \"" + what + "\": " + std::to_string(window_ms / 1000) + " s of writes");
  Window w;
  w.before = ReadAll(members);
  LoadOptions lo;
  lo.clients = 3;
  lo.read_fraction = 0;
  lo.keys = 8;
  lo.key_prefix = "slow/w" + std::to_string(next_client_ / 10) + "/k";
  lo.max_ops = 1'000'000;
  lo.max_ms = window_ms;
  lo.timeout_ms = put_timeout_ms;
  lo.think_ms = 10;
  lo.first_client_id = next_client_;   // unique values across windows: "c<client>-<seq>"
  lo.seed = ctx_.seed();
  next_client_ += 10;
  const int64_t from_ns = MonoNowNs();
  LoadGenerator load(ctx_.stub(), lo);
  load.Start();
  while (MonoNowNs() - from_ns < static_cast<int64_t>(window_ms) * 1'000'000) {
    if (poll) poll();
    SleepMs(kPollMs);   // the poll's cadence, not a wait for something
  }
  const int64_t to_ns = MonoNowNs();
  w.after = ReadAll(members);
  w.load = load.Stop();   // clients finish the op in flight (bounded by its timeout)
  w.seconds = static_cast<double>(to_ns - from_ns) / 1e9;
  w.metric_changes = MaxLeaderChangeRise(w.before, w.after);
  Result<std::string> journal = ReadFile(ctx_.run_dir() + "/journal.jsonl");
  if (journal.ok()) w.changes = LeaderChangesBetween(SampleEvents(*journal), from_ns, to_ns);
  ctx_.Record("window \"" + what + "\" (" + Fixed(w.seconds) + " s): " + w.Describe());
  return w;
}

Result<LeaderView> Settle(ScenarioContext& ctx, const std::string& key) {
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  Result<int64_t> put = ctx.Await("a write to commit", 30000, [&](std::string* d) {
    Result<v1::PutReply> p = ctx.Put(key, "v", "", 8000);
    if (!p.ok()) *d = p.status().message();
    return p.ok();
  }, 200);
  if (!put.ok()) return put.status();
  st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  return *AgreedLeader(*st);
}

// Restarts every member with `election_ms`, one at a time (followers first, the leader last:
// etcd hands leadership over on SIGTERM), each back and caught up before the next goes, under
// a light write load that shows a quorum kept committing.
raftlab::Status RollingRestart(ScenarioContext& ctx, int election_ms, int64_t first_client) {
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  const std::string leader = AgreedLeader(*st)->name;
  std::vector<std::string> order;
  for (const std::string& m : Names(*st))
    if (m != leader) order.push_back(m);
  order.push_back(leader);
  ctx.Record("rolling restart with --election-timeout " + std::to_string(election_ms) + ", in the order " +
             JoinNames(order, ", ") + " (the leader last), each caught up before the next stops");
  LoadOptions lo;
  lo.clients = 2;
  lo.read_fraction = 0;
  lo.key_prefix = "slow/rolling/k";
  lo.max_ops = 1'000'000;
  lo.max_ms = 120000;
  lo.timeout_ms = 3000;
  lo.think_ms = 20;
  lo.first_client_id = first_client;
  lo.seed = ctx.seed();
  LoadGenerator load(ctx.stub(), lo);
  load.Start();
  for (const std::string& m : order) {
    if (raftlab::Status s = ctx.Restart(m, "", {.election_ms = election_ms}); !s.ok()) return s;
    Result<v1::StatusReply> now = ctx.Status();
    uint64_t commit_then = 0;
    if (now.ok())
      for (const auto& x : now->members()) commit_then = std::max<uint64_t>(commit_then, x.commit());
    Result<v1::StatusReply> back = ctx.AwaitStatus(m + " to follow an agreed leader and apply index " +
                                                       std::to_string(commit_then), 30000,
        [&](const v1::StatusReply& s, std::string* d) {
          const v1::MemberStatus* x = FindMember(s, m);
          *d = x ? m + " is " + x->role() + ", applied " + std::to_string(x->applied()) : "no status";
          return x && x->healthy() && AgreedLeader(s) && x->applied() >= commit_then;
        });
    if (!back.ok()) return back.status();
  }
  LoadStats during = load.Stop();
  ctx.Expect(during.puts_ok > 0, "writes kept committing while one member at a time restarted (a quorum of 2 of 3 "
                                 "ran throughout): " + during.Summary());
  return raftlab::Status::Ok();
}

}  // namespace raftlab::scenarios::slow_disk
