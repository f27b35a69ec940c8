#include <gtest/gtest.h>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(TermMonotonic, RisingTermsPass) {
  evidence::Run run = GoodRun();
  run.samples.push_back(Sample(500, "n2", kN2, 3, "StateCandidate", 4, 0));
  Verdict v = CheckTermMonotonic(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n2: samples term 2 -> 3 over 4 samples, 1 increases")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1: WAL hard states term 2 -> 2 over 2 records")) << Dump(v);
}

TEST(TermMonotonic, TermGoingDownFails) {
  evidence::Run run = GoodRun();
  run.samples.push_back(Sample(500, "n2", kN2, 5, "StateFollower", 4, 0));
  run.samples.push_back(Sample(3201, "n2", kN2, 4, "StateFollower", 4, 0));   // after a restart
  Verdict v = CheckTermMonotonic(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n2: term went down 5 -> 4 between sample 9 (t=0.500s) and "
                          "sample 10 (t=3.201s)"))
      << Dump(v);
}

TEST(TermMonotonic, WalHardStateTermGoingDownFails) {
  evidence::Run run = GoodRun();
  run.logs["n3"].hard_states = {{2, kN1, 1}, {3, 0, 2}, {2, kN1, 4}};
  Verdict v = CheckTermMonotonic(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3: WAL hard state term went down 3 -> 2 at hard state 2 of 3"))
      << Dump(v);
}

TEST(TermMonotonic, ANewIncarnationStartsAfresh) {
  evidence::Run run = GoodRun();
  // n3 removed, then added again under the same name: new id, empty log, term 0 at first.
  run.samples.push_back(Sample(5000, "n3", kN5, 0, "StateFollower", 0, 0));
  run.samples.push_back(Sample(5050, "n3", kN5, 2, "StateFollower", 4, kN1));
  Verdict v = CheckTermMonotonic(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3 (id 5e): samples term 0 -> 2 over 2 samples")) << Dump(v);
  // Same id, i.e. a restart with its data: the drop is a violation.
  run.samples[9].id = kN3;
  run.samples[10].id = kN3;
  EXPECT_EQ(CheckTermMonotonic(run).validity, Validity::kViolated);
}

TEST(TermMonotonic, NothingToJudgeIsUnknown) {
  Verdict v = CheckTermMonotonic(evidence::Run{});
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
}

}  // namespace
}  // namespace raftlab::evidence
