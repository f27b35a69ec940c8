#include "dashboards/journal_series.h"

#include <gtest/gtest.h>

#include <cmath>

#include "dashboards/gnuplot_script.h"
#include "dashboards/sample_journal.h"

namespace raftlab::dashboards {
namespace {

// A small journal, written by hand. Members n1 (id a), n2 (b), n3 (c). Times in seconds.
//  1.0  n1 leads term 2; 1.5 partition of n1 (f1) and kill of n3 (f2, never ended)
//  2.0  n2 campaigns in term 3, n3 is down; 2.5 a stale sample of n1 still leading term 2
//  3.0  n2 leads term 3; 3.5 f1 ends (3.6: an end without a start); 4.0 n1 follows n2
//  4.2  n3 is back; 4.5 n1's counters reset (restart); 5.0 session end
std::string HandJournal() {
  auto at = [](double t) { return std::to_string(static_cast<int64_t>(1'000'000'000 + t * 1e9)); };
  std::string j;
  auto line = [&](double t, std::string body) {
    std::erase(body, '\n');  // one event per line; the raw strings above wrap for reading
    j += "{\"mono_ns\":" + at(t) + ",\"wall\":\"2026-01-01T00:00:00.000Z\"," + body + "}\n";
  };
  line(0.0, R"("kind":"session","event":"start")");
  line(0.1, R"("kind":"membership","voters":["n1","n2","n3"],"learners":[],"ids":{"n1":"a","n2":"b","n3":"c"})");
  line(1.0, R"("kind":"sample","member":"n1","ok":true,"id":"a","term":2,"lead":"a","state":"StateLeader","commit":5,"applied":5,
               "progress":{"a":{"match":5},"b":{"match":5},"c":{"match":4}},
               "metrics":{"has_leader":1,"wal_fsync_duration_seconds_sum":0.010,"wal_fsync_duration_seconds_count":10})");
  line(1.0, R"("kind":"sample","member":"n2","ok":true,"id":"b","term":2,"lead":"a","state":"StateFollower","commit":5,"applied":4,
               "metrics":{"has_leader":1,"wal_fsync_duration_seconds_sum":0.020,"wal_fsync_duration_seconds_count":10})");
  line(1.0, R"("kind":"sample","member":"n3","ok":true,"id":"c","term":2,"lead":"a","state":"StateFollower","commit":4,"applied":4)");
  line(1.1, R"("kind":"op","op_id":1,"client":0,"phase":"invoke","f":"put","key":"k","value":"v1","via":"n1")");
  line(1.105, R"("kind":"op","op_id":1,"client":0,"phase":"ok","f":"put","key":"k","value":"v1","via":"n1","revision":2)");
  line(1.5, R"("kind":"fault","phase":"start","id":"f1","fault":"partition","targets":["n1"])");
  line(1.5, R"("kind":"fault","phase":"start","id":"f2","fault":"kill","targets":["n3"])");
  line(1.6, R"("kind":"op","op_id":2,"client":0,"phase":"invoke","f":"put","key":"k","value":"v2","via":"n1")");
  line(2.0, R"("kind":"sample","member":"n1","ok":true,"id":"a","term":2,"lead":"a","state":"StateLeader","commit":6,"applied":6,
               "progress":{"a":{"match":6},"b":{"match":5},"c":{"match":4}},
               "metrics":{"has_leader":1,"wal_fsync_duration_seconds_sum":0.030,"wal_fsync_duration_seconds_count":20})");
  line(2.0, R"("kind":"sample","member":"n2","ok":true,"id":"b","term":3,"lead":"0","state":"StateCandidate","commit":5,"applied":5,
               "metrics":{"has_leader":0})");
  line(2.0, R"("kind":"sample","member":"n3","ok":false,"error":"connection refused")");
  line(2.1, R"("kind":"op","op_id":3,"client":1,"phase":"invoke","f":"get","key":"k","via":"n2")");
  line(2.15, R"("kind":"op","op_id":3,"client":1,"phase":"fail","f":"get","key":"k","via":"n2","error":"no leader")");
  line(2.5, R"("kind":"sample","member":"n1","ok":true,"id":"a","term":2,"lead":"a","state":"StateLeader","commit":6,"applied":6)");
  line(3.0, R"("kind":"sample","member":"n2","ok":true,"id":"b","term":3,"lead":"b","state":"StateLeader","commit":7,"applied":7,
               "progress":{"a":{"match":5},"b":{"match":7},"c":{"match":4}},"metrics":{"has_leader":1})");
  line(3.5, R"("kind":"fault","phase":"end","id":"f1","fault":"partition","targets":["n1"])");
  line(3.6, R"("kind":"fault","phase":"end","id":"f9","fault":"delay","targets":["n2"])");
  line(3.6, R"("kind":"op","op_id":2,"client":0,"phase":"info","f":"put","key":"k","value":"v2","via":"n1","error":"timeout")");
  line(4.0, R"("kind":"sample","member":"n1","ok":true,"id":"a","term":3,"lead":"b","state":"StateFollower","commit":7,"applied":7,
               "metrics":{"has_leader":1,"wal_fsync_duration_seconds_sum":0.030,"wal_fsync_duration_seconds_count":20})");
  line(4.2, R"("kind":"sample","member":"n3","ok":true,"id":"c","term":3,"lead":"b","state":"StateFollower","commit":7,"applied":7)");
  line(4.5, R"("kind":"sample","member":"n1","ok":true,"id":"a","term":3,"lead":"b","state":"StateFollower","commit":7,"applied":7,
               "metrics":{"has_leader":1,"wal_fsync_duration_seconds_sum":0.001,"wal_fsync_duration_seconds_count":1})");
  line(5.0, R"("kind":"session","event":"end")");
  return j;
}

std::vector<Json> Events() {
  Result<std::vector<Json>> events = ParseJournal(HandJournal());
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  return events.ok() ? *events : std::vector<Json>{};
}

const Line* FindLine(const PanelData& d, const std::string& name) {
  for (const Line& l : d.lines)
    if (l.name == name) return &l;
  return nullptr;
}

const StateRow* FindRow(const PanelData& d, const std::string& name) {
  for (const StateRow& r : d.rows)
    if (r.name == name) return &r;
  return nullptr;
}

TEST(JournalSeries, ParseRejectsBadLineWithItsNumber) {
  Result<std::vector<Json>> r = ParseJournal("{\"kind\":\"note\"}\n\n{oops\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 3"), std::string::npos) << r.status().message();
}

TEST(JournalSeries, TermPerMemberWithGapWhileDown) {
  PanelData d = SeriesFor(*FindPanel("term"), Events());
  ASSERT_EQ(d.lines.size(), 3u);
  EXPECT_EQ(d.lines[0].name, "n1");
  const Line* n2 = FindLine(d, "n2");
  ASSERT_NE(n2, nullptr);
  ASSERT_EQ(n2->points.size(), 3u);
  EXPECT_NEAR(n2->points[0].t, 1.0, 1e-6);
  EXPECT_EQ(n2->points[0].v, 2);
  EXPECT_EQ(n2->points[1].v, 3);
  const Line* n3 = FindLine(d, "n3");
  ASSERT_NE(n3, nullptr);
  ASSERT_EQ(n3->points.size(), 3u);
  EXPECT_TRUE(std::isnan(n3->points[1].v));  // the ok:false sample breaks the line
  EXPECT_NEAR(n3->points[2].t, 4.2, 1e-6);
  EXPECT_EQ(n3->points[2].v, 3);
}

TEST(JournalSeries, CommitAndAppliedAreTwoVariantsPerMember) {
  PanelData d = SeriesFor(*FindPanel("commit_applied"), Events());
  const Line* commit = FindLine(d, "n2 commit");
  const Line* applied = FindLine(d, "n2 applied");
  ASSERT_NE(commit, nullptr);
  ASSERT_NE(applied, nullptr);
  EXPECT_EQ(commit->variant, 0);
  EXPECT_EQ(applied->variant, 1);
  EXPECT_EQ(applied->points[0].v, 4);
  EXPECT_EQ(d.lines[0].member, "n1");  // grouped by member
  EXPECT_EQ(d.lines[1].member, "n1");
}

TEST(JournalSeries, RoleTimelineIncludesDown) {
  PanelData d = SeriesFor(*FindPanel("roles"), Events());
  ASSERT_EQ(d.rows.size(), 3u);
  const StateRow* n1 = FindRow(d, "n1");
  ASSERT_EQ(n1->spans.size(), 2u);
  EXPECT_EQ(n1->spans[0].state, "leader");
  EXPECT_NEAR(n1->spans[0].end, 4.0, 1e-6);
  EXPECT_EQ(n1->spans[1].state, "follower");
  EXPECT_NEAR(n1->spans[1].end, 5.0, 1e-6);  // the last span runs to the end of the run
  const StateRow* n2 = FindRow(d, "n2");
  ASSERT_EQ(n2->spans.size(), 3u);
  EXPECT_EQ(n2->spans[1].state, "candidate");
  EXPECT_EQ(n2->spans[2].state, "leader");
  const StateRow* n3 = FindRow(d, "n3");
  ASSERT_EQ(n3->spans.size(), 3u);
  EXPECT_EQ(n3->spans[1].state, "down");
  EXPECT_NEAR(n3->spans[1].start, 2.0, 1e-6);
  EXPECT_NEAR(n3->spans[1].end, 4.2, 1e-6);
  EXPECT_EQ(n3->spans[2].state, "follower");
}

TEST(JournalSeries, MemberExitedEventMeansDown) {
  std::string j =
      "{\"kind\":\"sample\",\"mono_ns\":0,\"member\":\"n1\",\"ok\":true,\"state\":\"StateFollower\",\"term\":1}\n"
      "{\"kind\":\"member\",\"mono_ns\":1000000000,\"member\":\"n1\",\"event\":\"exited\"}\n"
      "{\"kind\":\"note\",\"mono_ns\":2000000000,\"text\":\"end\"}\n";
  PanelData d = SeriesFor(*FindPanel("roles"), *ParseJournal(j));
  ASSERT_EQ(d.rows.size(), 1u);
  ASSERT_EQ(d.rows[0].spans.size(), 2u);
  EXPECT_EQ(d.rows[0].spans[1].state, "down");
  EXPECT_NEAR(d.rows[0].spans[1].start, 1.0, 1e-6);
  EXPECT_NEAR(d.rows[0].spans[1].end, 2.0, 1e-6);
}

TEST(JournalSeries, HasLeaderStates) {
  PanelData d = SeriesFor(*FindPanel("has_leader"), Events());
  const StateRow* n2 = FindRow(d, "n2");
  ASSERT_NE(n2, nullptr);
  ASSERT_EQ(n2->spans.size(), 3u);
  EXPECT_EQ(n2->spans[0].state, "has leader");
  EXPECT_EQ(n2->spans[1].state, "no leader");
  EXPECT_EQ(n2->spans[2].state, "has leader");
}

TEST(JournalSeries, FaultWindowsIncludingUnended) {
  std::vector<FaultWindow> w = FaultWindows(Events());
  ASSERT_EQ(w.size(), 2u);  // f9 ended without starting: ignored
  EXPECT_EQ(w[0].id, "f1");
  EXPECT_EQ(w[0].Label(), "partition n1");
  EXPECT_NEAR(w[0].start, 1.5, 1e-6);
  EXPECT_NEAR(w[0].end, 3.5, 1e-6);
  EXPECT_TRUE(w[0].ended);
  EXPECT_EQ(w[1].id, "f2");
  EXPECT_FALSE(w[1].ended);
  EXPECT_NEAR(w[1].end, 5.0, 1e-6);  // runs to the run's last event
}

TEST(JournalSeries, LeaderChangesIgnoreStaleSamples) {
  std::vector<LeaderChange> c = LeaderChanges(Events());
  ASSERT_EQ(c.size(), 2u);
  EXPECT_NEAR(c[0].t, 1.0, 1e-6);
  EXPECT_EQ(c[0].term, 2u);
  EXPECT_EQ(c[0].leader, "n1");
  EXPECT_NEAR(c[1].t, 3.0, 1e-6);
  EXPECT_EQ(c[1].term, 3u);
  EXPECT_EQ(c[1].leader, "n2");
  // The panel's running count follows the same changes.
  PanelData d = SeriesFor(*FindPanel("leader_changes"), Events());
  const Line* observed = FindLine(d, "observed by sampler");
  ASSERT_NE(observed, nullptr);
  EXPECT_EQ(observed->points.back().v, 2);
  EXPECT_NEAR(observed->points.back().t, 5.0, 1e-6);
}

TEST(JournalSeries, SameLeaderReelectedInHigherTermIsAChange) {
  std::string j =
      "{\"kind\":\"sample\",\"mono_ns\":0,\"member\":\"n1\",\"ok\":true,\"id\":\"a\",\"term\":2,\"lead\":\"a\"}\n"
      "{\"kind\":\"sample\",\"mono_ns\":1,\"member\":\"n1\",\"ok\":true,\"id\":\"a\",\"term\":2,\"lead\":\"a\"}\n"
      "{\"kind\":\"sample\",\"mono_ns\":2,\"member\":\"n1\",\"ok\":true,\"id\":\"a\",\"term\":3,\"lead\":\"0\"}\n"
      "{\"kind\":\"sample\",\"mono_ns\":3,\"member\":\"n1\",\"ok\":true,\"id\":\"a\",\"term\":4,\"lead\":\"a\"}\n";
  std::vector<LeaderChange> c = LeaderChanges(*ParseJournal(j));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].term, 4u);
}

TEST(JournalSeries, LatencyAndErrorsFromOps) {
  PanelData d = SeriesFor(*FindPanel("client_latency"), Events());
  const Line* ok = FindLine(d, "via n1");
  ASSERT_NE(ok, nullptr);
  ASSERT_EQ(ok->points.size(), 1u);
  EXPECT_NEAR(ok->points[0].t, 1.1, 1e-6);
  EXPECT_NEAR(ok->points[0].v, 5.0, 1e-3);
  const Line* fail = FindLine(d, "fail");
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(fail->style, LineStyle::kErrorPoints);
  EXPECT_NEAR(fail->points[0].v, 50.0, 1e-3);
  const Line* info = FindLine(d, "timeout / unknown");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->style, LineStyle::kUnknownPoints);
  EXPECT_NEAR(info->points[0].t, 1.6, 1e-6);
  EXPECT_NEAR(info->points[0].v, 2000.0, 1e-3);

  PanelData e = SeriesFor(*FindPanel("client_errors"), Events());
  ASSERT_NE(FindLine(e, "fail"), nullptr);
  EXPECT_EQ(FindLine(e, "fail")->points.back().v, 1);
  EXPECT_EQ(FindLine(e, "timeout / unknown")->points.back().v, 1);
}

TEST(JournalSeries, FsyncMeanFromDeltas) {
  PanelData d = SeriesFor(*FindPanel("wal_fsync"), Events());
  // n1: (0.030-0.010)/(20-10) s = 2 ms over the interval from its sample at t=1 to t=2. At t=4
  // nothing was fsynced (Δcount 0) and at t=4.5 the counters went back (restart): no
  // segment. n2 has a single sample: no line.
  ASSERT_EQ(d.lines.size(), 1u);
  const Line& n1 = d.lines[0];
  EXPECT_EQ(n1.name, "n1");
  EXPECT_EQ(n1.style, LineStyle::kIntervals);
  ASSERT_EQ(n1.points.size(), 2u);
  EXPECT_NEAR(n1.points[0].t, 1.0, 1e-6);
  EXPECT_NEAR(n1.points[1].t, 2.0, 1e-6);
  EXPECT_NEAR(n1.points[0].v, 2.0, 1e-9);
  EXPECT_NEAR(n1.points[1].v, 2.0, 1e-9);
}

// One stalled fsync: samples every 0.5 s, fast fsyncs until t=1, then none until a single
// 1.5 s fsync completes between t=2.5 and t=3. The panel must show the fast interval, a gap
// while nothing completed, and one segment at 1500 ms over (2.5, 3]: not a line rising from
// 1 ms at t=1 to 1500 ms at t=3 as if fsyncs had slowed gradually.
TEST(JournalSeries, StalledFsyncIsOneIntervalNotARamp) {
  std::string j;
  auto sample = [&](double t, double sum, int count) {
    j += "{\"mono_ns\":" + std::to_string(static_cast<int64_t>(1e9 + t * 1e9)) +
         ",\"kind\":\"sample\",\"member\":\"n1\",\"ok\":true,\"id\":\"a\",\"term\":2,\"lead\":\"a\","
         "\"state\":\"StateLeader\",\"metrics\":{\"wal_fsync_duration_seconds_sum\":" + std::to_string(sum) +
         ",\"wal_fsync_duration_seconds_count\":" + std::to_string(count) + "}}\n";
  };
  sample(0.0, 0.000, 0);
  sample(0.5, 0.005, 5);    // 1 ms each
  sample(1.0, 0.010, 10);   // 1 ms each, touching the interval before
  sample(1.5, 0.010, 10);
  sample(2.0, 0.010, 10);
  sample(2.5, 0.010, 10);
  sample(3.0, 1.510, 11);   // one fsync of 1.5 s
  Result<std::vector<Json>> events = ParseJournal(j);
  ASSERT_TRUE(events.ok());
  PanelData d = SeriesFor(*FindPanel("wal_fsync"), *events);
  ASSERT_EQ(d.lines.size(), 1u);
  const std::vector<Point>& p = d.lines[0].points;
  // (0,1) (0.5,1) (0.5,1) (1,1)  gap  (2.5,1500) (3,1500)
  ASSERT_EQ(p.size(), 7u);
  EXPECT_NEAR(p[0].t, 0.0, 1e-9);
  EXPECT_NEAR(p[3].t, 1.0, 1e-9);
  EXPECT_NEAR(p[3].v, 1.0, 1e-9);
  EXPECT_TRUE(std::isnan(p[4].v)) << "the line must break where no fsync completed";
  EXPECT_NEAR(p[5].t, 2.5, 1e-9);
  EXPECT_NEAR(p[5].v, 1500.0, 1e-6);
  EXPECT_NEAR(p[6].t, 3.0, 1e-9);
  EXPECT_NEAR(p[6].v, 1500.0, 1e-6);
  for (const Point& x : p)
    if (!std::isnan(x.v)) EXPECT_TRUE(x.v == 1.0 || std::abs(x.v - 1500.0) < 1e-6) << "no interpolated value " << x.v;
}

TEST(JournalSeries, StepMarksFromNotesWithAMark) {
  Result<std::vector<Json>> events = ParseJournal(
      "{\"mono_ns\":1000000000,\"kind\":\"session\",\"event\":\"start\"}\n"
      "{\"mono_ns\":3000000000,\"kind\":\"note\",\"text\":\"fix: WAL on fast storage\",\"mark\":\"fix\"}\n"
      "{\"mono_ns\":2000000000,\"kind\":\"note\",\"text\":\"step: plain note\"}\n"
      "{\"mono_ns\":1500000000,\"kind\":\"note\",\"text\":\"stopgap\",\"mark\":\"stopgap\"}\n"
      "{\"mono_ns\":2500000000,\"kind\":\"action\",\"mark\":\"not a note\"}\n");
  ASSERT_TRUE(events.ok());
  std::vector<StepMark> marks = StepMarks(*events);
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_EQ(marks[0].label, "stopgap");
  EXPECT_NEAR(marks[0].t, 0.5, 1e-9);
  EXPECT_EQ(marks[1].label, "fix");
  EXPECT_NEAR(marks[1].t, 2.0, 1e-9);
  RunSeries run = BuildRunSeries(*events);
  ASSERT_EQ(run.marks.size(), 2u);
  // Every panel draws them: a line and its label.
  GnuplotJob job = PanelJob(*FindPanel("term"), run, {"/tmp/x.png", "/tmp/x.svg", "png"});
  EXPECT_NE(job.script.find("set label 'stopgap' at first 0.5"), std::string::npos) << job.script;
  EXPECT_NE(job.script.find("set label 'fix' at first 2,"), std::string::npos) << job.script;
  EXPECT_NE(job.script.find("title 'scenario step'"), std::string::npos);
}

TEST(JournalSeries, MatchIndexPerFollowerByName) {
  PanelData d = SeriesFor(*FindPanel("match_index"), Events());
  const Line* n3 = FindLine(d, "n3");
  ASSERT_NE(n3, nullptr);
  ASSERT_EQ(n3->points.size(), 3u);  // n1's two progress samples, then n2's
  EXPECT_EQ(n3->points[0].v, 4);
  const Line* n1 = FindLine(d, "n1");  // as n2 (leader in term 3) saw it
  ASSERT_NE(n1, nullptr);
  ASSERT_EQ(n1->points.size(), 1u);
  EXPECT_EQ(n1->points[0].v, 5);
}

TEST(JournalSeries, SampleJournalHasEveryPanel) {
  Result<std::vector<Json>> events = ParseJournal(SampleJournalForTest());
  ASSERT_TRUE(events.ok());
  RunSeries run = BuildRunSeries(*events);
  EXPECT_EQ(run.members, (std::vector<std::string>{"n1", "n2", "n3"}));
  EXPECT_EQ(run.faults.size(), 3u);
  EXPECT_GE(run.leader_changes.size(), 3u);
  for (const Panel& p : Catalogue()) {
    ASSERT_TRUE(run.panels.count(p.id)) << p.id;
    const PanelData& d = run.panels.at(p.id);
    EXPECT_TRUE(!d.lines.empty() || !d.rows.empty()) << p.id << " has no data";
  }
}

}  // namespace
}  // namespace raftlab::dashboards
