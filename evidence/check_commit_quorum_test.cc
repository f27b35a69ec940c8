#include <gtest/gtest.h>

#include <random>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"
#include "evidence/conf_test_util.h"
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

// n2 takes over in term 3: its log and n1's and n3's get (7, term 2, put c=3), never committed
// in term 2, then n2's no-op (8, term 3). n2 campaigned with commit 6.
evidence::Run TakeoverRun(uint64_t first_leader_commit) {
  evidence::Run run = BootstrappedRun();
  for (const char* m : {"n1", "n2", "n3"}) {
    run.logs[m].entries.push_back(Entry(7, 2, "put", "c", "3"));
    run.logs[m].entries.push_back(Entry(8, 3));
  }
  run.logs["n2"].hard_states.push_back({3, kN2, 6});   // campaign
  for (const char* m : {"n1", "n2", "n3"}) run.logs[m].hard_states.push_back({3, kN2, 8});
  run.samples.push_back(Sample(200, "n2", kN2, 3, "StateLeader", first_leader_commit, kN2,
                               {{kN2, 8}, {kN1, 8}, {kN3, 7}}));
  return run;
}

// n1 leads term 2 past a ConfChange at 7 and advances its commit to `commit` at t=100ms.
evidence::Run ChangeRun(const LogEntry& change, uint64_t commit,
                        std::map<uint64_t, uint64_t> progress) {
  evidence::Run run = BootstrappedRun();
  AppendCommitted(&run, {"n1", "n2", "n3"}, {change, Entry(8, 2, "put", "c", "3")});
  run.samples.push_back(Sample(100, "n1", kN1, 2, "StateLeader", commit, kN1, std::move(progress)));
  return run;
}

TEST(CommitQuorum, AdvancesWithinQuorumMatchPass) {
  Verdict v = CheckCommitQuorum(GoodRun());
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 2u);
  EXPECT_EQ(v.of, 2u);
  EXPECT_EQ(v.unit, "commit advances");
  ASSERT_FALSE(v.evidence.empty());
  EXPECT_EQ(v.evidence[0], "judged 2 of 2 commit advances of leader n1 (term 2); a move from c1 "
                           "to c2 between samples counts as one judged step; 0 earlier-term "
                           "entries committed indirectly")
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: leader n1 (samples 0-6, t=0.000s-0.100s): judged 2 of 2 commit "
                          "advances up to 4, each judged one within quorum match and ending on "
                          "an entry of term 2"))
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
  EXPECT_TRUE(Mentions(v, "term 2: leader n1 advanced commit 4 -> 6 at t=0.150s (sample 9) beyond "
                          "quorum match 4 (voters n1=6 n2=4 n3=4, quorum 2 of 3, initial "
                          "configuration (the lab's first membership record"))
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
  EXPECT_EQ(v.judged, 3u);
}

TEST(CommitQuorum, ANewLeaderJudgesAdvancesNotLevels) {
  evidence::Run run = GoodRun();
  // n3 leads term 3; its first sample's commit (4) is where it stood as a follower.
  run.logs["n3"].entries.push_back(Entry(5, 3));
  run.samples.push_back(Sample(300, "n3", kN3, 3, "StateLeader", 4, kN3, {{kN3, 5}}));
  run.samples.push_back(
      Sample(350, "n3", kN3, 3, "StateLeader", 5, kN3, {{kN3, 5}, {kN1, 5}, {kN2, 0}}));
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 3u);
  EXPECT_TRUE(Mentions(v, "term 3: leader n3 (samples 9-10, t=0.300s-0.350s): judged 1 of 1"))
      << Dump(v);
}

TEST(CommitQuorum, TheFirstAdvanceOfATermIsJudgedAndItsIndirectCommitsReported) {
  Verdict v = CheckCommitQuorum(TakeoverRun(8));
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 3u);
  EXPECT_EQ(v.of, 3u);
  EXPECT_EQ(v.evidence[0], "judged 3 of 3 commit advances of leaders n1 (term 2), n2 (term 3); a "
                           "move from c1 to c2 between samples counts as one judged step; 1 "
                           "earlier-term entries committed indirectly")
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 3: leader n2 committed (7, term 2, put c=3) indirectly in the step "
                          "commit 6 -> 8 at t=0.200s (sample 4), carried by (8, term 3, noop), its "
                          "first entry of term 3"))
      << Dump(v);
}

TEST(CommitQuorum, AFirstAdvanceEndingOnAnEarlierTermEntryIsViolated) {
  // n2 campaigned with commit 6 and, as leader, reached 7: an entry of term 2, by count.
  Verdict v = CheckCommitQuorum(TakeoverRun(7));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 3: leader n2 committed index 7 whose entry (7, term 2, put c=3) is "
                          "of term 2 at t=0.200s (sample 4): commit of a previous-term entry by "
                          "count"))
      << Dump(v);
}

TEST(CommitQuorum, AFirstSampleCommitLearntAsAFollowerIsNotTheLeaders) {
  // n2 already knew 7 committed when it campaigned.
  evidence::Run run = TakeoverRun(7);
  run.logs["n2"].hard_states[3].commit = 7;
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.of, 2u);
  EXPECT_TRUE(Mentions(v, "term 3: leader n2 (samples 4-4, t=0.200s-0.200s): commit stayed at 7 "
                          "while it led, no advance of its own"))
      << Dump(v);
}

TEST(CommitQuorum, AnUndecidableFirstSampleIsCountedNotJudged) {
  // Without n2's campaign hard state nothing tells whether 7 came from term 2 or by count.
  evidence::Run run = TakeoverRun(7);
  run.logs["n2"].hard_states.resize(3);   // only those of terms 1 and 2
  run.samples.back().progress.erase(kN3);
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.judged, 2u);
  EXPECT_EQ(v.of, 3u);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 3: leader n2 commit 6 -> 7 at t=0.200s (sample 4): its first "
                          "sample as leader; commit 7 may be from its follower days or its own"))
      << Dump(v);
}

TEST(CommitQuorum, ALearnersMatchNeverHelpsACommit) {
  // Only n1 and the learner n4 hold 8: no majority of the voters n1 n2 n3.
  evidence::Run run = ChangeRun(Conf(7, 2, "AddLearnerNode", kN4, "n4", true), 8,
                                {{kN1, 8}, {kN2, 7}, {kN3, 7}, {kN4, 8}});
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: leader n1 advanced commit 6 -> 8 at t=0.100s (sample 4) beyond "
                          "quorum match 7 (voters n1=8 n2=7 n3=7, quorum 2 of 3; learner n4=8 not "
                          "counted, configuration after (7, term 2, conf AddLearnerNode n4 "
                          "learner))"))
      << Dump(v);
}

TEST(CommitQuorum, ACommitCoveredOnlyByTheOldVoterSetIsViolatedUnderTheNewOne) {
  // n4 was added as a voter at 7 and n1's progress lists it: 4 voters, quorum 3, only 2 hold 8.
  evidence::Run run = ChangeRun(Conf(7, 2, "AddNode", kN4, "n4"), 8,
                                {{kN1, 8}, {kN2, 8}, {kN3, 5}, {kN4, 0}});
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "beyond quorum match 5 (voters n1=8 n2=8 n3=5 n4=0, quorum 3 of 4, "
                          "configuration after (7, term 2, conf AddNode n4))"))
      << Dump(v);

  // The ConfChange's own index is decided by the voters before it.
  run = ChangeRun(Conf(7, 2, "AddNode", kN4, "n4"), 7, {{kN1, 7}, {kN2, 7}, {kN3, 5}, {kN4, 0}});
  v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 3u);
}

TEST(CommitQuorum, ALeaderThatHasNotAppliedTheChangeCountsTheOldVoters) {
  // n1's progress does not list n4 yet: it had not applied the add, so n1 n2 n3 decided 8.
  evidence::Run run = ChangeRun(Conf(7, 2, "AddNode", kN4, "n4"), 8, {{kN1, 8}, {kN2, 8}, {kN3, 5}});
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);

  // A removal: n3 is gone from the progress, so {n1,n2} decided 8 and n2 held only 6.
  run = ChangeRun(Conf(7, 2, "RemoveNode", kN3, "n3"), 8, {{kN1, 8}, {kN2, 5}});
  v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "beyond quorum match 6 (voters n1=8 n2=6, quorum 2 of 2, configuration after (7, term 2, conf RemoveNode n3))")) << Dump(v);
  // Still listed: not applied, the old set decided, and n1 n3 cover 8.
  run = ChangeRun(Conf(7, 2, "RemoveNode", kN3, "n3"), 8, {{kN1, 8}, {kN2, 5}, {kN3, 8}});
  v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
}

TEST(CommitQuorum, AnAdvanceWhoseVoterSetIsUnknownIsNotJudged) {
  evidence::Run run = GoodRun();
  run.memberships.clear();   // logs without bootstrap entries and no record: no voter set
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_EQ(v.judged, 0u);
  EXPECT_EQ(v.of, 2u);
  EXPECT_TRUE(Mentions(v, "term 2: leader n1 commit 1 -> 3 at t=0.050s (sample 3): voter set for "
                          "index 3 unknown (the logs start at index 1 without bootstrap ConfChange "
                          "entries and the journal has no membership record)"))
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

TEST(CommitQuorum, CommitGoingDownInATermFails) {
  evidence::Run run = GoodRun();
  run.samples.push_back(Sample(150, "n1", kN1, 2, "StateLeader", 3, kN1, {{kN1, 4}}));
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: leader n1: commit went down 4 -> 3 at t=0.150s (sample 9)"))
      << Dump(v);
}

TEST(CommitQuorum, MissingWalIsUnknownNotOk) {
  evidence::Run run = GoodRun();
  run.logs.clear();
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_EQ(v.judged, 0u);
}

TEST(CommitQuorum, EmptyInputsAreNeverOk) {
  evidence::Run run = GoodRun();
  run.samples.clear();
  Verdict v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "no samples at all")) << Dump(v);

  run = GoodRun();
  for (RaftSample& s : run.samples) s.state = "StateFollower";
  EXPECT_EQ(CheckCommitQuorum(run).validity, Validity::kUnknown);

  // A leader whose commit never moved of its own: nothing the property speaks about.
  run = GoodRun();
  run.samples.resize(1);
  v = CheckCommitQuorum(run);
  EXPECT_EQ(v.validity, Validity::kNotApplicable) << Dump(v);
  EXPECT_TRUE(Mentions(v, "no leader's commit index advanced while it was sampled")) << Dump(v);
}

}  // namespace
}  // namespace raftlab::evidence
