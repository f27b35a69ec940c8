#include "dashboards/gnuplot_panels.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json_util.h"
#include "common/subprocess.h"
#include "common/test_guard.h"
#include "dashboards/gnuplot_script.h"
#include "dashboards/panel_catalogue.h"
#include "dashboards/sample_journal.h"

namespace raftlab::dashboards {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "" when gnuplot is on this machine, else what is missing: the drawing tests skip on a laptop
// without it and fail under CI=true.
std::string WhyNoGnuplot() {
  return FindGnuplot().empty() ? "gnuplot is not installed (apt-get install gnuplot-nox)" : "";
}

// A run dir with the sample journal. RAFTLAB_PANELS_OUT=<dir> keeps it there for a look.
std::string MakeRunDir(const std::string& journal) {
  const char* keep = getenv("RAFTLAB_PANELS_OUT");
  std::string dir = keep != nullptr ? std::string(keep)
                                    : (fs::temp_directory_path() / ("raftlab-panels-test-" + std::to_string(getpid()))).string();
  EXPECT_TRUE(MakeDirs(dir).ok());
  EXPECT_TRUE(WriteFileAtomic(dir + "/journal.jsonl", journal).ok());
  return dir;
}

TEST(GnuplotPanels, DrawsEveryCataloguePanelAsPngAndSvg) {
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(WhyNoGnuplot());
  std::string dir = MakeRunDir(SampleJournalForTest());
  std::vector<std::string> written;
  Status st = DrawPanels(dir, &written);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(written.size(), 2 * Catalogue().size());
  for (const Panel& p : Catalogue()) {
    std::string png = Slurp(dir + "/panels/" + p.id + ".png");
    ASSERT_GT(png.size(), 1000u) << p.id;
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << p.id;
    std::string svg = Slurp(dir + "/panels/" + p.id + ".svg");
    EXPECT_NE(svg.find("<svg"), std::string::npos) << p.id;
    EXPECT_NE(svg.find(p.title), std::string::npos) << p.id << ": title missing from the SVG";
  }
  if (getenv("RAFTLAB_PANELS_OUT") == nullptr) fs::remove_all(dir);
}

TEST(GnuplotPanels, EmptyJournalStillDrawsEveryPanel) {
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(WhyNoGnuplot());
  std::string dir = (fs::temp_directory_path() / ("raftlab-panels-empty-" + std::to_string(getpid()))).string();
  ASSERT_TRUE(MakeDirs(dir).ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/journal.jsonl", "{\"kind\":\"session\",\"mono_ns\":5,\"event\":\"start\"}\n").ok());
  std::vector<std::string> written;
  Status st = DrawPanels(dir, &written);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(written.size(), 2 * Catalogue().size());
  fs::remove_all(dir);
}

TEST(GnuplotPanels, MissingJournalIsAnError) {
  std::vector<std::string> written;
  Status st = DrawPanels("/nonexistent/raftlab-run", &written);
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(written.empty());
}

TEST(GnuplotScript, EveryPanelShadesFaultsAndMarksLeaderChanges) {
  Result<std::vector<Json>> events = ParseJournal(SampleJournalForTest());
  ASSERT_TRUE(events.ok());
  RunSeries run = BuildRunSeries(*events);
  for (const Panel& p : Catalogue()) {
    GnuplotJob job = PanelJob(p, run, {"/o/x.png", "/o/x.svg", "pngcairo"});
    EXPECT_NE(job.script.find("transparent solid"), std::string::npos) << p.id;
    EXPECT_NE(job.script.find("partition n1"), std::string::npos) << p.id;
    EXPECT_NE(job.script.find("'n3 t7'"), std::string::npos) << p.id;
    EXPECT_NE(job.script.find("title 'leader change'"), std::string::npos) << p.id;
    EXPECT_NE(job.script.find("set output '/o/x.svg'"), std::string::npos) << p.id;
  }
}

// The fallback terminal for a gnuplot built without cairo also produces a PNG.
TEST(GnuplotScript, PlainPngTerminalWorks) {
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(WhyNoGnuplot());
  std::string gnuplot = FindGnuplot();
  std::string dir = (fs::temp_directory_path() / ("raftlab-panels-png-" + std::to_string(getpid()))).string();
  ASSERT_TRUE(MakeDirs(dir).ok());
  RunSeries run = BuildRunSeries(*ParseJournal(SampleJournalForTest()));
  GnuplotJob job = PanelJob(*FindPanel("roles"), run, {dir + "/r.png", dir + "/r.svg", "png"});
  for (const auto& [name, text] : job.data_files) ASSERT_TRUE(WriteFileAtomic(dir + "/" + name, text).ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/p.gp", job.script).ok());
  SpawnOptions opts;
  opts.cwd = dir;
  Result<RunResult> r = raftlab::Run({gnuplot, "p.gp"}, opts);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok()) << r->Describe();
  EXPECT_EQ(Slurp(dir + "/r.png").substr(0, 4), "\x89PNG");
  fs::remove_all(dir);
}

TEST(GnuplotScript, QuoteDoublesSingleQuotes) { EXPECT_EQ(GnuplotQuote("it's"), "'it''s'"); }

}  // namespace
}  // namespace raftlab::dashboards
