// Partition family against the recording agent: the exact iptables argv of apply and revert,
// idempotent revert, and refusals that run nothing.
#include <gtest/gtest.h>

#include "chaos/fault_family.h"
#include "chaos/recording_agent_test_util.h"

namespace raftlab::chaos {
namespace {

using testing::FakeFaultContext;
using Lines = std::vector<std::string>;

const std::string kA = "iptables -w -A RAFTLAB-FAULTS ";
const std::string kD = "iptables -w -D RAFTLAB-FAULTS ";
const std::string kC = "iptables -w -C RAFTLAB-FAULTS ";

std::string Drop(const std::string& host, const std::string& op, const std::string& from, const std::string& id = "f1") {
  return host + ": " + op + "-s " + from + " -m comment --comment raftlab-" + id + " -j DROP";
}

FaultSpec Partition(std::vector<std::vector<std::string>> groups) {
  FaultSpec s;
  s.kind = v1::FAULT_PARTITION;
  s.groups = std::move(groups);
  return s;
}

struct Applied {
  ActiveFault fault;
  Status status;
};

Applied PlanAndApply(FaultFamily& family, FakeFaultContext& ctx, const FaultSpec& spec) {
  Applied a;
  a.fault.info.id = "f1";
  a.status = family.Plan(spec, ctx, &a.fault);
  if (a.status.ok()) a.status = family.Apply(&a.fault, ctx);
  return a;
}

TEST(PartitionFaults, ThreeMembersApplyAndRevertExactArgv) {
  FakeFaultContext ctx(3);
  auto family = MakePartitionFaults();
  Applied a = PlanAndApply(*family, ctx, Partition({{"n1"}, {"n2", "n3"}}));
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  EXPECT_EQ(ctx.agent.calls, (Lines{Drop("n1", kA, "127.99.0.12"), Drop("n1", kA, "127.99.0.13"),
                                    Drop("n2", kA, "127.99.0.11"), Drop("n3", kA, "127.99.0.11")}));
  EXPECT_EQ(a.fault.info.description, "partition n1 / n2,n3");
  EXPECT_EQ(a.fault.info.mechanism, "iptables DROP");
  EXPECT_EQ(a.fault.info.targets, (Lines{"n1", "n2", "n3"}));

  size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&a.fault, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{Drop("n1", kD, "127.99.0.12"), Drop("n1", kD, "127.99.0.13"),
                                               Drop("n2", kD, "127.99.0.11"), Drop("n3", kD, "127.99.0.11")}));
  for (const auto& m : ctx.MemberNames()) EXPECT_TRUE(ctx.agent.Rules(m).empty()) << m;

  // Again: each delete fails (the rule is gone), the check confirms it, and the revert succeeds.
  mark = ctx.agent.calls.size();
  Status again = family->Revert(&a.fault, ctx, RevertMode::kLive);
  EXPECT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(ctx.agent.CallsSince(mark),
            (Lines{Drop("n1", kD, "127.99.0.12"), Drop("n1", kC, "127.99.0.12"), Drop("n1", kD, "127.99.0.13"),
                   Drop("n1", kC, "127.99.0.13"), Drop("n2", kD, "127.99.0.11"), Drop("n2", kC, "127.99.0.11"),
                   Drop("n3", kD, "127.99.0.11"), Drop("n3", kC, "127.99.0.11")}));
}

TEST(PartitionFaults, FiveMembersTwoAgainstThree) {
  FakeFaultContext ctx(5);
  auto family = MakePartitionFaults();
  Applied a = PlanAndApply(*family, ctx, Partition({{"n1", "n2"}, {"n3", "n4", "n5"}}));
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  Lines expected;
  for (const char* host : {"n1", "n2"})
    for (const char* from : {"127.99.0.13", "127.99.0.14", "127.99.0.15"}) expected.push_back(Drop(host, kA, from));
  for (const char* host : {"n3", "n4", "n5"})
    for (const char* from : {"127.99.0.11", "127.99.0.12"}) expected.push_back(Drop(host, kA, from));
  EXPECT_EQ(ctx.agent.calls, expected);
  const size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&a.fault, ctx, RevertMode::kLive).ok());
  Lines undo;
  for (auto line : expected) undo.push_back(line.replace(line.find(" -A "), 4, " -D "));
  EXPECT_EQ(ctx.agent.CallsSince(mark), undo);
  for (const auto& m : ctx.MemberNames()) EXPECT_TRUE(ctx.agent.Rules(m).empty()) << m;
}

TEST(PartitionFaults, OneWayDropsAtTheReceiverOnly) {
  FakeFaultContext ctx(3);
  auto family = MakePartitionFaults();
  FaultSpec s;
  s.kind = v1::FAULT_ONE_WAY;
  s.targets = {"n1", "n2"};
  Applied a = PlanAndApply(*family, ctx, s);
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  EXPECT_EQ(ctx.agent.calls, (Lines{Drop("n2", kA, "127.99.0.11")}));
  EXPECT_EQ(a.fault.info.description, "one-way: n1 -> n2 dropped (n2 -> n1 flows)");
  const size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&a.fault, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{Drop("n2", kD, "127.99.0.11")}));
}

TEST(PartitionFaults, BridgeSeesBothSides) {
  FakeFaultContext ctx(3);
  auto family = MakePartitionFaults();
  FaultSpec s;
  s.kind = v1::FAULT_BRIDGE;
  s.targets = {"n3"};
  s.groups = {{"n1"}, {"n2"}};
  Applied a = PlanAndApply(*family, ctx, s);
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  EXPECT_EQ(ctx.agent.calls, (Lines{Drop("n1", kA, "127.99.0.12"), Drop("n2", kA, "127.99.0.11")}));
  EXPECT_EQ(a.fault.info.description, "bridge n3 between n1 / n2");
  EXPECT_EQ(a.fault.info.targets, (Lines{"n1", "n2", "n3"}));
  const size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&a.fault, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{Drop("n1", kD, "127.99.0.12"), Drop("n2", kD, "127.99.0.11")}));
}

TEST(PartitionFaults, IsolateTheLeaderResolvedAndJournaledAsPartition) {
  FakeFaultContext ctx(3);
  ctx.leader = "n2";
  auto family = MakePartitionFaults();
  FaultSpec s;
  s.kind = v1::FAULT_ISOLATE;
  s.targets = {"leader"};
  Applied a = PlanAndApply(*family, ctx, s);
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  EXPECT_EQ(ctx.agent.calls, (Lines{Drop("n2", kA, "127.99.0.11"), Drop("n2", kA, "127.99.0.13"),
                                    Drop("n1", kA, "127.99.0.12"), Drop("n3", kA, "127.99.0.12")}));
  EXPECT_EQ(a.fault.info.kind, "partition");
  EXPECT_EQ(a.fault.info.targets, (Lines{"n2"}));
  EXPECT_EQ(a.fault.info.detail["resolved"]["leader"], "n2");
  EXPECT_EQ(a.fault.info.description, "isolate n2 (the leader): n2 / n1,n3");
}

TEST(PartitionFaults, RefusesAMemberInNoGroupAndRunsNothing) {
  FakeFaultContext ctx(3);
  auto family = MakePartitionFaults();
  Applied a = PlanAndApply(*family, ctx, Partition({{"n1"}, {"n2"}}));
  EXPECT_EQ(a.status.code(), Code::kInvalidArgument);
  EXPECT_NE(a.status.message().find("n3 is in no group"), std::string::npos) << a.status.message();
  EXPECT_NE(a.status.message().find("--bridge n3 n1 / n2"), std::string::npos) << a.status.message();
  EXPECT_TRUE(ctx.agent.calls.empty());

  // A bridge does not cover a fourth member either.
  FakeFaultContext five(5);
  FaultSpec s;
  s.kind = v1::FAULT_BRIDGE;
  s.targets = {"n3"};
  s.groups = {{"n1"}, {"n2", "n5"}};
  a = PlanAndApply(*family, five, s);
  EXPECT_EQ(a.status.code(), Code::kInvalidArgument);
  EXPECT_NE(a.status.message().find("n4 is in no group and is not the bridge"), std::string::npos)
      << a.status.message();
  EXPECT_TRUE(five.agent.calls.empty());
}

TEST(PartitionFaults, RefusesBadGroupsBeforeAnyCommand) {
  FakeFaultContext ctx(3);
  auto family = MakePartitionFaults();
  struct Case {
    FaultSpec spec;
    Code code;
    std::string message;
  };
  FaultSpec one_way;
  one_way.kind = v1::FAULT_ONE_WAY;
  one_way.targets = {"n1", "n1"};
  const std::vector<Case> cases = {
      {Partition({{"n1"}, {"n7"}}), Code::kNotFound, "unknown member 'n7'"},
      {Partition({{"n1"}, {"n1", "n2"}}), Code::kInvalidArgument, "in two groups"},
      {Partition({{"n1", "n2", "n3"}}), Code::kInvalidArgument, "at least two groups"},
      {one_way, Code::kInvalidArgument, "two different members"},
  };
  for (const auto& c : cases) {
    Applied a = PlanAndApply(*family, ctx, c.spec);
    EXPECT_EQ(a.status.code(), c.code) << a.status.ToString();
    EXPECT_NE(a.status.message().find(c.message), std::string::npos) << a.status.message();
  }
  EXPECT_TRUE(ctx.agent.calls.empty());
}

TEST(PartitionFaults, FailedApplyUndoesWhatRan) {
  FakeFaultContext ctx(3);
  ctx.agent.FailNext("n2: iptables -w -A");
  auto family = MakePartitionFaults();
  Applied a = PlanAndApply(*family, ctx, Partition({{"n1"}, {"n2", "n3"}}));
  EXPECT_FALSE(a.status.ok());
  EXPECT_NE(a.status.message().find("on n2 failed"), std::string::npos) << a.status.message();
  EXPECT_EQ(ctx.agent.calls, (Lines{Drop("n1", kA, "127.99.0.12"), Drop("n1", kA, "127.99.0.13"),
                                    Drop("n2", kA, "127.99.0.11"), Drop("n1", kD, "127.99.0.12"),
                                    Drop("n1", kD, "127.99.0.13")}));
  for (const auto& m : ctx.MemberNames()) EXPECT_TRUE(ctx.agent.Rules(m).empty()) << m;
}

}  // namespace
}  // namespace raftlab::chaos
