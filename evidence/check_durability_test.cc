#include <gtest/gtest.h>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(Durability, AckedPutsInEveryCommittedLogPass) {
  Verdict v = CheckDurability(GoodRun());
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 3u);
  EXPECT_EQ(v.of, 3u);
  EXPECT_TRUE(Mentions(v, "judged 3 of 3 acknowledged puts: present in the committed logs of n1,n2,n3; "
                          "0 WAL overwrites, none below a reported commit"))
      << Dump(v);
}

TEST(Durability, FailedAndUnknownPutsNeedNotBePresent) {
  evidence::Run run = GoodRun();
  run.ops.push_back(Put(4, "c", "1", 100, 120, OpOutcome::kFail));
  run.ops.push_back(Put(5, "c", "2", 100, 120, OpOutcome::kUnknown));
  EXPECT_EQ(CheckDurability(run).validity, Validity::kOk);
}

TEST(Durability, LostAckedWriteFails) {
  evidence::Run run = GoodRun();
  run.ops.push_back(Put(4, "c", "7", 100, 1200));
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "lost acked write: put c=7 (op 4, acked at t=1.200s via n1) is in no "
                          "member's log: n1 (log 1-4, commit 4), n2 (log 1-4, commit 4), "
                          "n3 (log 1-4, commit 4)"))
      << Dump(v);
}

TEST(Durability, AckedWriteMissingFromOneMemberFails) {
  evidence::Run run = GoodRun();
  run.logs["n3"].entries[2] = Entry(3, 2, "put", "zz", "0");
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "acked write missing: put b=2 (op 2, acked at t=0.045s via n1) absent "
                          "from n3 (holds (3, term 2, put zz=0) at 3)"))
      << Dump(v);
}

TEST(Durability, PresentOnlyAboveEveryCommitIsUnknown) {
  evidence::Run run = GoodRun();
  for (const char* m : {"n1", "n2", "n3"}) run.logs[m].entries.push_back(Entry(5, 2, "put", "c", "1"));
  run.ops.push_back(Put(4, "c", "1", 100, 130));
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1 holds it, but no hard state commits it")) << Dump(v);
}

TEST(Durability, CommittedByAnotherMemberCounts) {
  evidence::Run run = GoodRun();
  run.logs["n3"].hard_states.back().commit = 2;   // n3's persisted commit lags
  EXPECT_EQ(CheckDurability(run).validity, Validity::kOk) << Dump(CheckDurability(run));
}

TEST(Durability, SnapshotStartedLogIsUnknownForOlderWrites) {
  evidence::Run run = GoodRun();
  run.logs["n3"] = Log({Entry(4, 2, "put", "a", "3")}, {{2, kN1, 4}});
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "at index 2, below n3's log (log 4-4, commit 4; snapshot or purged WAL)"))
      << Dump(v);
}

// n3 installed a snapshot at 3: its log holds only index 4, the puts at 2 and 3 are in its store.
evidence::Run SnapshotInstalledOnN3() {
  evidence::Run run = GoodRun();
  run.logs["n3"] = Log({Entry(4, 2, "put", "a", "3")}, {{2, kN1, 4}});
  for (size_t i = 0; i < 3; ++i) run.ops[i].revision = static_cast<int64_t>(i) + 2;
  return run;
}

TEST(Durability, WritesBelowASnapshotStartedLogCountThroughAnEqualHashKv) {
  Verdict v = CheckDurability(SnapshotInstalledOnN3());
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 3u);
  EXPECT_EQ(v.of, 3u);
  EXPECT_TRUE(Mentions(v, "judged 3 of 3 acknowledged puts: present in the committed logs of n1,n2,n3 "
                          "(below the start of n3's log: in its store, by HashKV)"))
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3's log starts at 4: 2 acked puts at indexes 2-3 are in its store: its HashKV "
                          "at revision 4 equals n1's, whose committed log holds them"))
      << Dump(v);
}

TEST(Durability, AnUnequalHashKvLeavesWritesBelowTheLogUnknown) {
  evidence::Run run = SnapshotInstalledOnN3();
  for (HashKvRecord& h : run.hashkvs)
    if (h.member == "n3") h.hash = 999;
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_EQ(v.judged, 1u);
  EXPECT_TRUE(Mentions(v, "at index 2, below n3's log (log 4-4, commit 4; snapshot or purged WAL), and no "
                          "HashKV of n3 at revision 2 or later equals one of a member whose committed log "
                          "holds it"))
      << Dump(v);
}

TEST(Durability, AHashKvBelowTheWritesRevisionDoesNotCount) {
  evidence::Run run = SnapshotInstalledOnN3();
  for (HashKvRecord& h : run.hashkvs) h.revision = 2;   // covers the put at revision 2, not the one at 3
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_EQ(v.judged, 2u) << Dump(v);
  EXPECT_TRUE(Mentions(v, "put b=2 (op 2, acked at t=0.045s via n1): at index 3, below n3's log")) << Dump(v);
}

TEST(Durability, AStoreCompactedPastTheWriteDoesNotCount) {
  evidence::Run run = SnapshotInstalledOnN3();
  for (HashKvRecord& h : run.hashkvs) h.compact_revision = 3;   // revisions 2 and 3 no longer hashed
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_EQ(v.judged, 1u) << Dump(v);
}

TEST(Durability, AnEqualHashKvOfAMemberWithoutTheWriteDoesNotCount) {
  evidence::Run run = SnapshotInstalledOnN3();
  run.logs["n2"] = run.logs["n3"];   // n2 too starts after the writes: n1 alone holds them
  std::erase_if(run.hashkvs, [](const HashKvRecord& h) { return h.member == "n1"; });
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_EQ(v.judged, 1u) << Dump(v);
}

TEST(Durability, RemovedMembersAreNotAsked) {
  evidence::Run run = GoodRun();
  run.logs["n3"].entries.resize(1);
  MembershipRecord m;
  m.mono_ns = Ms(20);
  m.voters = {"n1", "n2"};
  run.memberships.push_back(m);
  EXPECT_EQ(CheckDurability(run).validity, Validity::kOk) << Dump(CheckDurability(run));
}

TEST(Durability, OverwriteOfAnUncommittedEntryPasses) {
  evidence::Run run = GoodRun();
  Truncation t;
  t.at_index = 5;
  t.discarded = {Entry(5, 2, "put", "u", "1")};
  t.replaced_by = Entry(5, 3);
  run.logs["n1"].truncations.push_back(t);
  run.logs["n1"].entries.push_back(Entry(5, 3));
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "1 WAL overwrites, none below a reported commit")) << Dump(v);
}

TEST(Durability, OverwriteBelowAReportedCommitFails) {
  evidence::Run run = GoodRun();
  // n3 reported commit 4 in term 2 (sample 8), yet its replay overwrote (4, term 2) in term 3.
  Truncation t;
  t.at_index = 4;
  t.discarded = {Entry(4, 2, "put", "a", "3")};
  t.replaced_by = Entry(4, 3);
  run.logs["n3"].truncations.push_back(t);
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3: (4, term 2, put a=3) was overwritten by (4, term 3, noop) although "
                          "n3 had reported commit 4 in term 2 (sample 8, t=0.110s)"))
      << Dump(v);
}

TEST(Durability, AFinalMemberWithoutAWalIsUnknown) {
  evidence::Run run = GoodRun();
  run.memberships.push_back({Ms(500), {"n1", "n2", "n3"}, {"n4"}});
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "no decoded WAL for n4: its copy of 3 acked puts not checked")) << Dump(v);
}

TEST(Durability, CommitsOfAnEarlierIncarnationDoNotCount) {
  evidence::Run run = GoodRun();
  Truncation t;
  t.at_index = 4;
  t.discarded = {Entry(4, 2, "put", "a", "3")};
  t.replaced_by = Entry(4, 3);
  run.logs["n3"].truncations.push_back(t);
  run.logs["n3"].node_id = kN5;   // n3's WAL is that of a later incarnation
  run.logs["n3"].hard_states = {{3, kN2, 3}, {3, kN2, 4}};
  EXPECT_EQ(CheckDurability(run).validity, Validity::kOk) << Dump(CheckDurability(run));
  run.logs["n3"].node_id = kN3;
  EXPECT_EQ(CheckDurability(run).validity, Validity::kViolated);
}

TEST(Durability, NoLogsIsUnknown) {
  evidence::Run run = GoodRun();
  run.logs.clear();
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kUnknown);
  EXPECT_TRUE(Mentions(v, "no decoded WAL: 3 acked puts not checked")) << Dump(v);
}

TEST(Durability, NoAcknowledgedPutIsNotApplicable) {
  evidence::Run run = GoodRun();
  run.ops.clear();
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kNotApplicable) << Dump(v);
  EXPECT_EQ(v.judged, 0u);
  EXPECT_TRUE(Mentions(v, "no acknowledged put in this run")) << Dump(v);
}

TEST(Durability, EmptyRunIsNeverOk) {
  Verdict v = CheckDurability(evidence::Run{});
  EXPECT_NE(v.validity, Validity::kOk) << Dump(v);
}

TEST(Durability, WalGapMakesACleanVerdictUnknown) {
  evidence::Run run = GoodRun();
  run.logs["n3"].problems.push_back({"seg.wal", 512, "gap: entry 9 follows 4; log restarts at 9"});
  Verdict v = CheckDurability(run);
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3: gap: entry 9 follows 4; log restarts at 9 (seg.wal @ 512)")) << Dump(v);
}

}  // namespace
}  // namespace raftlab::evidence
