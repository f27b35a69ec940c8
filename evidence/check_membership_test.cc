#include <gtest/gtest.h>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"
#include "evidence/conf_test_util.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

MembershipRecord Members(int64_t ms, std::vector<std::string> voters,
                         std::vector<std::string> learners = {}) {
  MembershipRecord m;
  m.mono_ns = Ms(ms);
  m.voters = std::move(voters);
  m.learners = std::move(learners);
  return m;
}

// 3 -> 5 voters one learner at a time, then n5 removed: the shape of the membership scenario.
evidence::Run GrowRun() {
  evidence::Run run = BootstrappedRun();
  AppendCommitted(&run, {"n1", "n2", "n3"},
                  {Conf(7, 2, "AddLearnerNode", kN4, "n4", true), Entry(8, 2, "put", "c", "3"),
                   Conf(9, 2, "AddNode", kN4, "n4", false, true),
                   Conf(10, 2, "AddLearnerNode", kN5, "n5", true),
                   Conf(11, 2, "AddNode", kN5, "n5", false, true),
                   Conf(12, 2, "RemoveNode", kN5, "n5"), Entry(13, 2, "put", "d", "4")});
  run.logs["n4"] = run.logs["n1"];
  run.memberships = {Members(0, {"n1", "n2", "n3"}), Members(1000, {"n1", "n2", "n3"}, {"n4"}),
                     Members(2000, {"n1", "n2", "n3", "n4"}),
                     Members(3000, {"n1", "n2", "n3", "n4"}, {"n5"}),
                     Members(4000, {"n1", "n2", "n3", "n4", "n5"}),
                     Members(5000, {"n1", "n2", "n3", "n4"})};
  return run;
}

TEST(Membership, NoChangeBeyondTheBootstrapIsNotApplicable) {
  Verdict v = CheckMembership(BootstrappedRun());
  EXPECT_EQ(v.validity, Validity::kNotApplicable) << Dump(v);
  ASSERT_FALSE(v.evidence.empty());
  EXPECT_EQ(v.evidence[0].rfind("no membership change in this run: the initial 3 voters held "
                                "throughout (judged 0 of 0 ConfChange entries",
                                0),
            0u)
      << Dump(v);
  EXPECT_EQ(v.judged, 0u);
  EXPECT_EQ(CheckMembership(GoodRun()).validity, Validity::kNotApplicable);
}

TEST(Membership, LearnersAddedThenPromotedOneVoterAtATimePass) {
  Verdict v = CheckMembership(GrowRun());
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 5u);
  EXPECT_EQ(v.of, 5u);
  EXPECT_EQ(v.unit, "ConfChange entries");
  EXPECT_EQ(v.evidence[0].rfind("judged 5 of 5 ConfChange entries beyond the initial "
                                "configuration (voters {n1,n2,n3}, bootstrap ConfChange entries "
                                "at 1-3) on 4 members' WALs, 8 ConfChange indexes compared",
                                0),
            0u)
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "ConfChange (9, term 2, conf AddNode n4 promote): promotes learner n4 "
                          "(added as a learner at index 7) -> voters {n1,n2,n3,n4} (1 voter moved)"))
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "ConfChange (12, term 2, conf RemoveNode n5): removes voter n5 -> "
                          "voters {n1,n2,n3,n4} (1 voter moved)"))
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "lab record: step 2 at t=2.000s: +n4 -> {n1,n2,n3,n4} (4 voters, "
                          "quorum 3, tolerates 1 failures); overlap 2 + 3 > |old ∪ new| = 4"))
      << Dump(v);
}

TEST(Membership, AMemberWhoseWalLacksAConfChangeTheOthersAppliedIsViolated) {
  evidence::Run run = BootstrappedRun();
  AppendCommitted(&run, {"n1", "n2"}, {Conf(7, 2, "AddLearnerNode", kN4, "n4", true), Entry(8, 2)});
  AppendCommitted(&run, {"n3"}, {Entry(7, 2, "put", "x", "y"), Entry(8, 2)});
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3's committed log lacks ConfChange (7, term 2, conf AddLearnerNode n4 "
                          "learner) that n1,n2 applied: it holds (7, term 2, put x=y) at index 7"))
      << Dump(v);
}

TEST(Membership, AMemberHoldingADifferentConfChangeIsViolated) {
  evidence::Run run = BootstrappedRun();
  AppendCommitted(&run, {"n1", "n2"}, {Conf(7, 2, "AddLearnerNode", kN4, "n4", true)});
  AppendCommitted(&run, {"n3"}, {Conf(7, 2, "AddLearnerNode", kN5, "n5", true)});
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3's committed log lacks ConfChange (7, term 2, conf AddLearnerNode n4 "
                          "learner) that n1,n2 applied: it holds (7, term 2, conf AddLearnerNode "
                          "n5 learner)"))
      << Dump(v);
}

TEST(Membership, AMemberWhoseLogEndsBeforeAChangeIsNotBlamed) {
  evidence::Run run = GrowRun();
  // n5 was captured before its removal: its log ends at 11.
  run.logs["n5"] = run.logs["n1"];
  run.logs["n5"].entries.resize(11);
  run.logs["n5"].hard_states.back().commit = 11;
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n5's committed log ends at 11, before the ConfChange entries at 12 "
                          "(removed or stopped before them): not judged there"))
      << Dump(v);
}

TEST(Membership, TwoPendingConfChangesAreViolated) {
  evidence::Run run = GrowRun();
  // n1's sample shows ConfChange 10 in its log (last index 10) while it had applied only 8,
  // below the ConfChange at 9.
  RaftSample s = Sample(60, "n1", kN1, 2, "StateLeader", 8, kN1, {{kN1, 10}, {kN2, 8}, {kN3, 8}});
  s.applied = 8;
  run.samples.push_back(s);
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "two ConfChanges pending: n1, leader of term 2, held (10, term 2, conf "
                          "AddLearnerNode n5 learner) at t=0.060s (its last index 10) while it "
                          "had applied only up to 8, below the earlier ConfChange (9, term 2, "
                          "conf AddNode n4 promote)"))
      << Dump(v);

  // Applied 9: the promote was applied before n5's add was appended.
  run.samples.back().applied = 9;
  v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "never-two-pending judged on 3 of 5")) << Dump(v);
}

TEST(Membership, DirectVoterAddAndRejectedPromoteAreReportedAsWhatTheyAre) {
  evidence::Run run = BootstrappedRun();
  AppendCommitted(&run, {"n1", "n2", "n3"},
                  {Conf(7, 2, "AddNode", kN4, "n4"), Conf(8, 2, "AddNode", kN2, "n2", false, true)});
  run.memberships.push_back(Members(1000, {"n1", "n2", "n3", "n4"}));
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "ConfChange (7, term 2, conf AddNode n4): adds n4 as a voter directly "
                          "(not as a learner first) -> voters {n1,n2,n3,n4} (1 voter moved)"))
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "ConfChange (8, term 2, conf AddNode n2 promote): rejected by etcd at "
                          "apply (promote of 2b, which is not a learner): no effect"))
      << Dump(v);
}

TEST(Membership, SnapConfStateMustEqualTheConfigurationAtItsIndex) {
  evidence::Run run = GrowRun();
  SnapFile snap;
  snap.name = "0000000000000002-0000000000000008.snap";
  snap.index = 8;
  snap.term = 2;
  snap.voters = {kN1, kN2, kN3};
  snap.learners = {kN4};
  snap.crc_ok = true;
  run.snaps["n2"] = {snap};
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "1 of 1 .snap ConfStates judged")) << Dump(v);

  // At index 9 the promote is in: a snapshot there still naming n4 a learner is wrong.
  run.snaps["n2"][0].index = 9;
  run.snaps["n2"][0].name = "0000000000000002-0000000000000009.snap";
  v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n2's 0000000000000002-0000000000000009.snap (index 9, term 2) holds "
                          "ConfState voters {n1,n2,n3} learners {n4} but the configuration after "
                          "index 9 is voters {n1,n2,n3,n4} (configuration after (9, term 2, conf "
                          "AddNode n4 promote))"))
      << Dump(v);

  // An unreadable .snap is not judged: unknown, not ok.
  run.snaps["n2"][0].problems = {"crc mismatch: want 0x1, got 0x2"};
  v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "crc mismatch: want 0x1, got 0x2: ConfState not judged")) << Dump(v);
}

TEST(Membership, AMemberWhoseLogStartsAfterAChangeIsJudgedThroughItsSnap) {
  evidence::Run run = GrowRun();
  // n4 installed a snapshot at 8: its log holds 9-13 only.
  RaftLog& n4 = run.logs["n4"];
  n4.entries.erase(n4.entries.begin(), n4.entries.begin() + 8);
  n4.first_index = 9;
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n4's committed log starts at 9, after the ConfChange entries at 1,2,3,7; "
                          "no readable .snap of n4 at or after index 7: unknown for that part"))
      << Dump(v);

  SnapFile snap;
  snap.name = "0000000000000002-0000000000000008.snap";
  snap.index = 8;
  snap.term = 2;
  snap.voters = {kN1, kN2, kN3};
  snap.learners = {kN4};
  snap.crc_ok = true;
  run.snaps["n4"] = {snap};
  v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "judged through its 0000000000000002-0000000000000008.snap")) << Dump(v);
}

TEST(Membership, ConfChangeV2IsUnknownNotOk) {
  evidence::Run run = BootstrappedRun();
  LogEntry v2 = Conf(7, 2, "AddNode", kN4, "n4");
  v2.type = EntryType::kConfChangeV2;
  AppendCommitted(&run, {"n1", "n2", "n3"}, {v2});
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_EQ(v.judged, 0u);
  EXPECT_EQ(v.of, 1u);
  EXPECT_TRUE(Mentions(v, "ConfChange (7, term 2, conf AddNode n4) not judged: the effect of")) << Dump(v);
}

TEST(Membership, RecordsAndWalsMustAgree) {
  // The records show a change that no WAL holds.
  evidence::Run run = BootstrappedRun();
  run.memberships.push_back(Members(1000, {"n1", "n2", "n3"}, {"n4"}));
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "the lab's records show 1 membership change(s) that no member's "
                          "committed log holds"))
      << Dump(v);

  // The WALs end with a configuration the records never reached.
  run = GrowRun();
  run.memberships.pop_back();
  v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "says voters {n1,n2,n3,n4,n5} learners {}, the members' committed logs "
                          "end (index 13) with voters {n1,n2,n3,n4}"))
      << Dump(v);
}

TEST(Membership, WithoutWalsTheRecordsDecideBetweenNotApplicableAndUnknown) {
  evidence::Run run = GrowRun();
  run.logs.clear();
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "no decoded WAL, and the lab's records show 5 membership change(s)"))
      << Dump(v);
  run.memberships.resize(1);
  EXPECT_EQ(CheckMembership(run).validity, Validity::kNotApplicable);
  run.memberships.clear();
  EXPECT_EQ(CheckMembership(run).validity, Validity::kUnknown);
}

TEST(Membership, LogsThatStartLateWithoutASnapAreUnknown) {
  evidence::Run run = GrowRun();
  for (auto& [m, log] : run.logs) {
    log.entries.erase(log.entries.begin(), log.entries.begin() + 4);
    log.first_index = 5;
  }
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "the configuration is unknown: every member's committed log starts "
                          "after index 1"))
      << Dump(v);
}

TEST(Membership, JumpOfTwoVotersInTheRecordsFails) {
  evidence::Run run = GoodRun();
  run.memberships = {Members(0, {"n1", "n2", "n3"}),
                     Members(1000, {"n1", "n2", "n3", "n4", "n5"})};
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "lab record: step 1 at t=1.000s: +n4 +n5 -> {n1,n2,n3,n4,n5} (5 voters, "
                          "quorum 3, tolerates 2 failures); overlap 2 + 3 <= |old ∪ new| = 5: 2 "
                          "voters changed at once, from {n1,n2,n3}; majorities of old and new can "
                          "be disjoint"))
      << Dump(v);
}

}  // namespace
}  // namespace raftlab::evidence
