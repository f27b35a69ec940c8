// Bad chaos commands on a real lab: each gives a clear error and a non-zero exit, and
// leaves the cluster, the faults list and every namespace's iptables and qdiscs unchanged.
#include <gtest/gtest.h>

#include <iostream>

#include "tests/chaos_test_util.h"

namespace raftlab::testing {
namespace {

TEST(ChaosBadInput, RefusedAndNothingChanges) {
  RAFTLAB_REQUIRE_LAB();
  ChaosLab lab;
  const std::vector<std::string> before = lab.Snapshot();
  ASSERT_TRUE(lab.Up({"--members", "3"}));
  const std::map<std::string, std::string> iptables_before = lab.AllIptables();
  std::map<std::string, std::string> qdisc_before;
  for (const auto& m : lab.members()) qdisc_before[m] = lab.TcQdisc(m);
  LabStatus s0 = lab.Status();
  const std::string leader = s0.AgreedLeader();
  ASSERT_FALSE(leader.empty());

  struct Case {
    std::vector<std::string> args;
    std::string expect;   // in stderr
  };
  const std::vector<Case> cases = {
      {{"partition", "n1", "/", "n7"}, "unknown member 'n7'"},
      {{"partition", "--isolate", "n9"}, "unknown member 'n9'"},
      {{"partition", "--one-way", "n1", "n1"}, "two different members"},
      {{"partition", "n1", "/", "n1,n2"}, "in two groups"},
      {{"loss", "n2", "150%"}, "between 0 and 100"},
      {{"loss", "n2", "lots"}, "percentage"},
      {{"delay", "n2", "abc"}, "not a duration: 'abc'"},
      {{"delay", "n2", "80ms", "--to", "n2"}, "cannot name the delayed member"},
      {{"bandwidth", "n2", "fast"}, "256kbit"},
      {{"bandwidth", "n2", "0kbit"}, "above zero"},
      {{"partition", "n1", "/", "n2"}, "n3 is in no group"},
      {{"heal", "f99"}, "no active fault 'f99'"},
      {{"resume", "n2"}, "n2 is not paused"},
      {{"slow-disk", "n2", "--fsync", "1500ms"}, "--slow-wal"},
      {{"slow-disk", "n2"}, "--fsync"},
      {{"kill", "n2", "--signal", "HUP"}, "KILL, TERM or INT"},
      {{"kill", "n8"}, "unknown member 'n8'"},
  };
  for (const auto& c : cases) {
    std::string cmd;
    for (const auto& a : c.args) cmd += a + " ";
    SCOPED_TRACE(cmd);
    CliRun r = lab.Cli(c.args);
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << "stderr: " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_TRUE(lab.FaultIds().empty());
    std::cout << "[bad input] raftlab " << cmd << "-> exit " << r.exit_code << ": " << r.err.substr(0, r.err.find('\n'))
              << "\n";
  }
  EXPECT_EQ(lab.AllIptables(), iptables_before);
  for (const auto& m : lab.members()) EXPECT_EQ(lab.TcQdisc(m), qdisc_before[m]) << m;
  LabStatus s1 = lab.Status();
  EXPECT_EQ(s1.AgreedLeader(), leader) << s1.json.dump();
  EXPECT_EQ(s1.Term(leader), s0.Term(leader));
  for (const auto& m : lab.members()) EXPECT_EQ(s1.Role(m), s0.Role(m)) << m;

  // A real fault after all that gets id f1: refusals consumed no ids.
  CliRun ok = lab.MustCli({"loss", "n3", "10%"});
  EXPECT_EQ(ok.out.rfind("f1:", 0), 0u) << ok.out;
  lab.MustCli({"heal"});
  EXPECT_EQ(lab.AllIptables(), iptables_before);

  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
  std::vector<std::string> leaks = lab.Leaks(before);
  EXPECT_TRUE(leaks.empty()) << "left behind:\n" << Lines(leaks);
}

}  // namespace
}  // namespace raftlab::testing
