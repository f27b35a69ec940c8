// Slow disk on a real lab: every WAL on raftlab-slowfs (`up --slow-wal`), then fsync delayed
// past the election timeout on the leader. The journal's samples must show the slow fsyncs
// and the leadership churn they cause, and after heal fast fsyncs and a quiet leader.
//
// Why 2500 ms with --election-ms 1000: while the leader sits in a WAL fsync its raft loop
// takes no ticks, so it sends no heartbeats; a follower campaigns only if the stall outlasts
// its randomized election timeout, drawn once per term in [1000, 2000) ms. A 1500 ms stall
// therefore flaps only when some follower drew below ~1.5 s (measured here: one run flapped
// at the first put, the next ran 26 slow puts over 40 s without a leader change). Above
// 2000 ms every follower times out, so the churn is certain.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>

#include "common/clock.h"
#include "tests/chaos_test_util.h"

namespace raftlab::testing {
namespace {

double Metric(const SampleView& s, const std::string& name) {
  return s.metrics.contains(name) ? s.metrics[name].get<double>() : -1;
}

// Mean WAL fsync (seconds) of `member` over [from_ns, to_ns): delta of the sum over delta of the
// count between the first and last sample carrying metrics. -1 when no fsync happened.
double FsyncMeanS(const std::vector<Json>& journal, const std::string& member, int64_t from_ns, int64_t to_ns,
                  double* count = nullptr) {
  const SampleView* first = nullptr;
  const SampleView* last = nullptr;
  std::vector<SampleView> samples = Samples(journal, member);
  for (const auto& s : samples) {
    if (s.mono_ns < from_ns || s.mono_ns >= to_ns || Metric(s, "wal_fsync_duration_seconds_count") < 0) continue;
    if (first == nullptr) first = &s;
    last = &s;
  }
  if (first == nullptr) return -1;
  double dc = Metric(*last, "wal_fsync_duration_seconds_count") - Metric(*first, "wal_fsync_duration_seconds_count");
  double ds = Metric(*last, "wal_fsync_duration_seconds_sum") - Metric(*first, "wal_fsync_duration_seconds_sum");
  if (count != nullptr) *count = dc;
  return dc > 0 ? ds / dc : -1;
}

// Each member's leader_changes_seen_total in its last sample before `at_ns` (its current
// process; a counter restarts with the process).
std::map<std::string, double> LeaderChangesAt(const std::vector<Json>& journal, int64_t at_ns) {
  std::map<std::string, double> out;
  for (const auto& s : Samples(journal))
    if (s.mono_ns < at_ns && Metric(s, "leader_changes_seen_total") >= 0) out[s.member] = Metric(s, "leader_changes_seen_total");
  return out;
}

double MaxRise(const std::map<std::string, double>& from, const std::map<std::string, double>& to) {
  double rise = 0;
  for (const auto& [m, v] : to)
    if (from.count(m)) rise = std::max(rise, v - from.at(m));
  return rise;
}

TEST(ChaosDisk, SlowFsyncOnLeaderFlapsThenHeals) {
  RAFTLAB_REQUIRE_LAB();
  ChaosLab lab;
  const std::vector<std::string> before = lab.Snapshot();
  ASSERT_TRUE(lab.Up({"--members", "3", "--slow-wal", "--election-ms", "1000"}));
  std::string mounts;
  {
    std::ifstream in("/proc/mounts");
    for (std::string line; std::getline(in, line);)
      if (line.find(lab.harness().state_dir()) != std::string::npos) mounts += line + "\n";
  }
  EXPECT_FALSE(mounts.empty()) << "--slow-wal should mount raftlab-slowfs under the state dir";

  LabStatus s0 = lab.Status();
  const std::string leader = s0.AgreedLeader();
  ASSERT_FALSE(leader.empty());
  // Baseline: a few writes on the plain (delay 0) mount.
  const int64_t base_ns = MonoNowNs();
  for (int i = 0; i < 5; ++i) lab.MustCli({"put", "chaos-disk-base-" + std::to_string(i), "v"});
  SleepMs(300);   // let the sampler read the counters after the last fsync
  const double base_fsync = FsyncMeanS(lab.Journal(), leader, base_ns, MonoNowNs());

  CliRun f = lab.MustCli({"slow-disk", leader, "--fsync", "2500ms", "--json"});
  const int64_t t0 = MonoNowNs();
  EXPECT_EQ(Str(f.json["mechanism"]), "raftlab-slowfs fsync delay") << f.out;
  const std::map<std::string, double> changes_before = LeaderChangesAt(lab.Journal(), t0);
  ASSERT_EQ(changes_before.size(), 3u);

  // Keep writing (at least 3 puts, several slow fsyncs) until the cluster shows the churn, or
  // 40 s pass.
  int puts = 0, put_failures = 0;
  std::string leader_now = leader;
  bool churned = false;
  WaitUntil([&] {
    CliRun p = lab.Cli({"put", "chaos-disk-slow-" + std::to_string(puts++), "v", "--timeout", "5s"});
    if (p.exit_code != 0) ++put_failures;
    std::vector<Json> j = lab.Journal();
    LabStatus s = lab.Status();
    if (!s.AgreedLeader().empty()) leader_now = s.AgreedLeader();
    churned = churned || MaxRise(changes_before, LeaderChangesAt(j, MonoNowNs())) > 0 || leader_now != leader;
    return churned && puts >= 3;
  }, 40000, 10);
  const double churn_s = SecondsSince(t0);
  SleepMs(300);
  std::vector<Json> journal = lab.Journal();
  double slow_count = 0;
  const double slow_fsync = FsyncMeanS(journal, leader, t0, MonoNowNs(), &slow_count);
  const double rise = MaxRise(changes_before, LeaderChangesAt(journal, MonoNowNs()));
  EXPECT_TRUE(churned) << "no leader change in 40 s with 2.5 s fsyncs on the leader";
  EXPECT_GT(slow_fsync, 1.0) << "WAL fsync mean on " << leader << " during the fault";
  EXPECT_LT(slow_fsync, 5.0);

  lab.MustCli({"heal"});
  const int64_t h0 = MonoNowNs();
  const std::string healed_leader = lab.WaitAgreedLeader(20000);
  ASSERT_FALSE(healed_leader.empty()) << lab.Status().json.dump();
  // Wait for the first write to go through, and to be applied on the member that was slow: a
  // fsync it began before heal sleeps its full delay, and must not count in the window below.
  ASSERT_TRUE(WaitUntil([&] { return lab.Cli({"put", "chaos-disk-healed", "v", "--timeout", "5s"}).exit_code == 0; },
                        20000, 100));
  const double recovered_s = SecondsSince(h0);
  EXPECT_TRUE(WaitUntil([&] {
    CliRun g = lab.Cli({"get", "chaos-disk-healed", "--via", leader, "--serializable", "--json"});
    return g.exit_code == 0 && Str(g.json["value"]) == "v";
  }, 10000, 100)) << leader << " never applied the first write after heal";
  const double caught_up_s = SecondsSince(h0);

  // 10 s of writes: fast fsyncs, no further leader change.
  const int64_t w0 = MonoNowNs();
  const std::string quiet_leader = lab.WaitAgreedLeader(5000);
  const std::map<std::string, double> changes_w0 = LeaderChangesAt(lab.Journal(), w0);
  int quiet_puts = 0;
  std::string moved;
  WaitUntil([&] {
    lab.MustCli({"put", "chaos-disk-quiet-" + std::to_string(quiet_puts++), "v", "--timeout", "5s"});
    std::string l = lab.Status().AgreedLeader();
    if (l != quiet_leader) moved = l.empty() ? "(none)" : l;
    return !moved.empty();
  }, 10000, 250);
  const int64_t w1 = MonoNowNs();
  EXPECT_TRUE(moved.empty()) << "leader moved from " << quiet_leader << " to " << moved << " after heal";
  EXPECT_GE(static_cast<double>(w1 - w0) / 1e9, 10.0);
  SleepMs(300);
  journal = lab.Journal();
  const double quiet_rise = MaxRise(changes_w0, LeaderChangesAt(journal, MonoNowNs()));
  EXPECT_EQ(quiet_rise, 0) << "leader changes after heal";
  double healed_count = 0;
  const double healed_fsync = FsyncMeanS(journal, leader, w0, MonoNowNs(), &healed_count);
  EXPECT_GT(healed_count, 0);
  EXPECT_GE(healed_fsync, 0);
  EXPECT_LT(healed_fsync, 0.050) << "WAL fsync mean on " << leader << " after heal";

  std::cout << "[slow-disk] 2500 ms on leader " << leader << " (election 1000 ms): WAL fsync mean baseline "
            << base_fsync * 1000 << " ms, during " << slow_fsync * 1000 << " ms over " << slow_count << " fsyncs; "
            << puts << " puts (" << put_failures << " failed); leader_changes_seen_total rose by " << rise
            << ", leader " << leader << " -> " << leader_now << ", writing stopped after " << churn_s
            << " s; healed: agreed leader " << healed_leader << ", first write " << recovered_s << " s after heal, "
            << leader << " caught up at " << caught_up_s << " s; next " << static_cast<double>(w1 - w0) / 1e9 << " s: " << quiet_puts
            << " puts, WAL fsync mean " << healed_fsync * 1000 << " ms over " << healed_count
            << " fsyncs, leader changes " << quiet_rise << "\n";

  EXPECT_TRUE(lab.FaultIds().empty());
  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
  std::vector<std::string> leaks = lab.Leaks(before);
  EXPECT_TRUE(leaks.empty()) << "left behind:\n" << Lines(leaks);
}

}  // namespace
}  // namespace raftlab::testing
