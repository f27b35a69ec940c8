// Process family against the fake context: the signals sent on apply and revert, restart on
// heal of a kill, idempotent revert, nothing done for a crashed lab's process faults.
#include <signal.h>

#include <gtest/gtest.h>

#include "chaos/fault_family.h"
#include "chaos/recording_agent_test_util.h"

namespace raftlab::chaos {
namespace {

using testing::FakeFaultContext;
using Lines = std::vector<std::string>;

FaultSpec Process(FaultKind kind, const std::string& target, int signal = 0) {
  FaultSpec s;
  s.kind = kind;
  s.targets = {target};
  s.params.signal = signal;
  return s;
}

Status PlanAndApply(FaultFamily& family, FakeFaultContext& ctx, const FaultSpec& spec, ActiveFault* fault) {
  fault->info.id = "f1";
  Status s = family.Plan(spec, ctx, fault);
  return s.ok() ? family.Apply(fault, ctx) : s;
}

TEST(ProcessFaults, KillThenHealRestartsOnce) {
  FakeFaultContext ctx(3);
  auto family = MakeProcessFaults();
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, Process(v1::FAULT_KILL, "n2"), &f).ok());
  EXPECT_EQ(ctx.agent.calls, (Lines{"signal-member n2 SIGKILL"}));
  EXPECT_EQ(f.info.mechanism, "SIGKILL");
  EXPECT_EQ(f.info.description, "kill n2 (SIGKILL)");
  EXPECT_EQ(f.exclusive, "process:n2");
  size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"restart-member n2"}));
  // Again: n2 runs, so nothing is done.
  mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_TRUE(ctx.agent.CallsSince(mark).empty());
}

TEST(ProcessFaults, KillWithTermOfTheLeader) {
  FakeFaultContext ctx(3);
  ctx.leader = "n3";
  auto family = MakeProcessFaults();
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, Process(v1::FAULT_KILL, "leader", SIGTERM), &f).ok());
  EXPECT_EQ(ctx.agent.calls, (Lines{"signal-member n3 SIGTERM"}));
  EXPECT_EQ(f.info.detail["resolved"]["leader"], "n3");
  EXPECT_EQ(f.info.detail["signal"], "SIGTERM");
}

TEST(ProcessFaults, PauseAndResume) {
  FakeFaultContext ctx(3);
  auto family = MakeProcessFaults();
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, Process(v1::FAULT_PAUSE, "n1"), &f).ok());
  EXPECT_EQ(ctx.agent.calls, (Lines{"signal-member n1 SIGSTOP"}));
  EXPECT_EQ(f.info.mechanism, "SIGSTOP");
  EXPECT_EQ(f.info.description, "pause n1 (SIGSTOP)");
  size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"signal-member n1 SIGCONT"}));
  // Again: SIGCONT to a running process is harmless, and that is all it sends.
  mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"signal-member n1 SIGCONT"}));
}

TEST(ProcessFaults, FromStateDoesNothing) {
  FakeFaultContext ctx(3);
  auto family = MakeProcessFaults();
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, Process(v1::FAULT_KILL, "n2"), &f).ok());
  const size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kFromState).ok());
  EXPECT_TRUE(ctx.agent.CallsSince(mark).empty());
}

TEST(ProcessFaults, RefusalsSignalNothing) {
  FakeFaultContext ctx(3);
  auto family = MakeProcessFaults();
  ActiveFault f;
  Status hup = PlanAndApply(*family, ctx, Process(v1::FAULT_KILL, "n2", SIGHUP), &f);
  EXPECT_EQ(hup.code(), Code::kInvalidArgument);
  EXPECT_NE(hup.message().find("KILL, TERM or INT"), std::string::npos) << hup.message();
  ActiveFault g;
  Status unknown = PlanAndApply(*family, ctx, Process(v1::FAULT_PAUSE, "n8"), &g);
  EXPECT_EQ(unknown.code(), Code::kNotFound);
  EXPECT_TRUE(ctx.agent.calls.empty());
}

}  // namespace
}  // namespace raftlab::chaos
