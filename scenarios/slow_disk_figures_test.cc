// slow-disk's figures: readings, window counts, the table and the sweep panel's script.
#include "scenarios/slow_disk_figures.h"

#include <gtest/gtest.h>

namespace raftlab::scenarios::slow_disk {
namespace {

constexpr int64_t kS = 1'000'000'000;

std::string Sample(double t, const std::string& member, int term, const std::string& lead, bool ok = true) {
  return "{\"mono_ns\":" + std::to_string(static_cast<int64_t>(100 * kS + t * kS)) +
         ",\"kind\":\"sample\",\"member\":\"" + member + "\",\"ok\":" + (ok ? "true" : "false") + ",\"id\":\"" + member +
         "\",\"term\":" + std::to_string(term) + ",\"lead\":\"" + lead + "\"}\n";
}

int64_t At(double t) { return static_cast<int64_t>(100 * kS + t * kS); }

TEST(SlowDiskFigures, ReadingsFromMetricsText) {
  DiskReading r = ParseDiskReading(
      "# HELP x\netcd_disk_wal_fsync_duration_seconds_sum 7.5\netcd_disk_wal_fsync_duration_seconds_count 3\n"
      "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"1\"} 1\netcd_server_leader_changes_seen_total 4\n");
  EXPECT_DOUBLE_EQ(r.fsync_sum_s, 7.5);
  EXPECT_DOUBLE_EQ(r.fsync_count, 3);
  EXPECT_DOUBLE_EQ(r.leader_changes, 4);
  EXPECT_DOUBLE_EQ(MeanFsyncMs({1.0, 1, 0}, {6.0, 3, 0}), 2500.0);
  EXPECT_EQ(MeanFsyncMs({1.0, 3, 0}, {1.0, 3, 0}), -1) << "no fsync completed: no mean";
  EXPECT_EQ(MaxLeaderChangeRise({{"n1", {0, 0, 2}}, {"n2", {0, 0, 5}}, {"n3", {0, 0, 1}}},
                                {{"n1", {0, 0, 6}}, {"n2", {0, 0, 7}}}),
            4)
      << "n3 was not read at the end: it does not count";
}

TEST(SlowDiskFigures, SampleEventsSkipOtherKindsAndAnUnfinishedLine) {
  std::string text = Sample(1, "n1", 2, "n1") + "{\"mono_ns\":1,\"kind\":\"note\",\"text\":\"a sample of text\"}\n" +
                     Sample(2, "n2", 2, "n1") + "{\"mono_ns\":3,\"kind\":\"sample\",\"mem";
  std::vector<Json> s = SampleEvents(text);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1]["member"], "n2");
}

TEST(SlowDiskFigures, LeaderChangesCountOnlyInsideTheWindow) {
  // n1 leads t2 from before the window; a change to n2 t3 just before it opens (not counted);
  // inside: n3 t4 at +2 s, a stale n1 t2 view (not a change), n2 t5 at +4 s; after it closes:
  // n1 t6 (not counted).
  std::string text = Sample(0.0, "n1", 2, "n1") + Sample(0.5, "n2", 3, "n2") + Sample(3.0, "n3", 4, "n3") +
                     Sample(3.5, "n1", 2, "n1") + Sample(4.0, "n3", 4, "n3", /*ok=*/false) + Sample(5.0, "n2", 5, "n2") +
                     Sample(8.0, "n1", 6, "n1");
  std::vector<ObservedChange> c = LeaderChangesBetween(SampleEvents(text), At(1.0), At(6.0));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].leader, "n3");
  EXPECT_EQ(c[0].term, 4u);
  EXPECT_NEAR(c[0].after_s, 2.0, 1e-6);
  EXPECT_EQ(c[1].leader, "n2");
  EXPECT_NEAR(c[1].after_s, 4.0, 1e-6);
  // A window in which the leader never changes counts nothing, though samples name it.
  EXPECT_TRUE(LeaderChangesBetween(SampleEvents(Sample(0, "n1", 2, "n1") + Sample(2, "n1", 2, "n1")), At(1), At(3)).empty());
}

TEST(SlowDiskFigures, TableAndPanelCarryEveryRow) {
  std::vector<SweepRow> rows = {{.fsync_ms = 200, .window_s = 8, .sampled_changes = 0, .metric_changes = 0},
                                {.fsync_ms = 2500, .window_s = 12, .sampled_changes = 5, .metric_changes = 6},
                                {.fsync_ms = 2500, .every_member = true, .window_s = 8, .sampled_changes = 1}};
  EXPECT_DOUBLE_EQ(rows[1].ChangesPerMinute(), 30.0) << "the larger of the two counts, per minute";
  std::string table = SweepTable(rows);
  EXPECT_NE(table.find("200 ms"), std::string::npos);
  EXPECT_NE(table.find("every member"), std::string::npos);
  EXPECT_NE(table.find("5 / 6"), std::string::npos) << table;
  std::string script = SweepPanelScript(rows, 100, 1000, "/tmp/out.svg", "/tmp/out.png", "png");
  EXPECT_NE(script.find("$leader << EOD\n200 0.00\n2500 30.00\nEOD"), std::string::npos) << script;
  EXPECT_NE(script.find("$every << EOD\n2500 7.50\nEOD"), std::string::npos) << script;
  EXPECT_NE(script.find("'election timeout 1000 ms' at first 1000"), std::string::npos);
  EXPECT_NE(script.find("set output '/tmp/out.svg'"), std::string::npos);
  EXPECT_NE(script.find("set terminal png size 1100,460 noenhanced\nset output '/tmp/out.png'\nreplot"), std::string::npos)
      << script;
}

}  // namespace
}  // namespace raftlab::scenarios::slow_disk
