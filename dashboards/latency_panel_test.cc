// Latency panels from a load report: buckets merged into 8 bins per power of two, every ok op
// in some bin, p50/p99 marked, and (with gnuplot installed) a PNG and an SVG drawn.
#include "dashboards/latency_panel.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/test_guard.h"
#include "dashboards/gnuplot_panels.h"

namespace raftlab::dashboards {
namespace {

// A report as driver::LoadJson writes it (buckets of 32 per power of two, in ns).
Json Report() {
  Json lin = {{"count", 6}, {"p50_ms", 1.0}, {"p99_ms", 4.0},
              {"buckets", {{1000000, 1016384, 3}, {1016384, 1032768, 1}, {4194304, 4325376, 2}}}};
  Json put = {{"count", 2}, {"p50_ms", 9.0}, {"p99_ms", 9.5}, {"buckets", {{8912896, 9175040, 2}}}};
  Json none = {{"count", 0}, {"buckets", Json::array()}};
  return {{"kinds", {{"get/linearizable", {{"ok", 6}, {"latency", lin}}},
                     {"put", {{"ok", 2}, {"latency", put}}},
                     {"get/log", {{"ok", 0}, {"latency", none}}}}}};
}

TEST(LatencyPanel, SeriesFromALoadReport) {
  Result<std::vector<LatencySeries>> s = LatencySeriesFromLoadJson(Report());
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->size(), 2u) << "kinds without ok ops are left out";
  const LatencySeries& lin = (*s)[0];
  EXPECT_EQ(lin.kind, "get/linearizable");
  uint64_t total = 0;
  for (const LatencyBin& b : lin.bins) {
    total += b.count;
    EXPECT_NEAR(b.high_ms / b.low_ms, std::exp2(1.0 / 8), 1e-9);
  }
  EXPECT_EQ(total, 6u);
  EXPECT_EQ(lin.bins.size(), 2u) << "the two buckets near 1 ms share a bin";
  EXPECT_LE(lin.bins[0].low_ms, 1.0);
  EXPECT_GT(lin.bins[0].high_ms, 1.03);
  EXPECT_FALSE(LatencySeriesFromLoadJson(Json::object()).ok());
}

TEST(LatencyPanel, ScriptPlotsEverySeriesAndMarksPercentiles) {
  Result<std::vector<LatencySeries>> s = LatencySeriesFromLoadJson(Report());
  ASSERT_TRUE(s.ok());
  GnuplotJob job = LatencyPanelJob("reads", *s, {"/x/p.png", "/x/p.svg", "pngcairo"});
  EXPECT_EQ(job.data_files.size(), 2u);
  EXPECT_NE(job.script.find("set logscale x"), std::string::npos);
  EXPECT_NE(job.script.find("set arrow from 1, graph 0"), std::string::npos) << job.script;
  EXPECT_NE(job.script.find("set arrow from 4, graph 0"), std::string::npos) << job.script;
  EXPECT_NE(job.script.find("get/linearizable: 6 ok, p50 1.00 ms, p99 4.00 ms"), std::string::npos) << job.script;
  EXPECT_NE(job.script.find("'/x/p.svg'"), std::string::npos);
  EXPECT_NE(job.data_files["series0.dat"].find(" 66.6667\n"), std::string::npos) << job.data_files["series0.dat"];
}

TEST(LatencyPanel, DrawsPngAndSvg) {
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(FindGnuplot().empty() ? "gnuplot is not installed (apt-get install gnuplot-nox)" : "");
  std::string dir = std::filesystem::temp_directory_path() / ("latency_panel_test_" + std::to_string(getpid()));
  std::vector<std::string> written;
  Status st = DrawLatencyPanel(dir, "latency-linearizable", "latency: linearizable reads", Report(), &written);
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(written.size(), 2u);
  for (const auto& p : written) EXPECT_GT(std::filesystem::file_size(p), 1000u) << p;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace raftlab::dashboards
