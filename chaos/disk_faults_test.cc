// Disk family against the recording agent: the control file written on apply and reset on
// revert, idempotent revert, a control file gone with its lab, and refusals.
#include <gtest/gtest.h>

#include "chaos/fault_family.h"
#include "chaos/recording_agent_test_util.h"

namespace raftlab::chaos {
namespace {

using testing::FakeFaultContext;
using Lines = std::vector<std::string>;

const std::string kControl = "/lab/n2/fsync-delay-ms";

FaultSpec SlowDisk(const std::string& target, int fsync_ms) {
  FaultSpec s;
  s.kind = v1::FAULT_SLOW_DISK;
  s.targets = {target};
  s.params.fsync_ms = fsync_ms;
  return s;
}

Status PlanAndApply(FaultFamily& family, FakeFaultContext& ctx, const FaultSpec& spec, ActiveFault* fault) {
  fault->info.id = "f1";
  Status s = family.Plan(spec, ctx, fault);
  return s.ok() ? family.Apply(fault, ctx) : s;
}

TEST(DiskFaults, WritesTheDelayAndResetsIt) {
  FakeFaultContext ctx(3);
  ctx.agent.files[{"n2", kControl}] = "0\n";   // the lab writes 0 when it mounts slowfs
  auto family = MakeDiskFaults();
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, SlowDisk("n2", 1500), &f).ok());
  EXPECT_EQ(ctx.agent.calls, (Lines{"write n2: " + kControl + " = 1500"}));
  EXPECT_EQ(f.info.mechanism, "raftlab-slowfs fsync delay");
  EXPECT_EQ(f.info.description, "slow disk on n2: WAL fsync +1500 ms");
  EXPECT_EQ(f.info.detail["control_file"], kControl);
  EXPECT_EQ(f.exclusive, "disk:n2");
  size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"read n2: " + kControl, "write n2: " + kControl + " = 0"}));
  EXPECT_EQ((ctx.agent.files[{"n2", kControl}]), "0\n");
  // Again: the same reset, harmless.
  mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"read n2: " + kControl, "write n2: " + kControl + " = 0"}));
  // Gone with its lab: nothing is written (no file or directory is re-created).
  ctx.agent.files.clear();
  mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kFromState).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"read n2: " + kControl}));
  EXPECT_TRUE(ctx.agent.files.empty());
}

TEST(DiskFaults, FailedResetIsAnError) {
  FakeFaultContext ctx(3);
  ctx.agent.files[{"n2", kControl}] = "0\n";
  auto family = MakeDiskFaults();
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, SlowDisk("n2", 900), &f).ok());
  ctx.agent.FailNext(" = 0");
  Status s = family->Revert(&f, ctx, RevertMode::kLive);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(kControl), std::string::npos) << s.message();
  EXPECT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
}

TEST(DiskFaults, RefusalsWriteNothing) {
  FakeFaultContext ctx(3);
  auto family = MakeDiskFaults();
  ActiveFault f;
  Status range = PlanAndApply(*family, ctx, SlowDisk("n2", 600001), &f);
  EXPECT_EQ(range.code(), Code::kInvalidArgument);
  ctx.slow_wal = false;
  ActiveFault g;
  Status plain = PlanAndApply(*family, ctx, SlowDisk("n2", 1500), &g);
  EXPECT_EQ(plain.code(), Code::kFailedPrecondition);
  EXPECT_NE(plain.message().find("--slow-wal"), std::string::npos) << plain.message();
  EXPECT_TRUE(ctx.agent.calls.empty());
}

}  // namespace
}  // namespace raftlab::chaos
