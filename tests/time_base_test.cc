// One time base (issue 9): the transcript's "+N s", the panels' x axis and the verdicts' "t="
// are all seconds since the run's start, the journal's session start. A crafted journal shaped
// like a leader-crash run (the session start, members starting, the first sample 1.2 s later,
// the kill at 4.26 s) must give the kill the same time in all three:
//   transcript  scenarios::TranscriptStamp(evidence::ReadRunStartNs(journal), t)  (what the
//               scenario context stamps its lines with, minus the clock)
//   verdicts    checkutil::RelSeconds(checkutil::TimeOrigin(LoadRun(dir)), t)
//   panels      dashboards::BuildRunSeries(events): the kill's fault window and t = 0
// Pure: a temp directory, no lab.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "dashboards/journal_series.h"
#include "evidence/check_common.h"
#include "evidence/journal_start.h"
#include "evidence/run_loader.h"
#include "scenarios/scenario.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kStart = 5'000'000'000'000;   // the session start
constexpr int64_t kKill = kStart + 4'260'000'000;

std::string At(int64_t offset_ms, const std::string& rest) {
  return "{\"mono_ns\":" + std::to_string(kStart + offset_ms * 1'000'000) + ",\"wall\":\"2026-12-01T10:00:00.000Z\"," +
         rest + "}\n";
}

std::string Sample(int64_t offset_ms, const char* member, const char* id, const char* state) {
  return At(offset_ms, std::string("\"kind\":\"sample\",\"member\":\"") + member + "\",\"ok\":true,\"id\":\"" + id +
                           "\",\"term\":2,\"vote\":\"a1\",\"commit\":5,\"applied\":5,\"lead\":\"a1\",\"state\":\"" +
                           state + "\",\"metrics\":{\"has_leader\":1}");
}

std::string LeaderCrashJournal(bool with_session_start) {
  std::string j;
  if (with_session_start) j += At(0, "\"kind\":\"session\",\"event\":\"start\",\"members\":3");
  j += At(90, "\"kind\":\"member\",\"member\":\"n1\",\"event\":\"started\",\"pid\":11,\"id\":\"a1\"");
  j += At(95, "\"kind\":\"member\",\"member\":\"n2\",\"event\":\"started\",\"pid\":12,\"id\":\"b2\"");
  j += At(1100, "\"kind\":\"membership\",\"voters\":[\"n1\",\"n2\"],\"learners\":[],\"ids\":{\"n1\":\"a1\",\"n2\":\"b2\"}");
  for (int64_t t = 1200; t < 4260; t += 50) {
    j += Sample(t, "n1", "a1", "StateLeader");
    j += Sample(t + 1, "n2", "b2", "StateFollower");
  }
  j += At(4260, "\"kind\":\"fault\",\"phase\":\"start\",\"id\":\"f1\",\"fault\":\"kill\",\"targets\":[\"n1\"]");
  j += At(4270, "\"kind\":\"member\",\"member\":\"n1\",\"event\":\"exited\",\"status\":\"signal 9\"");
  j += Sample(4301, "n2", "b2", "StateFollower");
  return j;
}

class RunDir {
 public:
  explicit RunDir(const std::string& journal) {
    static int n = 0;
    dir_ = (fs::temp_directory_path() / ("raftlab-time-base-" + std::to_string(getpid()) + "-" + std::to_string(n++)))
               .string();
    fs::create_directories(dir_);
    std::ofstream(dir_ + "/journal.jsonl") << journal;
  }
  ~RunDir() { fs::remove_all(dir_); }
  const std::string& dir() const { return dir_; }
  std::string journal() const { return dir_ + "/journal.jsonl"; }

 private:
  std::string dir_;
};

struct ThreeClocks {
  int64_t transcript_start = 0, verdict_origin = 0, panel_start = 0;
  std::string transcript_kill, verdict_kill;
  double panel_kill = -1, panel_first_sample = -1;
};

ThreeClocks Read(const RunDir& run) {
  ThreeClocks c;
  Result<int64_t> start = evidence::ReadRunStartNs(run.journal());
  EXPECT_TRUE(start.ok()) << start.status().ToString();
  c.transcript_start = start.ok() ? *start : -1;
  c.transcript_kill = scenarios::TranscriptStamp(c.transcript_start, kKill);

  Result<evidence::Run> loaded = evidence::LoadRun(run.dir());
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  if (loaded.ok()) {
    c.verdict_origin = evidence::checkutil::TimeOrigin(*loaded);
    c.verdict_kill = evidence::checkutil::RelSeconds(c.verdict_origin, kKill);
  }

  Result<dashboards::RunSeries> series = dashboards::LoadRunSeries(run.dir());
  EXPECT_TRUE(series.ok()) << series.status().ToString();
  if (series.ok()) {
    c.panel_start = series->start_ns;
    if (!series->faults.empty()) c.panel_kill = series->faults[0].start;
    const dashboards::PanelData& terms = series->panels["term"];
    if (!terms.lines.empty() && !terms.lines[0].points.empty()) c.panel_first_sample = terms.lines[0].points[0].t;
  }
  return c;
}

TEST(TimeBase, TranscriptPanelsAndVerdictsCountFromTheSessionStart) {
  RunDir run(LeaderCrashJournal(/*with_session_start=*/true));
  ThreeClocks c = Read(run);
  EXPECT_EQ(c.transcript_start, kStart);
  EXPECT_EQ(c.verdict_origin, kStart);   // not the first sample, 1.2 s later
  EXPECT_EQ(c.panel_start, kStart);
  EXPECT_EQ(c.transcript_kill, "+4.26s");
  EXPECT_EQ(c.verdict_kill, "4.260s");
  EXPECT_NEAR(c.panel_kill, 4.26, 1e-9);
  EXPECT_NEAR(c.panel_first_sample, 1.2, 1e-9);   // the panel's x axis starts at the run, too
}

// An older journal without a session start: all three fall back to the same instant, its
// earliest line (here the first member start, 90 ms after where the session would have been).
TEST(TimeBase, OlderJournalWithoutSessionStartStillAgrees) {
  RunDir run(LeaderCrashJournal(/*with_session_start=*/false));
  ThreeClocks c = Read(run);
  const int64_t first_line = kStart + 90'000'000;
  EXPECT_EQ(c.transcript_start, first_line);
  EXPECT_EQ(c.verdict_origin, first_line);
  EXPECT_EQ(c.panel_start, first_line);
  EXPECT_EQ(c.transcript_kill, "+4.17s");
  EXPECT_EQ(c.verdict_kill, "4.170s");
  EXPECT_NEAR(c.panel_kill, 4.17, 1e-9);
}

}  // namespace
}  // namespace raftlab
