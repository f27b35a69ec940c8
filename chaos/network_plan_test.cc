#include "chaos/network_plan.h"

#include <gtest/gtest.h>

#include "common/subprocess.h"

namespace raftlab::chaos {
namespace {

const Addresses kIps = {{"n1", "127.99.0.11"}, {"n2", "127.99.0.12"}, {"n3", "127.99.0.13"},
                        {"n4", "127.99.0.14"}, {"n5", "127.99.0.15"}};

std::vector<std::string> Rendered(const std::vector<HostCommand>& cmds) {
  std::vector<std::string> out;
  for (const auto& c : cmds) out.push_back(c.host + ": " + JoinArgv(c.argv));
  return out;
}

TEST(PlanPartition, SymmetricDropsBetweenGroupsOnly) {
  Result<NetworkPlan> p = PlanPartition({{"n1"}, {"n2", "n3"}}, kIps, "f1");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Rendered(p->apply),
            (std::vector<std::string>{
                "n1: iptables -w -A RAFTLAB-FAULTS -s 127.99.0.12 -m comment --comment raftlab-f1 -j DROP",
                "n1: iptables -w -A RAFTLAB-FAULTS -s 127.99.0.13 -m comment --comment raftlab-f1 -j DROP",
                "n2: iptables -w -A RAFTLAB-FAULTS -s 127.99.0.11 -m comment --comment raftlab-f1 -j DROP",
                "n3: iptables -w -A RAFTLAB-FAULTS -s 127.99.0.11 -m comment --comment raftlab-f1 -j DROP"}));
  ASSERT_EQ(p->revert.size(), p->apply.size());
  for (size_t i = 0; i < p->apply.size(); ++i) {
    std::vector<std::string> undo = p->revert[i].argv;
    std::vector<std::string> redo = p->apply[i].argv;
    EXPECT_EQ(undo[2], "-D");
    undo[2] = "-A";
    EXPECT_EQ(undo, redo) << "revert must delete exactly the rule added";
  }
}

TEST(PlanPartition, RejectsBadGroups) {
  EXPECT_EQ(PlanPartition({{"n1", "n2"}}, kIps, "f").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PlanPartition({{"n1"}, {"n1", "n2"}}, kIps, "f").status().code(), Code::kInvalidArgument);
  Result<NetworkPlan> unknown = PlanPartition({{"n1"}, {"n9"}}, kIps, "f");
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_NE(unknown.status().message().find("n9"), std::string::npos);
}

TEST(PlanOneWay, DropsOnlyAtTheReceiver) {
  Result<NetworkPlan> p = PlanOneWay("n1", "n2", kIps, "f2");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Rendered(p->apply), (std::vector<std::string>{
      "n2: iptables -w -A RAFTLAB-FAULTS -s 127.99.0.11 -m comment --comment raftlab-f2 -j DROP"}));
  EXPECT_FALSE(PlanOneWay("n1", "n1", kIps, "f").ok());
}

TEST(PlanBridge, BridgeKeepsBothSides) {
  Result<NetworkPlan> p = PlanBridge("n3", {"n1"}, {"n2"}, kIps, "f3");
  ASSERT_TRUE(p.ok());
  for (const auto& line : Rendered(p->apply)) EXPECT_EQ(line.find("127.99.0.13"), std::string::npos) << line;
  EXPECT_EQ(p->apply.size(), 2u);
  EXPECT_FALSE(PlanBridge("n3", {"n3"}, {"n2"}, kIps, "f").ok());
}

TEST(PlanLoss, BothDirectionsPerPeer) {
  Result<NetworkPlan> p = PlanLoss("n2", {"n1", "n3"}, 0.3, kIps, "f4");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->apply.size(), 4u);
  EXPECT_EQ(Rendered(p->apply)[0],
            "n2: iptables -w -A RAFTLAB-FAULTS -s 127.99.0.11 -m statistic --mode random --probability 0.3000 "
            "-m comment --comment raftlab-f4 -j DROP");
  EXPECT_FALSE(PlanLoss("n2", {"n1"}, 1.5, kIps, "f").ok());
  EXPECT_FALSE(PlanLoss("n2", {"n1"}, 0, kIps, "f").ok());
}

TEST(PlanQueueDelay, QueuesOutgoingToPeers) {
  Result<NetworkPlan> p = PlanQueueDelay("n2", {"n3"}, 101, kIps, "f5");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Rendered(p->apply), (std::vector<std::string>{
      "n2: iptables -w -A RAFTLAB-FAULTS -d 127.99.0.13 -m comment --comment raftlab-f5 -j NFQUEUE --queue-num 101 --queue-bypass"}));
}

TEST(PlanBandwidth, ValidatesRate) {
  EXPECT_TRUE(PlanBandwidth("n2", "256kbit").ok());
  EXPECT_FALSE(PlanBandwidth("n2", "fast").ok());
  EXPECT_FALSE(PlanBandwidth("n2", "256").ok());
  NetworkPlan netem = PlanNetemDelay("n2", 80);
  EXPECT_EQ(Rendered(netem.apply)[0], "n2: tc qdisc add dev eth0 root netem delay 80ms");
}

}  // namespace
}  // namespace raftlab::chaos
