// `raftlab load` on a real lab: at a modest rate every read path reaches its target with no
// error, every op is in the lab's journal (invoke + ok, ids from a claimed op_block), the
// report is kept beside the journal, and --via sends through the named member only.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "tests/lab_harness.h"

namespace raftlab::testing {
namespace {
namespace fs = std::filesystem;

TEST(Load, ReachesItsTargetRateWithNoErrorsOnEveryReadPath) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  std::vector<std::string> before = lab.HostSnapshot();
  CliRun up = lab.Cli({"up", "--members", "3", "--json"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  const std::string journal = up.json["journal"].get<std::string>();

  uint64_t expected_ops = 0;
  for (const char* path : {"linearizable", "serializable", "log"}) {
    CliRun load = lab.Cli({"load", "--rate", "300", "--read-ratio", "0.9", "--read-path", path, "--duration", "4s",
                           "--keys", "20", "--json"});
    std::cout << path << ": " << load.err;
    ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
    const Json& r = load.json;
    ASSERT_TRUE(r.is_object()) << load.out;
    EXPECT_EQ(r["fail"], 0) << r.dump(2);
    EXPECT_EQ(r["info"], 0) << r.dump(2);
    EXPECT_EQ(r["skipped"], 0);
    EXPECT_EQ(r["ok"], r["issued"]);
    EXPECT_NEAR(r["issued"].get<double>(), 1200, 5);
    EXPECT_GE(r["rate"].get<double>(), 0.95 * 300) << r.dump(2);
    EXPECT_LE(r["rate"].get<double>(), 1.05 * 300) << r.dump(2);
    EXPECT_TRUE(r["sustained"].get<bool>());
    const std::string kind = std::string("get/") + path;
    ASSERT_TRUE(r["kinds"].contains(kind)) << r.dump(2);
    EXPECT_GT(r["kinds"][kind]["ok"].get<uint64_t>(), 900u);
    EXPECT_GT(r["kinds"][kind]["latency"]["p50_ms"].get<double>(), 0);
    EXPECT_GT(r["kinds"]["put"]["ok"].get<uint64_t>(), 60u);
    EXPECT_EQ(r["journal"]["lost"], 0);
    EXPECT_TRUE(fs::is_regular_file(r["report_path"].get<std::string>()));
    EXPECT_EQ(fs::path(r["report_path"].get<std::string>()).parent_path(), fs::path(journal).parent_path());
    expected_ops += r["issued"].get<uint64_t>();
  }
  // Through one member only, the table on stdout and progress on stderr.
  CliRun via = lab.Cli({"load", "--rate", "200", "--duration", "2s", "--via", "n2", "--read-path", "linearizable,log"});
  ASSERT_EQ(via.exit_code, 0) << via.err;
  EXPECT_NE(via.out.find("get/linearizable"), std::string::npos) << via.out;
  EXPECT_NE(via.out.find("get/log"), std::string::npos) << via.out;
  EXPECT_NE(via.err.find("issued"), std::string::npos) << "progress once a second: " << via.err;
  expected_ops += 400;

  // Every op in the journal: one invoke and one ok each, load ops above raftlabd's ids.
  std::map<int64_t, std::pair<int, int>> phases;   // op_id -> (invokes, oks)
  std::set<std::string> vias_of_last_run;
  int blocks = 0;
  for (const Json& e : ReadJournal(journal)) {
    if (e.value("kind", "") == "op_block") ++blocks;
    if (e.value("kind", "") != "op") continue;
    int64_t id = e["op_id"].get<int64_t>();
    EXPECT_GE(id, 1000000000000) << e.dump();
    auto& [inv, ok] = phases[id];
    if (e["phase"] == "invoke") ++inv;
    if (e["phase"] == "ok") ++ok;
    if (id >= 1000000000000 + 3 * 1000000000LL) vias_of_last_run.insert(e["via"].get<std::string>());
  }
  EXPECT_EQ(blocks, 4) << "one op_block per run";
  EXPECT_NEAR(static_cast<double>(phases.size()), static_cast<double>(expected_ops), 10);
  for (const auto& [id, p] : phases) {
    EXPECT_EQ(p.first, 1) << id;
    EXPECT_EQ(p.second, 1) << id;
  }
  EXPECT_EQ(vias_of_last_run, std::set<std::string>{"n2"});

  // Bad usage against a live lab: an unknown member.
  CliRun bad = lab.Cli({"load", "--via", "n7", "--duration", "1s"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("n7"), std::string::npos) << bad.err;

  CliRun down = lab.Cli({"down"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  std::vector<std::string> leaked = Added(before, lab.HostSnapshot());
  EXPECT_TRUE(leaked.empty()) << [&] { std::string s; for (auto& l : leaked) s += l + "\n"; return s; }();
}

}  // namespace
}  // namespace raftlab::testing
