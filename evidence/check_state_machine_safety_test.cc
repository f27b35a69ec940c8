#include <gtest/gtest.h>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(StateMachineSafety, AgreeingCommittedLogsAndHashesPass) {
  Verdict v = CheckStateMachineSafety(GoodRun());
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "judged 4 committed indexes held by two or more members (8 (index, member) "
                          "pairs agree) and 2 HashKV comparisons, all equal"))
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "HashKV at revision 4 on all 3 members present at the end: n1 12345 (applied 4)"))
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3: committed 1-4 (hard state commit 4)")) << Dump(v);
}

TEST(StateMachineSafety, DifferentUncommittedEntriesPass) {
  evidence::Run run = GoodRun();
  run.logs["n1"].entries.push_back(Entry(5, 2, "put", "x", "1"));
  run.logs["n2"].entries.push_back(Entry(5, 3));
  EXPECT_EQ(CheckStateMachineSafety(run).validity, Validity::kOk);
}

TEST(StateMachineSafety, DivergentCommittedEntriesFail) {
  evidence::Run run = GoodRun();
  run.logs["n3"].entries[3] = Entry(4, 3, "put", "a", "9");
  Verdict v = CheckStateMachineSafety(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "index 4 committed differently: n1 (4, term 2, put a=3) vs "
                          "n3 (4, term 3, put a=9)"))
      << Dump(v);
}

TEST(StateMachineSafety, DifferentHashKvAtOneRevisionFails) {
  evidence::Run run = GoodRun();
  run.hashkvs[2].hash = 777;
  Verdict v = CheckStateMachineSafety(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "HashKV at revision 4 (compact 0) differs: n1 12345 (t=0.200s) vs "
                          "n3 777 (t=0.200s)"))
      << Dump(v);
}

TEST(StateMachineSafety, DifferentCompactRevisionsAreNotCompared) {
  evidence::Run run = GoodRun();
  run.hashkvs[2].hash = 777;
  run.hashkvs[2].compact_revision = 3;
  EXPECT_EQ(CheckStateMachineSafety(run).validity, Validity::kOk);
}

TEST(StateMachineSafety, NothingToCompareIsUnknown) {
  evidence::Run run = GoodRun();
  run.hashkvs.clear();
  run.logs.erase("n2");
  run.logs.erase("n3");
  EXPECT_EQ(CheckStateMachineSafety(run).validity, Validity::kUnknown);
}

TEST(StateMachineSafety, NoFinalHashKvIsUnknownEvenWhenLogsAgree) {
  evidence::Run run = GoodRun();
  run.hashkvs.clear();
  Verdict v = CheckStateMachineSafety(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "no HashKV at one revision on every member present at the end (n1,n2,n3; 0 "
                          "HashKV records)"))
      << Dump(v);
}

TEST(StateMachineSafety, HashKvMissingOneMemberIsUnknown) {
  evidence::Run run = GoodRun();
  run.hashkvs.pop_back();
  EXPECT_EQ(CheckStateMachineSafety(run).validity, Validity::kUnknown);
}

}  // namespace
}  // namespace raftlab::evidence
