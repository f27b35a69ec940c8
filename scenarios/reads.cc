// reads: the three ways to read from etcd 3.4, measured side by side under a 9:1 read:write
// load on one lab, then the price of the cheap one under a partition.
//
//   serializable  Range with serializable=true: the member answers from its own store and
//                 waits for nothing else (no leader, no quorum): possibly stale.
//   linearizable  Range (etcd's default): ReadIndex. The member asks the leader (a follower
//                 forwards a MsgReadIndex); the leader confirms it still leads with a heartbeat
//                 round to a quorum, answers with its commit index, and the member waits until
//                 its applied index reaches that read index before reading.
//   log           a Txn holding the Range and a put to the client's scratch key: a proposal,
//                 ordered by a log entry like any write. It waits for the leader's WAL fsync,
//                 a replication round to a quorum that fsyncs too, the commit and the apply.
//
// Each path in turn gets the same open-loop load (driver/async_load.h, straight to every
// member's client URL, same rate, duration and keys; every op journaled), its latency table and
// histogram panel (panels/latency-<path>.png|svg from load-<path>.json), and the leader's mean
// WAL fsync over the phase from its own /metrics. A side-by-side table then explains each
// path's cost from what it waits for. Under a partition a cut-off follower still answers a
// serializable read, with the value from before the cut, while a linearizable read through it
// fails. Lease-based reads (and so a clock-skew failure) are not possible on stock etcd 3.4.
//
// Reads members' /metrics over HTTP; the load runs on its own thread (AsyncLoad), awaited here.
#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/http_get.h"
#include "dashboards/latency_panel.h"
#include "driver/async_load.h"
#include "evidence/raft_status.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {
namespace {

using driver::ReadPath;

constexpr double kRate = 1000;          // ops/s, each phase: well below what 2 cores sustain on the log path
constexpr double kReadRatio = 0.9;
constexpr int64_t kPhaseMs = 8000;
constexpr int kKeys = 20;
constexpr int kTimeoutMs = 3000;
constexpr double kSustainSlack = 0.1;   // a phase must reach 90% of kRate with every op ok

std::string Ms(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.2f ms", v);
  return buf;
}

// A member's cumulative WAL fsync time and count, from its /metrics.
struct FsyncReading {
  bool ok = false;
  double sum_s = 0, count = 0;
};

FsyncReading ReadFsync(const std::string& member) {
  FsyncReading r;
  Result<HttpReply> page = HttpGet(cluster::MemberIp(member), cluster::kClientPort, "/metrics", 3000);
  if (!page.ok() || page->status != 200) return r;
  std::map<std::string, double> m = evidence::ParseMetrics(
      page->body, {"etcd_disk_wal_fsync_duration_seconds_sum", "etcd_disk_wal_fsync_duration_seconds_count"});
  r.ok = m.count("etcd_disk_wal_fsync_duration_seconds_count") != 0;
  r.sum_s = m["etcd_disk_wal_fsync_duration_seconds_sum"];
  r.count = m["etcd_disk_wal_fsync_duration_seconds_count"];
  return r;
}

struct Phase {
  ReadPath path;
  driver::LoadReport report;
  bool sustained = false;
  std::string why;
  double fsyncs = 0;            // the leader's WAL fsyncs during the phase
  double fsync_mean_ms = -1;    // their mean; -1 when unknown
  const driver::KindStats* reads() const {
    auto it = report.kinds.find(driver::KindName(false, driver::ReadPathName(path)));
    return it == report.kinds.end() ? nullptr : &it->second;
  }
  double ReadPercentile(double p) const { return reads() ? reads()->ok_latency.PercentileMs(p) : 0; }
};

const char* WhatItWaitsFor(ReadPath p) {
  switch (p) {
    case ReadPath::kSerializable:
      return "waits for nothing but the member's own store: no leader, no quorum, no disk";
    case ReadPath::kLinearizable:
      return "ReadIndex: the leader confirms it still leads with a heartbeat round to a quorum (a follower first "
             "forwards the request to it), then the member waits until its applied index reaches the read index";
    case ReadPath::kLog:
      return "a proposal like any write: the leader's WAL fsync, a replication round to a quorum that fsyncs too, "
             "the commit and the apply, before the Range inside the Txn is read";
  }
  return "";
}

// Awaits `load` (progress lines come from the await), then returns its report.
Result<driver::LoadReport> RunLoad(ScenarioContext& ctx, driver::AsyncLoadOptions o, driver::LoadJournal* journal,
                                   const std::string& what) {
  std::mutex mu;
  std::string last;
  o.progress = [&](const driver::LoadProgress& p) {
    char buf[200];
    snprintf(buf, sizeof buf, "%.0f s: %llu issued, %llu ok, %llu fail, %llu info, %llu in flight, %.0f/s", p.elapsed_s,
             static_cast<unsigned long long>(p.issued), static_cast<unsigned long long>(p.ok),
             static_cast<unsigned long long>(p.fail), static_cast<unsigned long long>(p.info),
             static_cast<unsigned long long>(p.in_flight), p.rate);
    std::lock_guard<std::mutex> lock(mu);
    last = buf;
  };
  driver::AsyncLoad load(o, journal);
  RL_RETURN_IF_ERROR(load.Start());
  Result<int64_t> done = ctx.Await(what, static_cast<int>(o.duration_ms + o.timeout_ms + 20000), [&](std::string* d) {
    std::lock_guard<std::mutex> lock(mu);
    *d = last;
    return load.Finished();
  }, 200);
  if (!done.ok()) load.RequestStop();
  driver::LoadReport report = load.Wait();
  if (!done.ok()) return done.status();
  return report;
}

Result<Phase> MeasurePath(ScenarioContext& ctx, ReadPath path, const std::vector<driver::LoadTarget>& targets,
                          const std::string& leader, driver::LoadJournal* journal) {
  const std::string name = driver::ReadPathName(path);
  ctx.Section("Read path: " + name);
  ctx.Record(name + " read: " + WhatItWaitsFor(path));
  ctx.Mark(name, std::to_string(static_cast<int>(kRate)) + " ops/s, 9:1 " + name + " reads : puts, " +
                     std::to_string(kPhaseMs / 1000) + " s");
  driver::AsyncLoadOptions o;
  o.targets = targets;
  o.rate = kRate;
  o.read_ratio = kReadRatio;
  o.read_paths = {path};
  o.keys = kKeys;
  o.key_prefix = "reads/";
  o.duration_ms = kPhaseMs;
  o.timeout_ms = kTimeoutMs;
  o.seed = ctx.seed();
  const FsyncReading before = ReadFsync(leader);
  Result<driver::LoadReport> report = RunLoad(ctx, o, journal, "the " + name + " phase");
  if (!report.ok()) return report.status();
  const FsyncReading after = ReadFsync(leader);
  Phase ph{path, *report};
  ph.sustained = driver::Sustained(ph.report, kSustainSlack, &ph.why);
  if (before.ok && after.ok) {
    ph.fsyncs = after.count - before.count;
    if (ph.fsyncs > 0) ph.fsync_mean_ms = (after.sum_s - before.sum_s) * 1000 / ph.fsyncs;
  }
  ctx.Quote(driver::LoadTable(ph.report));
  Json doc = driver::LoadJson(ph.report);
  doc["leader"] = leader;
  doc["leader_wal_fsyncs"] = ph.fsyncs;
  doc["leader_wal_fsync_mean_ms"] = ph.fsync_mean_ms;
  const std::string file = "load-" + name + ".json";
  if (raftlab::Status s = WriteJsonFileAtomic(ctx.run_dir() + "/" + file, doc); !s.ok())
    ctx.Record("could not write " + file + ": " + s.message());
  std::vector<std::string> written;
  raftlab::Status drawn = dashboards::DrawLatencyPanel(ctx.run_dir(), "latency-" + name,
                                                       "latency, " + name + " reads and puts (9:1, " +
                                                           std::to_string(static_cast<int>(kRate)) + " ops/s)",
                                                       doc, &written);
  ctx.Expect(drawn.ok(), "histogram panel panels/latency-" + name + ".svg drawn from " + file +
                             (drawn.ok() ? "" : ": " + drawn.message()));
  if (drawn.ok()) ctx.Record("![latency-" + name + "](panels/latency-" + name + ".svg)");
  char fsync[160] = "";
  if (ph.fsync_mean_ms >= 0)
    snprintf(fsync, sizeof fsync, "; leader %s: %.0f WAL fsyncs, mean %.2f ms", leader.c_str(), ph.fsyncs, ph.fsync_mean_ms);
  ctx.Expect(ph.sustained, "the " + name + " phase sustained " + std::to_string(static_cast<int>(kRate)) + " ops/s: " +
                               std::to_string(ph.report.completed()) + " ops at " +
                               std::to_string(static_cast<int>(ph.report.Rate())) + "/s, " +
                               std::to_string(ph.report.fail) + " fail, " + std::to_string(ph.report.info) +
                               " info, " + std::to_string(ph.report.skipped) + " skipped" +
                               (ph.sustained ? "" : " (" + ph.why + ")") + fsync);
  return ph;
}

std::string SideBySide(const std::vector<Phase>& phases) {
  std::string out;
  char line[256];
  snprintf(line, sizeof line, "%-13s %7s %8s %8s %8s %8s %9s %8s %9s %9s %11s\n", "read path", "reads", "reads/s",
           "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "put p50", "put p99", "leader fsync");
  out += line;
  for (const Phase& ph : phases) {
    const driver::KindStats* r = ph.reads();
    auto put = ph.report.kinds.find("put");
    double put50 = put == ph.report.kinds.end() ? 0 : put->second.ok_latency.PercentileMs(50);
    double put99 = put == ph.report.kinds.end() ? 0 : put->second.ok_latency.PercentileMs(99);
    char fsync[32] = "-";
    if (ph.fsync_mean_ms >= 0) snprintf(fsync, sizeof fsync, "%.2f ms", ph.fsync_mean_ms);
    snprintf(line, sizeof line, "%-13s %7llu %8.0f %8.2f %8.2f %8.2f %9.2f %8.2f %9.2f %9.2f %11s\n",
             driver::ReadPathName(ph.path), static_cast<unsigned long long>(r ? r->ok : 0),
             ph.report.KindRate(driver::KindName(false, driver::ReadPathName(ph.path))), ph.ReadPercentile(50),
             ph.ReadPercentile(90), ph.ReadPercentile(99), ph.ReadPercentile(99.9),
             r ? static_cast<double>(r->ok_latency.max_ns()) / 1e6 : 0, put50, put99, fsync);
    out += line;
  }
  return out;
}

// A follower cut off from the rest: its serializable read answers from before the cut, its
// linearizable read fails. Facts: stale_serializable_read and the numbers.
raftlab::Status StaleReadUnderPartition(ScenarioContext& ctx, const std::string& leader,
                                        const std::vector<std::string>& members) {
  ctx.Section("A partitioned minority: serializable reads are stale, linearizable reads fail");
  std::string cut_off;
  for (const auto& m : members)
    if (m != leader && cut_off.empty()) cut_off = m;
  std::vector<std::string> majority;
  for (const auto& m : members)
    if (m != cut_off) majority.push_back(m);
  const std::string key = "reads/stale";
  const std::string tag = std::to_string(ctx.seed()) + "-" + std::to_string(ctx.rng()() % 100000);
  const std::string before = "before-" + tag, after = "after-" + tag;
  if (Result<v1::PutReply> p = ctx.Put(key, before, leader, 5000); !p.ok()) return p.status();
  Result<int64_t> applied = ctx.Await("`" + key + "` on " + cut_off, 15000, [&](std::string* d) {
    Result<v1::GetReply> g = ctx.Get(key, cut_off, true, 2000, 1, true);
    *d = g.ok() ? (g->found() ? g->value() : "absent") : g.status().message();
    return g.ok() && g->found() && g->value() == before;
  });
  if (!applied.ok()) return applied.status();
  v1::FaultRequest split;
  split.set_kind("partition");
  split.add_groups()->add_members(cut_off);
  v1::Group* rest = split.add_groups();
  for (const auto& m : majority) rest->add_members(m);
  Result<v1::FaultInfo> cut = ctx.Fault(split);
  if (!cut.ok()) return cut.status();
  int64_t leaderless_ms = 0;
  Result<v1::StatusReply> st = ctx.AwaitStatus(cut_off + " without a leader", 20000,
      [&](const v1::StatusReply& s, std::string* d) {
        const v1::MemberStatus* m = FindMember(s, cut_off);
        *d = m == nullptr ? "not listed" : "leader '" + m->leader() + "', role " + m->role();
        return m != nullptr && m->leader().empty();
      }, 100, &leaderless_ms);
  if (!st.ok()) return st.status();
  ctx.Record(cut_off + " has no leader " + std::to_string(leaderless_ms) + " ms after the cut; {" +
             JoinNames(majority) + "} keep leader " + leader);
  Result<v1::PutReply> moved = ctx.Put(key, after, leader, 5000);
  ctx.Expect(moved.ok(), "the majority overwrote `" + key + "` with `" + after + "`");
  // Serializable reads through the cut-off member: answered, from before the cut.
  int stale = 0, tries = 5;
  double worst_ms = 0;
  for (int i = 0; i < tries; ++i) {
    const int64_t t0 = MonoNowNs();
    Result<v1::GetReply> g = ctx.Get(key, cut_off, true, 3000, 2, i > 0);
    worst_ms = std::max(worst_ms, static_cast<double>(MonoNowNs() - t0) / 1e6);
    stale += g.ok() && g->found() && g->value() == before;
  }
  const bool stale_read = moved.ok() && stale == tries;
  ctx.Expect(stale_read, std::to_string(stale) + "/" + std::to_string(tries) + " serializable reads through " + cut_off +
                             " answered `" + before + "` (stale: the majority has `" + after + "`), slowest " +
                             Ms(worst_ms));
  // A linearizable read through it: its ReadIndex never reaches a leader.
  const int64_t t0 = MonoNowNs();
  Result<v1::GetReply> lin = ctx.Get(key, cut_off, false, kTimeoutMs, 2);
  const double lin_ms = static_cast<double>(MonoNowNs() - t0) / 1e6;
  const bool lin_failed = !lin.ok();
  ctx.Expect(lin_failed, "the linearizable read through " + cut_off + " fails after " + Ms(lin_ms) + " (" +
                             (lin.ok() ? "answered `" + lin->value() + "`!" : std::string(CodeName(lin.status().code())) +
                                                                                 ": " + lin.status().message()) +
                             "): without a leader, ReadIndex cannot confirm anything; the journal holds it as info");
  ctx.facts()["stale_serializable_read"] = stale_read && lin_failed;
  ctx.facts()["stale_read_member"] = cut_off;
  ctx.facts()["stale_read_slowest_ms"] = worst_ms;
  ctx.facts()["linearizable_on_minority_failed_after_ms"] = lin_ms;
  if (Result<v1::FaultList> h = ctx.Heal(cut->id()); !h.ok()) return h.status();
  Result<v1::StatusReply> healed = ctx.AwaitStatus("one leader and equal applied indexes after the heal", 60000,
      [](const v1::StatusReply& s, std::string* d) {
        std::set<uint64_t> applied;
        for (const auto& m : s.members()) applied.insert(m.applied());
        std::optional<LeaderView> l = AgreedLeader(s);
        *d = "leader " + (l ? l->name : std::string("?")) + ", " + std::to_string(applied.size()) + " distinct applied";
        return l.has_value() && applied.size() == 1;
      });
  if (!healed.ok()) return healed.status();
  Result<v1::GetReply> caught_up = ctx.Get(key, cut_off, false, 5000, 2);
  ctx.Expect(caught_up.ok() && caught_up->found() && caught_up->value() == after,
             "after the heal a linearizable read through " + cut_off + " returns `" + after + "`");
  return raftlab::Status::Ok();
}

}  // namespace

raftlab::Status RunReads(ScenarioContext& ctx) {
  ctx.Section("The lab");
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  const LeaderView leader = *AgreedLeader(*st);
  std::vector<std::string> members;
  std::vector<driver::LoadTarget> targets;
  for (const auto& m : st->members()) {
    members.push_back(m.name());
    targets.push_back({m.name(), cluster::ClientEndpoint(m.name())});
  }
  ctx.Record("leader " + leader.name + " in term " + std::to_string(leader.term) + "; each phase: " +
             std::to_string(static_cast<int>(kRate)) + " ops/s open loop for " + std::to_string(kPhaseMs / 1000) +
             " s, 9 reads to 1 put of a unique value over " + std::to_string(kKeys) + " keys reads/k*, through " +
             JoinNames(members) + " (every member's client URL: a third of the reads at the leader), " +
             std::to_string(kTimeoutMs) + " ms per op; every op journaled");
  Result<std::unique_ptr<driver::LoadJournal>> journal =
      driver::LoadJournal::Open(ctx.run_dir() + "/journal.jsonl", "scenario reads");
  if (!journal.ok()) return journal.status();

  std::vector<Phase> phases;
  for (ReadPath path : {ReadPath::kSerializable, ReadPath::kLinearizable, ReadPath::kLog}) {
    Result<Phase> ph = MeasurePath(ctx, path, targets, leader.name, journal->get());
    if (!ph.ok()) return ph.status();
    phases.push_back(std::move(*ph));
  }
  raftlab::Status closed = (*journal)->Close();
  const uint64_t lost = (*journal)->stats().lines_lost;
  ctx.Expect(closed.ok() && lost == 0, "every op of the three phases reached the journal (" +
                                           std::to_string((*journal)->stats().lines_written) + " lines, " +
                                           std::to_string(lost) + " lost)");

  ctx.Section("Side by side: what each read waits for");
  ctx.Quote(SideBySide(phases));
  const Phase& ser = phases[0];
  const Phase& lin = phases[1];
  const Phase& log = phases[2];
  ctx.Record("serializable: p50 " + Ms(ser.ReadPercentile(50)) + ", the floor: a gRPC round trip and a read of the "
             "member's own store; " + WhatItWaitsFor(ReadPath::kSerializable));
  ctx.Record("linearizable: p50 " + Ms(lin.ReadPercentile(50)) + ", " + Ms(lin.ReadPercentile(50) - ser.ReadPercentile(50)) +
             " above serializable: the ReadIndex round (leader to a quorum and back, plus the forward from a "
             "follower for two thirds of the reads) and the wait for applied >= read index; no disk");
  char fsync[200] = "";
  if (log.fsync_mean_ms >= 0)
    snprintf(fsync, sizeof fsync, " (the leader's mean WAL fsync in this phase: %.2f ms over %.0f fsyncs, and a quorum "
             "of followers fsyncs too)", log.fsync_mean_ms, log.fsyncs);
  ctx.Record("log: p50 " + Ms(log.ReadPercentile(50)) + ", " + Ms(log.ReadPercentile(50) - lin.ReadPercentile(50)) +
             " above linearizable: a proposal waits for the WAL fsync" + fsync +
             ", a replication round to a quorum, the commit and the apply; each read also adds an entry to every "
             "member's log");
  ctx.Expect(ser.ReadPercentile(50) < lin.ReadPercentile(50) && lin.ReadPercentile(50) < log.ReadPercentile(50),
             "p50 ordered serializable " + Ms(ser.ReadPercentile(50)) + " < linearizable " + Ms(lin.ReadPercentile(50)) +
                 " < log " + Ms(log.ReadPercentile(50)));
  ctx.facts()["serializable_p50_ms"] = ser.ReadPercentile(50);
  ctx.facts()["serializable_p99_ms"] = ser.ReadPercentile(99);
  ctx.facts()["linearizable_p50_ms"] = lin.ReadPercentile(50);
  ctx.facts()["linearizable_p99_ms"] = lin.ReadPercentile(99);
  ctx.facts()["log_read_p50_ms"] = log.ReadPercentile(50);
  ctx.facts()["log_read_p99_ms"] = log.ReadPercentile(99);
  double read_rate = 0;
  for (const Phase& ph : phases) {
    double r = ph.report.KindRate(driver::KindName(false, driver::ReadPathName(ph.path)));
    read_rate = read_rate == 0 ? r : std::min(read_rate, r);
  }
  ctx.facts()["read_rate"] = read_rate;   // reads/s, the slowest phase's
  ctx.facts()["target_rate"] = kRate;
  ctx.facts()["phase_s"] = kPhaseMs / 1000;
  ctx.facts()["log_leader_fsync_mean_ms"] = log.fsync_mean_ms;

  RL_RETURN_IF_ERROR(StaleReadUnderPartition(ctx, leader.name, members));

  ctx.Section("Lease reads and clock skew: not on stock etcd 3.4");
  ctx.Record("etcd 3.4 never uses lease-based reads: etcdserver/raft.go builds raft.Config without a ReadOnlyOption, "
             "so every linearizable read is raft.ReadOnlySafe (ReadIndex, a quorum round each time), and no flag or "
             "config key selects raft.ReadOnlyLeaseBased (etcd-3.4-facts.md §6, read in the 3.4.23 source). A lease read "
             "trusts the leader's clock instead of a quorum round, which is what clock skew breaks; that failure needs a "
             "patched build and cannot be shown on this lab");
  return raftlab::Status::Ok();
}

}  // namespace raftlab::scenarios
