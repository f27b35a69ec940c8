// crash-fresh: after `kill -9` of raftlabd, the next `up` gives a fresh cluster (a key written
// before the crash is absent, the term starts over), also with a fault active at the crash
// (reverted from the crashed lab's persisted state), and `up --keep-data` moves the old data
// aside and says where. Drives the real binaries on a real lab.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "common/clock.h"
#include "tests/lab_harness.h"

namespace raftlab::testing {
namespace {

uint64_t HighestTerm(const Json& status) {
  uint64_t term = 0;
  for (const auto& m : status["members"]) term = std::max(term, m.value("term", uint64_t{0}));
  return term;
}

// Kills raftlabd with SIGKILL (the pid its lab.json records) and waits until it is gone,
// leaving its members, namespaces and state behind as a crash does.
void CrashDaemon(const LabHarness& lab) {
  Result<Json> state = ReadJsonFile(lab.state_dir() + "/lab.json");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const int pid = state->value("daemon_pid", 0);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i) SleepMs(50);
  // The etcd members outlive it: that is the crash the next `up` must clean up after.
  ASSERT_TRUE(std::filesystem::exists(lab.state_dir() + "/members/n1/data"));
}

// Up, a put, the term the cluster reached; then a crash.
uint64_t UpPutCrash(LabHarness& lab, const std::vector<std::string>& before_crash = {}) {
  CliRun up = lab.Cli({"up", "--members", "3"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  CliRun put = lab.Cli({"put", "written-before-crash", "old-value"});
  EXPECT_EQ(put.exit_code, 0) << put.err;
  // Two leader changes, so the old term is visibly past where a fresh cluster starts.
  for (int i = 0; i < 2; ++i) {
    std::string leader;
    const CliRun status = lab.Cli({"status", "--json"});
    for (const auto& m : status.json["members"])
      if (m.value("role", "") == "leader") leader = m.value("name", "");
    CliRun restart = lab.Cli({"restart", leader});
    EXPECT_EQ(restart.exit_code, 0) << leader << ": " << restart.err;
    for (int t = 0; t < 50; ++t) {
      bool agreed = false;
      const CliRun now = lab.Cli({"status", "--json"});
      for (const auto& m : now.json["members"]) agreed = agreed || m.value("role", "") == "leader";
      if (agreed) break;
      SleepMs(200);
    }
  }
  if (!before_crash.empty()) {
    CliRun fault = lab.Cli(before_crash);
    EXPECT_EQ(fault.exit_code, 0) << fault.err;
  }
  const uint64_t term = HighestTerm(lab.Cli({"status", "--json"}).json);
  CrashDaemon(lab);
  return term;
}

void ExpectFreshCluster(LabHarness& lab, uint64_t term_before, const std::string& label) {
  CliRun status = lab.Cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const uint64_t term_after = HighestTerm(status.json);
  CliRun get = lab.Cli({"get", "written-before-crash", "--json"});
  ASSERT_TRUE(get.json.is_object()) << get.out << get.err;   // exit 1: not found
  std::cout << "[crash-fresh " << label << "] term before the crash " << term_before << ", after up " << term_after
            << "; key written before the crash found=" << get.json.value("found", true) << "\n";
  EXPECT_FALSE(get.json.value("found", true)) << "the old cluster's key survived: " << get.out;
  EXPECT_LE(term_after, 3u) << "the term continued from the old cluster (" << term_before << ")";
}

TEST(CrashFresh, UpAfterKill9StartsAFreshCluster) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  const std::vector<std::string> before = lab.HostSnapshot();
  const uint64_t term_before = UpPutCrash(lab);
  CliRun up = lab.Cli({"up", "--members", "3"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.err.find("cleaned up after an earlier lab"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("removed the earlier lab's member data (n1, n2, n3)"), std::string::npos) << up.err;
  ExpectFreshCluster(lab, term_before, "plain");
  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
  EXPECT_TRUE(Added(before, lab.HostSnapshot()).empty());
}

TEST(CrashFresh, AFaultActiveAtTheCrashIsRevertedFromState) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  const std::vector<std::string> before = lab.HostSnapshot();
  const uint64_t term_before = UpPutCrash(lab, {"partition", "--isolate", "n1"});
  Result<Json> crashed = ReadJsonFile(lab.state_dir() + "/lab.json");
  ASSERT_TRUE(crashed.ok());
  ASSERT_TRUE(crashed->contains("faults") && !(*crashed)["faults"].empty())
      << "the active fault is not in lab.json: " << crashed->dump();
  CliRun up = lab.Cli({"up", "--members", "3"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.err.find("reverted fault f1 of the earlier lab"), std::string::npos) << up.err;
  ExpectFreshCluster(lab, term_before, "fault");
  // No rule of the old partition survives in any member's chain.
  for (const std::string member : {"n1", "n2", "n3"}) {
    Result<RunResult> rules = raftlab::Run({"ip", "netns", "exec", "rl-" + member, "iptables", "-S", "RAFTLAB-FAULTS"});
    ASSERT_TRUE(rules.ok());
    EXPECT_EQ(rules->out.find("DROP"), std::string::npos) << member << ": " << rules->out;
  }
  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
  EXPECT_TRUE(Added(before, lab.HostSnapshot()).empty());
}

TEST(CrashFresh, KeepDataMovesTheOldMembersAsideAndSaysWhere) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  const uint64_t term_before = UpPutCrash(lab);
  CliRun up = lab.Cli({"up", "--members", "3", "--keep-data"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  const std::string said = "kept the earlier lab's member data (n1, n2, n3) at ";
  const size_t at = up.err.find(said);
  ASSERT_NE(at, std::string::npos) << up.err;
  const std::string kept = up.err.substr(at + said.size(), up.err.find(';', at) - at - said.size());
  std::cout << "[crash-fresh keep-data] " << up.err.substr(at, up.err.find('\n', at) - at) << "\n";
  EXPECT_EQ(kept.rfind(lab.state_dir() + "/kept/", 0), 0u) << kept;
  EXPECT_TRUE(std::filesystem::exists(kept + "/n1/data/member/wal")) << kept;
  ExpectFreshCluster(lab, term_before, "keep-data");
  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
}

}  // namespace
}  // namespace raftlab::testing
