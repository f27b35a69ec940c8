#include <gtest/gtest.h>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(ElectionSafety, OneLeaderPerTermPasses) {
  Verdict v = CheckElectionSafety(GoodRun());
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: leader n1 (samples 0-8, t=0.000s-0.110s, followed by n2,n3)"))
      << Dump(v);
}

TEST(ElectionSafety, TwoLeadersInOneTermFail) {
  evidence::Run run = GoodRun();
  run.samples.push_back(Sample(3250, "n3", kN3, 2, "StateLeader", 4, kN3, {{kN3, 4}}));
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: 2 leaders n1 (t=0.000s, sample 0, own state) and "
                          "n3 (t=3.250s, sample 9, own state)"))
      << Dump(v);
}

TEST(ElectionSafety, FollowerLeadCountsAsAClaim) {
  evidence::Run run = GoodRun();
  // n2 says, in term 2, that n3 leads: n1 and n3 both claimed for term 2.
  run.samples.push_back(Sample(400, "n2", kN2, 2, "StateFollower", 4, kN3));
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3 (t=0.400s, sample 9, lead of n2)")) << Dump(v);
}

TEST(ElectionSafety, LeadersOfDifferentTermsPass) {
  evidence::Run run = GoodRun();
  run.samples.push_back(Sample(500, "n3", kN3, 3, "StateLeader", 5, kN3, {{kN3, 5}}));
  run.samples.push_back(Sample(505, "n1", kN1, 3, "StateFollower", 5, kN3));
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 3: leader n3")) << Dump(v);
}

TEST(ElectionSafety, DoubleVoteInWalFails) {
  evidence::Run run = GoodRun();
  run.logs["n2"].hard_states = {{4, kN1, 4}, {4, kN3, 4}};
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 4: n2 voted for n1 and n3 (WAL hard states)")) << Dump(v);
}

TEST(ElectionSafety, NoLeaderIsUnknown) {
  evidence::Run run = GoodRun();
  run.samples.clear();
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
}

}  // namespace
}  // namespace raftlab::evidence
