#include <gtest/gtest.h>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(ElectionSafety, OneLeaderPerTermPasses) {
  Verdict v = CheckElectionSafety(GoodRun());
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: leader n1 (own samples 0-6, t=0.000s-0.100s); votes for n1: n1,n2,n3"))
      << Dump(v);
  EXPECT_EQ(v.judged, 1u);
  EXPECT_TRUE(Mentions(v, "judged 1 of 1 terms: one leader each (own leader samples; 3 distinct WAL "
                          "votes, none doubled, majority 2); 6 follower lead fields agree"))
      << Dump(v);
}

TEST(ElectionSafety, TwoLeadersInOneTermFail) {
  evidence::Run run = GoodRun();
  run.samples.push_back(Sample(3250, "n3", kN3, 2, "StateLeader", 4, kN3, {{kN3, 4}}));
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: 2 leaders by their own samples: n1 (own samples 0-6, "
                          "t=0.000s-0.100s) and n3 (own samples 9-9, t=3.250s-3.250s)"))
      << Dump(v);
}

TEST(ElectionSafety, FollowerNamingAnotherLeaderFails) {
  evidence::Run run = GoodRun();
  // n2 says, in term 2, that n3 leads, while n1's own samples led term 2.
  run.samples.push_back(Sample(400, "n2", kN2, 2, "StateFollower", 4, kN3));
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: n2 follows n3 (sample 9, t=0.400s) but n1")) << Dump(v);
}

TEST(ElectionSafety, StaleFollowerLeadDoesNotExtendALeadersTerm) {
  evidence::Run run = GoodRun();
  // n3, partitioned, still names n1 for term 2 long after; n1 leads term 3 meanwhile.
  run.samples.push_back(Sample(600, "n1", kN1, 3, "StateLeader", 5, kN1, {{kN1, 5}}));
  run.samples.push_back(Sample(9000, "n3", kN3, 2, "StateFollower", 4, kN1));
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: leader n1 (own samples 0-6, t=0.000s-0.100s)")) << Dump(v);
}

TEST(ElectionSafety, RepeatedHardStatesAreOneVote) {
  evidence::Run run = GoodRun();
  run.logs["n2"].hard_states = {{2, kN1, 1}, {2, kN1, 2}, {2, kN1, 3}, {2, kN1, 4}};
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "3 distinct WAL votes")) << Dump(v);
}

TEST(ElectionSafety, TwoMajoritiesOfVotesInOneTermFail) {
  evidence::Run run = GoodRun();
  run.samples.clear();
  run.logs["n1"].hard_states = {{5, kN1, 4}};
  run.logs["n2"].hard_states = {{5, kN1, 4}};
  run.logs["n3"].hard_states = {{5, kN3, 4}};
  run.logs["n4"].hard_states = {{5, kN3, 4}};
  run.memberships.front().voters = {"n1", "n2", "n3"};   // majority 2
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 5: n1 and n3 each hold a majority (2) of the WALs' votes")) << Dump(v);
}

TEST(ElectionSafety, LeaderKnownOnlyFromVotesIsJudged) {
  evidence::Run run = GoodRun();
  run.samples.clear();
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: no sample caught its leader; votes for n1: n1,n2,n3")) << Dump(v);
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
  run.logs.clear();
  Verdict v = CheckElectionSafety(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
}

}  // namespace
}  // namespace raftlab::evidence
