// slow-disk: a leader whose WAL fsync is slower than the election timeout cannot send
// heartbeats while it waits on the disk, so the followers elect another leader; moving the WAL
// to fast storage (a real restart with another --wal-dir) brings fsync and stability back.
//
//   1. every WAL on the lab's slowfs mount at delay 0; the baseline fsync on the leader L;
//   2. slow-disk on L at 2500 ms (etcd draws each follower's election timeout between 1x and 2x
//      --election-timeout, so only a stall above 2 s deposes L for sure); writes; leadership
//      moves; L's mean fsync over the window is measured from its own /metrics;
//   3. L restarts with its WAL on the plain disk (the fault stays applied to the mount it no
//      longer uses): 10 s of writes with no leader change and L's fsync back under 50 ms.
#include "cluster/topology.h"
#include "common/clock.h"
#include "common/http_get.h"
#include "evidence/raft_status.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {
namespace {

constexpr int kSlowFsyncMs = 2500;

struct DiskFigures {
  double fsync_sum_s = 0;
  double fsync_count = 0;
  double leader_changes = 0;
};

Result<DiskFigures> ReadFigures(const std::string& member) {
  Result<HttpReply> r = HttpGet(cluster::MemberIp(member), cluster::kClientPort, "/metrics", 3000);
  if (!r.ok()) return r.status();
  auto m = evidence::ParseMetrics(r->body, {"etcd_disk_wal_fsync_duration_seconds_sum",
                                             "etcd_disk_wal_fsync_duration_seconds_count",
                                             "etcd_server_leader_changes_seen_total"});
  return DiskFigures{m["etcd_disk_wal_fsync_duration_seconds_sum"], m["etcd_disk_wal_fsync_duration_seconds_count"],
                     m["etcd_server_leader_changes_seen_total"]};
}

// Mean fsync in ms between two readings; -1 when no fsync completed in between.
double MeanFsyncMs(const DiskFigures& before, const DiskFigures& after) {
  double n = after.fsync_count - before.fsync_count;
  return n > 0 ? 1000.0 * (after.fsync_sum_s - before.fsync_sum_s) / n : -1;
}

std::string Fixed(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

raftlab::Status RunSlowDisk(ScenarioContext& ctx) {
  ctx.Section("A leader with its WAL on the lab's slow-fsync mount, delay 0");
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  const LeaderView slow = *AgreedLeader(*st);
  ctx.Record("leader " + slow.name + " in term " + std::to_string(slow.term));
  Result<DiskFigures> base0 = ReadFigures(slow.name);
  if (!base0.ok()) return base0.status();
  for (int i = 0; i < 10; ++i)
    if (Result<v1::PutReply> p = ctx.Put("slow/base-" + std::to_string(i), "v", slow.name, 5000); !p.ok()) return p.status();
  Result<DiskFigures> base1 = ReadFigures(slow.name);
  if (!base1.ok()) return base1.status();
  const double baseline_ms = MeanFsyncMs(*base0, *base1);
  ctx.Record(slow.name + "'s mean WAL fsync through the mount at delay 0: " + Fixed(baseline_ms) + " ms over " +
             Fixed(base1->fsync_count - base0->fsync_count) + " fsyncs");

  ctx.Section("Slow disk: every WAL fsync on " + slow.name + " takes " + std::to_string(kSlowFsyncMs) + " ms more");
  v1::FaultRequest fault;
  fault.set_kind("slow-disk");
  fault.set_target(slow.name);
  fault.set_fsync_ms(kSlowFsyncMs);
  Result<v1::FaultInfo> applied = ctx.Fault(fault);
  if (!applied.ok()) return applied.status();
  Result<DiskFigures> slow0 = ReadFigures(slow.name);
  if (!slow0.ok()) return slow0.status();
  const int64_t t0 = ctx.NowMs();
  std::optional<LeaderView> moved;
  // Each write makes the leader fsync; while it waits on the disk it sends no heartbeats.
  for (int i = 0; i < 8 && !moved; ++i) {
    (void)ctx.Put("slow/during-" + std::to_string(i), "v", "", 8000);
    Result<v1::StatusReply> now = ctx.Status();
    if (now.ok()) {
      std::optional<LeaderView> l = AgreedLeader(*now);
      if (l && (l->name != slow.name || l->term > slow.term)) moved = l;
    }
  }
  if (!moved) {
    Result<v1::StatusReply> after = ctx.AwaitStatus("leadership to move off " + slow.name, 20000,
        [&](const v1::StatusReply& s, std::string* d) {
          std::optional<LeaderView> l = AgreedLeader(s);
          *d = "leaders: " + JoinNames(Leaders(s));
          return l && (l->name != slow.name || l->term > slow.term);
        });
    if (after.ok()) moved = AgreedLeader(*after);
  }
  ctx.Expect(moved.has_value(), "the cluster elected again while " + slow.name + "'s disk was slow" +
                                    (moved ? ": leader " + moved->name + " in term " + std::to_string(moved->term) + ", " +
                                                 std::to_string(ctx.NowMs() - t0) + " ms after the fault"
                                           : std::string()));
  Result<DiskFigures> slow1 = ReadFigures(slow.name);
  const double slow_ms = slow1.ok() ? MeanFsyncMs(*slow0, *slow1) : -1;
  ctx.Expect(slow_ms > 1000, slow.name + "'s mean WAL fsync while slow: " + Fixed(slow_ms) + " ms (> 1000 ms)");
  ctx.facts()["fsync_baseline_ms"] = baseline_ms;
  ctx.facts()["fsync_slow_ms"] = slow_ms;
  if (moved) ctx.facts()["slow_to_new_leader_ms"] = ctx.NowMs() - t0;

  ctx.Section("The remedy: " + slow.name + "'s WAL moves to fast storage (a restart with another --wal-dir)");
  if (raftlab::Status s = ctx.Restart(slow.name, "fast"); !s.ok()) return s;
  st = ctx.AwaitStatus(slow.name + " to follow an agreed leader", 30000,
      [&](const v1::StatusReply& s, std::string* d) {
        const v1::MemberStatus* m = FindMember(s, slow.name);
        std::optional<LeaderView> l = AgreedLeader(s);
        *d = m ? slow.name + " is " + m->role() : "no status";
        return m && l && m->healthy();
      });
  if (!st.ok()) return st.status();
  const LeaderView steady = *AgreedLeader(*st);
  std::map<std::string, DiskFigures> calm0;
  for (const auto& m : st->members())
    if (Result<DiskFigures> f = ReadFigures(m.name()); f.ok()) calm0[m.name()] = *f;
  int writes = 0, ok_writes = 0;
  const int64_t calm_start = ctx.NowMs();
  while (ctx.NowMs() - calm_start < 10000) {
    ++writes;
    ok_writes += ctx.Put("slow/after-" + std::to_string(writes), "v", "", 5000).ok() ? 1 : 0;
    SleepMs(250);   // a steady trickle of writes, not a flood, keeps the transcript readable
  }
  double changes = 0;
  std::map<std::string, DiskFigures> calm1;
  for (const auto& [name, before] : calm0)
    if (Result<DiskFigures> f = ReadFigures(name); f.ok()) {
      calm1[name] = *f;
      changes += f->leader_changes - before.leader_changes;
    }
  Result<v1::StatusReply> end = ctx.Status();
  std::optional<LeaderView> final_leader = end.ok() ? AgreedLeader(*end) : std::nullopt;
  const double fast_ms = calm1.count(slow.name) ? MeanFsyncMs(calm0[slow.name], calm1[slow.name]) : -1;
  ctx.Expect(ok_writes == writes, std::to_string(ok_writes) + " of " + std::to_string(writes) +
                                      " writes committed over 10 s after the move");
  ctx.Expect(changes == 0 && final_leader && final_leader->name == steady.name && final_leader->term == steady.term,
             "no leader change over those 10 s (leader " + steady.name + ", term " + std::to_string(steady.term) +
                 ", leader_changes_seen_total +" + Fixed(changes) + ")");
  ctx.Expect(fast_ms >= 0 && fast_ms < 50, slow.name + "'s mean WAL fsync on fast storage: " + Fixed(fast_ms) +
                                               " ms (< 50 ms), while the slow-disk fault still applies to the mount it left");
  ctx.facts()["fsync_after_move_ms"] = fast_ms;
  if (Result<v1::FaultList> h = ctx.Heal(""); !h.ok()) return h.status();
  return raftlab::Status::Ok();
}

}  // namespace raftlab::scenarios
