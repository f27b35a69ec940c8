#include <gtest/gtest.h>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(LogMatching, IdenticalLogsPass) {
  Verdict v = CheckLogMatching(GoodRun());
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1,n2: equal on 1-4 (last common (index, term) = (4, 2))")) << Dump(v);
}

TEST(LogMatching, DivergentUncommittedTailsPass) {
  evidence::Run run = GoodRun();
  run.logs["n1"].entries.push_back(Entry(5, 2, "put", "old", "x"));
  run.logs["n2"].entries.push_back(Entry(5, 3));
  Verdict v = CheckLogMatching(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1,n2: equal on 1-4 (last common (index, term) = (4, 2)); terms differ "
                          "above it"))
      << Dump(v);
}

TEST(LogMatching, DivergentEntriesAtOneIndexAndTermFail) {
  evidence::Run run = GoodRun();
  run.logs["n3"].entries[2] = Entry(3, 2, "put", "b", "999");
  Verdict v = CheckLogMatching(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "(index 3, term 2) holds different entries: n1 (3, term 2, put b=2) vs "
                          "n3 (3, term 2, put b=999)"))
      << Dump(v);
}

TEST(LogMatching, UnequalPrefixBelowACommonEntryFails) {
  evidence::Run run = GoodRun();
  // n3 agrees on (4, 2) but holds another term at index 2.
  run.logs["n3"].entries[1] = Entry(2, 1, "put", "a", "1");
  Verdict v = CheckLogMatching(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1,n3: both hold (4, term 2) but differ below it at index 2: "
                          "n1 (2, term 2, put a=1) vs n3 (2, term 1, put a=1)"))
      << Dump(v);
}

TEST(LogMatching, DiscardedEntriesCountToo) {
  evidence::Run run = GoodRun();
  Truncation t;
  t.at_index = 4;
  t.discarded = {Entry(4, 2, "put", "a", "other")};
  t.replaced_by = Entry(4, 2, "put", "a", "3");
  run.logs["n2"].truncations.push_back(t);
  Verdict v = CheckLogMatching(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n2 (discarded by replay) (4, term 2, put a=other)")) << Dump(v);
}

TEST(LogMatching, SnapshotStartedLogComparesOnlyTheOverlap) {
  evidence::Run run = GoodRun();
  run.logs["n3"] = Log({Entry(3, 2, "put", "b", "2"), Entry(4, 2, "put", "a", "3")}, {{2, kN1, 4}});
  Verdict v = CheckLogMatching(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1,n3: equal on 3-4")) << Dump(v);
}

TEST(LogMatching, OkCountsTheComparedCommittedIndexes) {
  Verdict v = CheckLogMatching(GoodRun());
  ASSERT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, v.of) << Dump(v);
  EXPECT_GE(v.judged, 1u);
  EXPECT_EQ(v.evidence[0].rfind("judged " + std::to_string(v.judged) + " of ", 0), 0u) << Dump(v);
}

TEST(LogMatching, LogsThatDoNotOverlapJudgeNothing) {
  evidence::Run run = GoodRun();
  run.logs.erase("n3");
  run.logs["n2"] = Log({Entry(7, 2, "put", "z", "1"), Entry(8, 2, "put", "z", "2")}, {{2, kN1, 8}});
  run.logs["n2"].entries.front().index = 7;
  Verdict v = CheckLogMatching(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_EQ(v.judged, 0u);
  EXPECT_TRUE(Mentions(v, "judged nothing")) << Dump(v);
}

TEST(LogMatching, CrcMismatchInTheMiddleIsUnknownWithTheOffset) {
  evidence::Run run = GoodRun();
  run.logs["n2"].problems.push_back(
      {"0000000000000000-0000000000000000.wal", 4096, "crc mismatch in entry record: want 0x1, got 0x2"});
  Verdict v = CheckLogMatching(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n2: crc mismatch in entry record: want 0x1, got 0x2 "
                          "(0000000000000000-0000000000000000.wal @ 4096)"))
      << Dump(v);
}

TEST(LogMatching, WalProblemsDoNotHideAViolation) {
  evidence::Run run = GoodRun();
  run.logs["n3"].entries[2] = Entry(3, 2, "put", "b", "999");
  run.logs["n2"].problems.push_back({"x.wal", 8, "torn record"});
  Verdict v = CheckLogMatching(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "WAL problem: n2: torn record (x.wal @ 8)")) << Dump(v);
}

TEST(LogMatching, OneLogIsUnknown) {
  evidence::Run run = GoodRun();
  run.logs.erase("n2");
  run.logs.erase("n3");
  EXPECT_EQ(CheckLogMatching(run).validity, Validity::kUnknown);
}

}  // namespace
}  // namespace raftlab::evidence
