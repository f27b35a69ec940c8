// Plan steps resolved against a cluster: the roles become members, the pick chooses among
// followers, splits keep a majority on one side, and a cluster that cannot take a step says so.
#include "scenarios/soak_step.h"

#include <gtest/gtest.h>

namespace raftlab::scenarios {
namespace {

using chaos::PlanFault;
using chaos::PlanRole;

chaos::PlanStep Step(PlanFault f, PlanRole target, uint32_t pick = 0) {
  chaos::PlanStep s;
  s.fault = f;
  s.target = target;
  s.pick = pick;
  s.duration_ms = chaos::IsInstant(f) ? 0 : 2000;
  s.loss_percent = 30;
  s.delay_ms = 80;
  s.rate = "512kbit";
  return s;
}

std::vector<std::string> Group(const v1::FaultRequest& f, int i) {
  return {f.groups(i).members().begin(), f.groups(i).members().end()};
}

const ClusterRoles kThree{"n2", {"n1", "n3"}};
const ClusterRoles kFive{"n4", {"n1", "n2", "n3", "n5"}};

TEST(SoakStep, RolesComeFromAStatusReply) {
  v1::StatusReply s;
  auto add = [&](const std::string& name, const std::string& role, const std::string& leader, bool learner = false) {
    v1::MemberStatus* m = s.add_members();
    m->set_name(name);
    m->set_role(role);
    m->set_leader(leader);
    m->set_learner(learner);
  };
  add("n3", "follower", "n1");
  add("n1", "leader", "n1");
  add("n2", "follower", "n1");
  add("n4", "learner", "n1", true);
  add("n5", "down", "");
  Result<ClusterRoles> r = RolesFromStatus(s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->leader, "n1");
  EXPECT_EQ(r->followers, (std::vector<std::string>{"n2", "n3"}));
  s.mutable_members(0)->set_leader("n2");
  EXPECT_FALSE(RolesFromStatus(s).ok());   // disagreement
  s.mutable_members(0)->set_leader("");
  EXPECT_FALSE(RolesFromStatus(s).ok());   // a voter without a leader
}

TEST(SoakStep, IsolateAndProcessFaultsHitTheRole) {
  Result<ResolvedStep> leader = ResolveStep(Step(PlanFault::kIsolate, PlanRole::kLeader), kThree);
  ASSERT_TRUE(leader.ok());
  EXPECT_EQ(leader->fault.kind(), "isolate");
  EXPECT_EQ(leader->fault.target(), "n2");
  EXPECT_EQ(leader->description, "isolate n2 (the leader): n2 / n1,n3");
  // pick % followers: 0 -> n1, 1 -> n3, 5 -> n3.
  EXPECT_EQ(ResolveStep(Step(PlanFault::kPause, PlanRole::kFollower, 0), kThree)->fault.target(), "n1");
  EXPECT_EQ(ResolveStep(Step(PlanFault::kPause, PlanRole::kFollower, 5), kThree)->fault.target(), "n3");
  Result<ResolvedStep> kill = ResolveStep(Step(PlanFault::kKill, PlanRole::kLeader), kThree);
  EXPECT_EQ(kill->fault.kind(), "kill");
  EXPECT_EQ(kill->fault.signal(), 9);
  Result<ResolvedStep> loss = ResolveStep(Step(PlanFault::kLoss, PlanRole::kFollower, 1), kThree);
  EXPECT_EQ(loss->fault.target(), "n3");
  EXPECT_DOUBLE_EQ(loss->fault.probability(), 0.3);
  EXPECT_EQ(ResolveStep(Step(PlanFault::kDelay, PlanRole::kLeader), kThree)->fault.delay_ms(), 80u);
  EXPECT_EQ(ResolveStep(Step(PlanFault::kBandwidth, PlanRole::kLeader), kThree)->fault.rate(), "512kbit");
}

TEST(SoakStep, SplitsPutTheTargetInTheMinority) {
  Result<ResolvedStep> lead = ResolveStep(Step(PlanFault::kSplit, PlanRole::kLeader, 2), kFive);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->fault.kind(), "partition");
  EXPECT_EQ(Group(lead->fault, 0), (std::vector<std::string>{"n4", "n3"}));
  EXPECT_EQ(Group(lead->fault, 1), (std::vector<std::string>{"n1", "n2", "n5"}));
  Result<ResolvedStep> followers = ResolveStep(Step(PlanFault::kSplit, PlanRole::kFollower, 3), kFive);
  EXPECT_EQ(Group(followers->fault, 0), (std::vector<std::string>{"n5", "n1"}));   // round the list
  EXPECT_EQ(Group(followers->fault, 1), (std::vector<std::string>{"n4", "n2", "n3"}));
  EXPECT_NE(followers->description.find("in the majority"), std::string::npos) << followers->description;
  // Three voters: a minority of one.
  Result<ResolvedStep> three = ResolveStep(Step(PlanFault::kSplit, PlanRole::kLeader), kThree);
  EXPECT_EQ(Group(three->fault, 0), (std::vector<std::string>{"n2"}));
  EXPECT_EQ(Group(three->fault, 1), (std::vector<std::string>{"n1", "n3"}));
}

TEST(SoakStep, OneWayAndBridgeNameBothEnds) {
  Result<ResolvedStep> down = ResolveStep(Step(PlanFault::kOneWay, PlanRole::kLeader, 1), kThree);
  EXPECT_EQ(down->fault.kind(), "one-way");
  EXPECT_EQ(down->fault.from(), "n2");
  EXPECT_EQ(down->fault.to(), "n3");
  Result<ResolvedStep> up = ResolveStep(Step(PlanFault::kOneWay, PlanRole::kFollower, 0), kThree);
  EXPECT_EQ(up->fault.from(), "n1");
  EXPECT_EQ(up->fault.to(), "n2");
  Result<ResolvedStep> bridge = ResolveStep(Step(PlanFault::kBridge, PlanRole::kFollower, 1), kFive);
  EXPECT_EQ(bridge->fault.kind(), "bridge");
  EXPECT_EQ(bridge->fault.bridge(), "n2");
  EXPECT_EQ(Group(bridge->fault, 0), (std::vector<std::string>{"n4"}));
  EXPECT_EQ(Group(bridge->fault, 1), (std::vector<std::string>{"n1", "n3", "n5"}));
}

TEST(SoakStep, ActionsThatAreNotFaults) {
  Result<ResolvedStep> restart = ResolveStep(Step(PlanFault::kRestart, PlanRole::kLeader), kThree);
  EXPECT_EQ(restart->action, ResolvedStep::Action::kRestart);
  EXPECT_EQ(restart->member, "n2");
  Result<ResolvedStep> transfer = ResolveStep(Step(PlanFault::kTransferLeader, PlanRole::kFollower, 1), kThree);
  EXPECT_EQ(transfer->action, ResolvedStep::Action::kTransferLeader);
  EXPECT_EQ(transfer->member, "n3");
  EXPECT_EQ(ResolveStep(Step(PlanFault::kMemberChange, PlanRole::kFollower), kThree)->action,
            ResolvedStep::Action::kMemberChange);
}

TEST(SoakStep, AClusterThatCannotTakeTheStepSaysSo) {
  const ClusterRoles alone{"n1", {}};
  Result<ResolvedStep> r = ResolveStep(Step(PlanFault::kIsolate, PlanRole::kFollower), alone);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
  EXPECT_FALSE(ResolveStep(Step(PlanFault::kBridge, PlanRole::kFollower), ClusterRoles{"n1", {"n2"}}).ok());
  EXPECT_FALSE(ResolveStep(Step(PlanFault::kIsolate, PlanRole::kLeader), ClusterRoles{}).ok());
}

}  // namespace
}  // namespace raftlab::scenarios
