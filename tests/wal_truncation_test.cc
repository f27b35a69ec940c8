// The evidence core on a real lab: an isolated leader takes a put it cannot commit, is killed,
// the majority commits in a higher term, the old leader restarts and its own WAL shows the
// uncommitted entry (i, t) discarded and replaced by (i, t' > t). Then every checker passes
// on the recorded run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/clock.h"
#include "tests/lab_harness.h"

namespace raftlab::testing {
namespace {

std::string LeaderOf(const LabHarness& lab) {
  for (int i = 0; i < 100; ++i) {
    CliRun s = lab.Cli({"status", "--json"});
    if (s.exit_code == 0)
      for (const auto& m : s.json["members"])
        if (m["role"] == "leader") return m["name"].get<std::string>();
    SleepMs(100);
  }
  return "";
}

TEST(WalTruncation, OldLeaderWalShowsTheDiscardedEntryAndCheckRunPasses) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  const std::string run_dir = lab.work_dir() + "/run";
  ASSERT_EQ(lab.Cli({"up", "--members", "3", "--journal", run_dir + "/journal.jsonl"}).exit_code, 0);
  ASSERT_EQ(lab.Cli({"put", "before", "committed"}).exit_code, 0);
  const std::string old_leader = LeaderOf(lab);
  ASSERT_FALSE(old_leader.empty());

  CliRun cut = lab.Cli({"partition", "--isolate", old_leader, "--json"});
  ASSERT_EQ(cut.exit_code, 0) << cut.err;
  CliRun doomed = lab.Cli({"put", "doomed", "uncommitted", "--via", old_leader, "--timeout", "2s"});
  EXPECT_NE(doomed.exit_code, 0) << "an isolated leader cannot commit";
  CliRun kill = lab.Cli({"kill", old_leader, "--json"});
  ASSERT_EQ(kill.exit_code, 0) << kill.err;

  // The majority elects a new leader and commits.
  std::string survivor = old_leader == "n1" ? "n2" : "n1";
  CliRun after;
  for (int i = 0; i < 100; ++i) {
    after = lab.Cli({"put", "after", "crash", "--via", survivor, "--timeout", "2s"});
    if (after.exit_code == 0) break;
    SleepMs(200);
  }
  ASSERT_EQ(after.exit_code, 0) << after.err;

  // Heal the isolation, then restart the old leader (heal the kill): it rejoins.
  ASSERT_EQ(lab.Cli({"heal", cut.json["id"].get<std::string>()}).exit_code, 0);
  CliRun restart = lab.Cli({"heal", kill.json["id"].get<std::string>()});
  ASSERT_EQ(restart.exit_code, 0) << restart.err;
  CliRun read_back;
  for (int i = 0; i < 100; ++i) {
    read_back = lab.Cli({"get", "after", "--via", old_leader, "--serializable"});
    if (read_back.exit_code == 0) break;
    SleepMs(200);
  }
  ASSERT_EQ(read_back.exit_code, 0) << "old leader never caught up: " << read_back.err;

  CliRun dump = lab.Cli({"wal", "dump", old_leader});
  std::cout << dump.out.substr(dump.out.find("overwrite") == std::string::npos ? 0 : dump.out.find("overwrite"), 800);
  CliRun json = lab.Cli({"wal", "dump", old_leader, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  bool found = false;
  std::istringstream lines(json.out);
  for (std::string line; std::getline(lines, line);) {
    Result<Json> j = ParseJson(line);
    if (!j.ok() || (*j)["record"] != "truncation") continue;
    for (const auto& d : (*j)["discarded"]) {
      if (d.value("key", "") != "doomed") continue;
      found = true;
      const auto& by = (*j)["replaced_by"];
      std::cout << "discarded (" << d["index"] << ", term " << d["term"] << ") put doomed; replaced by ("
                << by["index"] << ", term " << by["term"] << ")\n";
      EXPECT_EQ(by["index"], d["index"]);
      EXPECT_GT(by["term"].get<uint64_t>(), d["term"].get<uint64_t>());
    }
  }
  EXPECT_TRUE(found) << "no truncation of the uncommitted put in " << old_leader << "'s WAL:\n" << dump.out;
  for (const char* m : {"n1", "n2", "n3"})
    EXPECT_NE(lab.Cli({"get", "doomed", "--via", m, "--serializable"}).exit_code, 0) << "doomed visible on " << m;

  // Record the decoded WALs beside the journal, take the lab down, judge the run.
  std::filesystem::create_directories(run_dir + "/logs");
  for (const char* m : {"n1", "n2", "n3"}) {
    CliRun w = lab.Cli({"wal", "dump", m, "--json"});
    ASSERT_EQ(w.exit_code, 0) << w.err;
    std::ofstream(run_dir + "/logs/" + m + ".wal.jsonl") << w.out;
  }
  ASSERT_EQ(lab.Cli({"down"}).exit_code, 0);
  CliRun check = lab.Cli({"check", "run", run_dir});
  std::cout << check.out;
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_TRUE(std::filesystem::exists(run_dir + "/verdicts.json"));
}

}  // namespace
}  // namespace raftlab::testing
