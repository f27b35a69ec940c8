#include <gtest/gtest.h>

#include "evidence/checkers.h"
#include "evidence/msg_test_util.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

// Elected3 with the journal's clock placed on the capture's (capture ms 0 = mono Ms(0)) and n1's
// fsync count read at the given capture times (ms).
evidence::Run WithFsyncReadings(std::vector<std::pair<int64_t, double>> readings) {
  evidence::Run run = MsgRun(3, Elected3());
  run.wall_minus_mono_ns = WireMs(0) - Ms(0);
  for (const auto& [ms, count] : readings) {
    RaftSample s = Sample(ms, "n1", kN1, 2, "StateLeader", 5, kN1);
    s.metrics["wal_fsync_duration_seconds_count"] = count;
    run.samples.push_back(s);
  }
  return run;
}

// Entry 5 is first sent at 10 ms and committed at 14 ms with n2's ack alone: n1's copy counted.
// No fsync completed between a reading before the append and one after the commit.
TEST(MsgDurableCopies, ACommitOnTheLeadersUnsyncedCopyIsReported) {
  Verdict v = CheckMsgDurableCopies(WithFsyncReadings({{5, 18}, {505, 18}}));
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);   // evidence, never a violation
  EXPECT_EQ(v.judged, 2u) << Dump(v);                 // the advances to 4 and 5
  EXPECT_TRUE(Mentions(v, "examined 2 commit advances on the wire: 1 needed the leader's own copy")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "0 with an fsync seen before the commit, 1 not fsynced at the commit")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1 -> n2 MsgApp term 2 index 5 logterm 2 entries [] commit 5: 1 follower ack(s) at 5, "
                          "quorum 2: needed n1's own copy; NOT fsynced at the commit: count 18")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "granularity: the leaders' fsync counts were read every ~500 ms")) << Dump(v);
}

TEST(MsgDurableCopies, AnFsyncBetweenAppendAndCommitOrUndecided) {
  Verdict before = CheckMsgDurableCopies(WithFsyncReadings({{5, 18}, {12, 19}, {505, 20}}));
  EXPECT_TRUE(Mentions(before, "1 with an fsync seen before the commit")) << Dump(before);
  Verdict undecided = CheckMsgDurableCopies(WithFsyncReadings({{5, 18}, {505, 19}}));
  EXPECT_TRUE(Mentions(undecided, "1 undecided")) << Dump(undecided);
  Verdict none = CheckMsgDurableCopies(WithFsyncReadings({}));
  EXPECT_EQ(none.validity, Validity::kOk) << Dump(none);
  EXPECT_TRUE(Mentions(none, "1 without fsync evidence")) << Dump(none);
}

TEST(MsgDurableCopies, UnknownWithoutCaptureNotApplicableWithoutAdvances) {
  evidence::Run run = MsgRun(3, {});
  EXPECT_EQ(CheckMsgDurableCopies(run).validity, Validity::kNotApplicable);
  run.messages.reset();
  Verdict v = CheckMsgDurableCopies(run);
  EXPECT_EQ(v.validity, Validity::kUnknown);
  EXPECT_TRUE(Mentions(v, "no messages.jsonl: run without --capture")) << Dump(v);
}

// Registered, and never among the requirements `check run` applies by default.
TEST(MsgDurableCopies, NeverRequiredByDefault) {
  bool found = false;
  for (const CheckerInfo& c : AllCheckers()) {
    if (std::string(c.name) != "msg_durable_copies") continue;
    found = true;
    EXPECT_FALSE(c.required_by_default);
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace raftlab::evidence
