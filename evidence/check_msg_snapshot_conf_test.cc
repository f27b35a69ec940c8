#include <gtest/gtest.h>

#include "evidence/checkers.h"
#include "evidence/conf_test_util.h"
#include "evidence/msg_test_util.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(MsgSnapshotConf, ASnapshotOfTheConfigurationInForcePasses) {
  Verdict v = CheckMsgSnapshotConf(MsgRun(3, {Snap(0, 1, 2, 8, 5414, 8, {kN1, kN2, kN3})}));
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 1u);
  EXPECT_TRUE(Mentions(v, "ConfState voters {n1,n2,n3}")) << Dump(v);
}

TEST(MsgSnapshotConf, NotApplicableWithoutMsgSnapUnknownWithoutCapture) {
  EXPECT_EQ(CheckMsgSnapshotConf(MsgRun(3, Elected3())).validity, Validity::kNotApplicable);
  evidence::Run none = MsgRun(3, {});
  none.messages.reset();
  Verdict v = CheckMsgSnapshotConf(none);
  EXPECT_EQ(v.validity, Validity::kUnknown);
  EXPECT_TRUE(Mentions(v, "no messages.jsonl: run without --capture")) << Dump(v);
}

TEST(MsgSnapshotConf, AMsgSnapWithWrongVotersIsViolated) {
  Verdict v = CheckMsgSnapshotConf(MsgRun(3, {Snap(0, 1, 2, 8, 5414, 8, {kN1, kN2})}));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1 -> n2 MsgSnap term 8 snap index 5414 term 8 voters n1,n2: its ConfState is voters "
                          "{n1,n2}, the configuration in force at index 5414 is voters {n1,n2,n3}")) << Dump(v);
}

// From the WALs: n4 joined at index 7, so a snapshot at 8 must list it; one at 6 must not.
TEST(MsgSnapshotConf, TheConfigurationComesFromTheWals) {
  evidence::Run run = BootstrappedRun();
  AppendCommitted(&run, {"n1", "n2", "n3"}, {Conf(7, 2, "AddNode", kN4, "n4"), Entry(8, 2, "put", "c", "3")});
  run.messages = std::vector<WireMessage>{Snap(0, 1, 4, 2, 8, 2, {kN1, kN2, kN3}), Snap(1, 1, 4, 2, 6, 2, {kN1, kN2, kN3})};
  Verdict v = CheckMsgSnapshotConf(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_EQ(v.judged, 2u);
  EXPECT_TRUE(Mentions(v, "in force at index 8 is voters {n1,n2,n3,n4}")) << Dump(v);
  EXPECT_FALSE(Mentions(v, "in force at index 6 is")) << Dump(v);
}

}  // namespace
}  // namespace raftlab::evidence
