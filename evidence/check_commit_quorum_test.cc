#include <gtest/gtest.h>

#include <random>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"
#include "evidence/quorum.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(Quorum, Sizes) {
  EXPECT_EQ(QuorumSize(1), 1u);
  EXPECT_EQ(QuorumSize(3), 2u);
  EXPECT_EQ(QuorumSize(4), 3u);
  EXPECT_EQ(QuorumSize(5), 3u);
  EXPECT_EQ(ToleratedFailures(3), 1u);
  EXPECT_EQ(ToleratedFailures(4), 1u);
  EXPECT_EQ(ToleratedFailures(5), 2u);
  EXPECT_EQ(QuorumIndex({8, 5, 5}), 5u);
  EXPECT_EQ(QuorumIndex({8, 7, 5}), 7u);
  EXPECT_EQ(QuorumIndex({}), 0u);
}

// The brute-force twin: sorting and counting agree on random match vectors.
TEST(Quorum, SortAndCountAgreeOnRandomMatches) {
  std::mt19937_64 rng(20240611);
  for (int round = 0; round < 20000; ++round) {
    const size_t n = rng() % 10;
    const uint64_t span = 1 + rng() % 30;
    std::vector<uint64_t> match(n);
    for (uint64_t& m : match) m = rng() % span;
    const uint64_t by_sort = QuorumIndex(match);
    ASSERT_EQ(by_sort, QuorumIndexByCount(match)) << "round " << round;
    // And the defining property: a quorum reaches it, no quorum reaches one more.
    size_t at = 0, above = 0;
    for (uint64_t m : match) {
      at += m >= by_sort;
      above += m >= by_sort + 1;
    }
    if (n > 0) {
      ASSERT_GE(at, QuorumSize(n));
      ASSERT_LT(above, QuorumSize(n));
    }
  }
}

TEST(CommitQuorum, AdvancesWithinQuorumMatchPass) {
  Verdict v = CheckCommitQuorum(GoodRun());
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: leader n1 (samples 0-6, t=0.000s-0.100s): 2 commit advances "
                          "up to 4, each within quorum match; each newly committed entry is of "
                          "term 2"))
      << Dump(v);
}

TEST(CommitQuorum, CommitAheadOfQuorumMatchFails) {
  evidence::Run run = GoodRun();
  run.logs["n1"].entries.push_back(Entry(5, 2, "put", "c", "4"));
  run.logs["n1"].entries.push_back(Entry(6, 2, "put", "c", "5"));
  run.samples.push_back(
      Sample(150, "n1", kN1, 2, "StateLeader", 6, kN1, {{kN1, 6}, {kN2, 4}, {kN3, 4}}));
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: leader n1 advanced commit 4 -> 6 at t=0.150s (sample 9) "
                          "beyond quorum match 4 (voters n1=6 n2=4 n3=4, quorum 2 of 3, "
                          "membership at t=0.000s)"))
      << Dump(v);
}

TEST(CommitQuorum, MatchFromAnEarlierSampleOfTheSameTermCounts) {
  evidence::Run run = GoodRun();
  // Sample without n2's progress: n2's match 4 from sample 6 still holds.
  run.logs["n1"].entries.push_back(Entry(5, 2, "put", "c", "4"));
  run.samples.push_back(Sample(150, "n1", kN1, 2, "StateLeader", 4, kN1, {{kN1, 5}}));
  run.samples.push_back(Sample(200, "n1", kN1, 2, "StateLeader", 5, kN1, {{kN1, 5}, {kN3, 5}}));
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
}

TEST(CommitQuorum, ANewLeaderJudgesAdvancesNotLevels) {
  evidence::Run run = GoodRun();
  // n3 leads term 3; its first sample's commit (4) came from its follower days, not judged.
  run.logs["n3"].entries.push_back(Entry(5, 3));
  run.samples.push_back(Sample(300, "n3", kN3, 3, "StateLeader", 4, kN3, {{kN3, 5}}));
  run.samples.push_back(
      Sample(350, "n3", kN3, 3, "StateLeader", 5, kN3, {{kN3, 5}, {kN1, 5}, {kN2, 0}}));
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 3: leader n3")) << Dump(v);
}

TEST(CommitQuorum, LearnerMatchDoesNotCount) {
  evidence::Run run = GoodRun();
  run.member_names[kN4] = "n4";
  run.memberships[0].learners = {"n4"};
  run.logs["n1"].entries.push_back(Entry(5, 2, "put", "c", "4"));
  run.samples.push_back(Sample(150, "n1", kN1, 2, "StateLeader", 5, kN1,
                               {{kN1, 5}, {kN2, 4}, {kN3, 4}, {kN4, 5}}));
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "beyond quorum match 4 (voters n1=5 n2=4 n3=4, quorum 2 of 3"))
      << Dump(v);
}

TEST(CommitQuorum, WithoutMembershipsProgressKeysAreTheVoters) {
  evidence::Run run = GoodRun();
  run.memberships.clear();
  run.logs["n1"].entries.push_back(Entry(5, 2, "put", "c", "4"));
  run.samples.push_back(
      Sample(150, "n1", kN1, 2, "StateLeader", 5, kN1, {{kN1, 5}, {kN2, 4}, {kN3, 4}}));
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "quorum 2 of 3, progress keys")) << Dump(v);
}

TEST(CommitQuorum, AChangeNearTheSampleIsJudgedWithEitherVoterSet) {
  evidence::Run run = GoodRun();
  run.member_names[kN4] = "n4";
  run.memberships[0].voters.push_back("n4");
  // n4 removed, recorded at t=0.460s; at t=0.450s the leader may already have applied it.
  MembershipRecord m;
  m.mono_ns = Ms(460);
  m.voters = {"n1", "n2", "n3"};
  run.memberships.push_back(m);
  run.logs["n3"].entries.push_back(Entry(5, 3));
  run.samples.push_back(Sample(400, "n3", kN3, 3, "StateLeader", 4, kN3, {{kN3, 5}}));
  run.samples.push_back(Sample(450, "n3", kN3, 3, "StateLeader", 5, kN3,
                               {{kN3, 5}, {kN1, 5}, {kN2, 4}, {kN4, 4}}));
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);

  // Had no record dropped n4, nothing would cover index 5.
  run.memberships[1].voters = run.memberships[0].voters;
  v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "beyond quorum match 4 (voters n1=5 n2=4 n3=5 n4=4, quorum 3 of 4"))
      << Dump(v);
}

TEST(CommitQuorum, CommitOfAPreviousTermEntryByCountFails) {
  evidence::Run run = GoodRun();
  // n2 holds (5, term 2), never committed in term 2; it leads term 3 and commits index 5
  // by counting replicas of the old entry, without any entry of term 3 on top.
  for (const char* m : {"n1", "n2", "n3"}) run.logs[m].entries.push_back(Entry(5, 2, "put", "x", "y"));
  run.samples.push_back(
      Sample(400, "n2", kN2, 3, "StateLeader", 4, kN2, {{kN2, 5}, {kN1, 4}, {kN3, 4}}));
  run.samples.push_back(
      Sample(450, "n2", kN2, 3, "StateLeader", 5, kN2, {{kN2, 5}, {kN1, 5}, {kN3, 5}}));
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 3: leader n2 committed index 5 whose entry (5, term 2, put x=y) is "
                          "of term 2 at t=0.450s (sample 10): commit of a previous-term entry "
                          "by count"))
      << Dump(v);
}

TEST(CommitQuorum, MissingWalIsUnknownNotOk) {
  evidence::Run run = GoodRun();
  run.logs.clear();
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "no decoded WAL for n1, current-term rule not judged")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "current-term rule judged on 0 of them")) << Dump(v);
}

TEST(CommitQuorum, NoAdvanceIsUnknown) {
  evidence::Run run = GoodRun();
  run.samples.resize(1);
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "no leader's commit advanced")) << Dump(v);
}

}  // namespace
}  // namespace raftlab::evidence
