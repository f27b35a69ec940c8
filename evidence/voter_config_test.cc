#include "evidence/voter_config.h"

#include <gtest/gtest.h>

#include "evidence/check_common.h"
#include "evidence/conf_test_util.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

std::string Describe(const std::optional<VoterConfig>& c, const evidence::Run& run) {
  return c ? DescribeConfig(*c, checkutil::IdNames(run)) : "unknown";
}

TEST(VoterConfig, BootstrapEntriesAreTheInitialConfiguration) {
  evidence::Run run = BootstrappedRun();
  ConfigTimeline t = BuildConfigTimeline(run);
  ASSERT_TRUE(t.base_known) << t.base_source;
  EXPECT_EQ(t.base_source, "bootstrap ConfChange entries at 1-3");
  EXPECT_EQ(t.initial_through, 3u);
  EXPECT_EQ(t.Changes(), 0u);
  EXPECT_EQ(t.known_through, 6u);
  EXPECT_EQ(Describe(t.After(0), run), "voters {}");
  EXPECT_EQ(Describe(t.After(2), run), "voters {n1,n2}");
  EXPECT_EQ(Describe(t.InForceFor(5), run), "voters {n1,n2,n3}");
  std::string why;
  EXPECT_FALSE(t.After(7, &why));
  EXPECT_EQ(why, "no member's committed log holds index 7");
}

TEST(VoterConfig, LearnerAddedThenPromotedThenAVoterRemoved) {
  evidence::Run run = BootstrappedRun();
  AppendCommitted(&run, {"n1", "n2", "n3"},
                  {Conf(7, 2, "AddLearnerNode", kN4, "n4", /*learner=*/true),
                   Conf(8, 2, "AddNode", kN4, "n4", false, /*promote=*/true),
                   Conf(9, 2, "RemoveNode", kN2, "n2")});
  ConfigTimeline t = BuildConfigTimeline(run);
  ASSERT_EQ(t.steps.size(), 6u);
  EXPECT_EQ(t.Changes(), 3u);
  EXPECT_EQ(t.steps[3].effect, ConfEffect::kAddLearner);
  EXPECT_EQ(t.steps[4].effect, ConfEffect::kPromote);
  EXPECT_EQ(t.steps[5].effect, ConfEffect::kRemoveVoter);
  EXPECT_EQ(t.steps[3].VotersMoved(), 0u);
  EXPECT_EQ(t.steps[4].VotersMoved(), 1u);
  // A ConfChange decides commits only after it: index 7 is committed by the old voters.
  EXPECT_EQ(Describe(t.InForceFor(7), run), "voters {n1,n2,n3}");
  EXPECT_EQ(Describe(t.InForceFor(8), run), "voters {n1,n2,n3} learners {n4}");
  EXPECT_EQ(Describe(t.After(8), run), "voters {n1,n2,n3,n4}");
  EXPECT_EQ(Describe(t.InForceFor(10), run), "voters {n1,n3,n4}");
  EXPECT_EQ(t.Label(8), "configuration after (8, term 2, conf AddNode n4 promote)");
  EXPECT_EQ(t.Label(5), "initial configuration (bootstrap ConfChange entries at 1-3)");
}

TEST(VoterConfig, EtcdRejectsAtApplyWhatItsMemberListForbids) {
  ClusterState s;
  s.config.voters = {kN1, kN2, kN3};
  s.peer_urls[kN1] = {"http://n1:2380"};
  // A promote of a voter, a second add of a member, a second learner, a reused peer URL.
  EXPECT_EQ(ApplyConfChange(&s, Conf(7, 2, "AddNode", kN2, "n2", false, true), false).rejected,
            "promote of 2b, which is not a learner");
  EXPECT_EQ(ApplyConfChange(&s, Conf(8, 2, "AddNode", kN3, "n3"), false).rejected,
            "3c is already a member");
  ConfChangeStep added = ApplyConfChange(&s, Conf(9, 2, "AddLearnerNode", kN4, "n4", true), false);
  EXPECT_EQ(added.effect, ConfEffect::kAddLearner);
  EXPECT_EQ(ApplyConfChange(&s, Conf(10, 2, "AddLearnerNode", kN5, "n5", true), false).rejected,
            "a learner is already there (etcd allows 1)");
  LogEntry reuse = Conf(11, 2, "AddNode", kN5, "n5");
  reuse.request.conf_peer_urls = {"http://n1:2380"};
  EXPECT_EQ(ApplyConfChange(&s, reuse, false).rejected, "peer URL http://n1:2380 is 1a's");
  ConfChangeStep removed = ApplyConfChange(&s, Conf(12, 2, "RemoveNode", kN3, "n3"), false);
  EXPECT_EQ(removed.effect, ConfEffect::kRemoveVoter);
  EXPECT_EQ(ApplyConfChange(&s, Conf(13, 2, "AddNode", kN3, "n3"), false).rejected,
            "3c was removed before");
  EXPECT_EQ(s.config.voters, (std::set<uint64_t>{kN1, kN2}));
  EXPECT_EQ(s.config.learners, (std::set<uint64_t>{kN4}));
}

TEST(VoterConfig, DirectVoterAddMovesOneVoter) {
  ClusterState s;
  s.config.voters = {kN1, kN2, kN3};
  ConfChangeStep step = ApplyConfChange(&s, Conf(7, 2, "AddNode", kN4, "n4"), false);
  EXPECT_EQ(step.effect, ConfEffect::kAddVoter);
  EXPECT_EQ(step.VotersMoved(), 1u);
}

TEST(VoterConfig, MembersThatDisagreeOnAConfChangeEndTheKnowledge) {
  evidence::Run run = BootstrappedRun();
  AppendCommitted(&run, {"n1", "n2"}, {Conf(7, 2, "AddLearnerNode", kN4, "n4", true), Entry(8, 2)});
  AppendCommitted(&run, {"n3"}, {Entry(7, 2, "put", "x", "y"), Entry(8, 2)});
  ConfigTimeline t = BuildConfigTimeline(run);
  EXPECT_EQ(t.known_through, 6u);
  std::string why;
  EXPECT_FALSE(t.After(7, &why));
  EXPECT_EQ(why, "the members disagree at index 7 (n1 holds (7, term 2, conf AddLearnerNode n4 "
                 "learner), n3 holds (7, term 2, put x=y))");
}

TEST(VoterConfig, UncommittedConfChangesAreNotInTheTimeline) {
  evidence::Run run = BootstrappedRun();
  for (const char* m : {"n1", "n2", "n3"}) {
    run.logs[m].entries.push_back(Conf(7, 2, "AddNode", kN4, "n4"));   // no hard state covers it
  }
  ConfigTimeline t = BuildConfigTimeline(run);
  EXPECT_EQ(t.known_through, 6u);
  EXPECT_EQ(t.Changes(), 0u);
  // A sample showing commit 7 makes it committed.
  run.samples.push_back(Sample(100, "n2", kN2, 2, "StateFollower", 7, kN1));
  t = BuildConfigTimeline(run);
  EXPECT_EQ(t.known_through, 7u);
  EXPECT_EQ(t.Changes(), 1u);
}

TEST(VoterConfig, ConfChangeV2IsNotModelled) {
  evidence::Run run = BootstrappedRun();
  LogEntry v2 = Conf(7, 2, "AddNode", kN4, "n4");
  v2.type = EntryType::kConfChangeV2;
  AppendCommitted(&run, {"n1", "n2", "n3"}, {v2, Entry(8, 2)});
  ConfigTimeline t = BuildConfigTimeline(run);
  EXPECT_EQ(t.known_through, 6u);
  ASSERT_EQ(t.steps.size(), 4u);
  EXPECT_EQ(t.steps.back().effect, ConfEffect::kUndecoded);
  EXPECT_NE(t.unknown_beyond.find("ConfChangeV2"), std::string::npos) << t.unknown_beyond;
}

TEST(VoterConfig, MembershipRecordIsTheBaseOfLogsWithoutBootstrapEntries) {
  evidence::Run run = GoodRun();   // logs start at index 1 with a no-op
  ConfigTimeline t = BuildConfigTimeline(run);
  ASSERT_TRUE(t.base_known);
  EXPECT_EQ(Describe(t.InForceFor(4), run), "voters {n1,n2,n3}");
  run.memberships.clear();
  t = BuildConfigTimeline(run);
  EXPECT_FALSE(t.base_known);
  EXPECT_FALSE(t.InForceFor(4));
}

TEST(VoterConfig, LogsStartingLateNeedASnapshot) {
  evidence::Run run = BootstrappedRun();
  for (auto& [m, log] : run.logs) {
    log.entries.erase(log.entries.begin(), log.entries.begin() + 4);   // now 5-6
    log.first_index = 5;
  }
  ConfigTimeline t = BuildConfigTimeline(run);
  EXPECT_FALSE(t.base_known);
  EXPECT_EQ(t.base_source, "every member's committed log starts after index 1 (the earliest at 5) "
                           "and no readable .snap gives the configuration there");
  SnapFile snap;
  snap.name = "0000000000000002-0000000000000004.snap";
  snap.index = 4;
  snap.term = 2;
  snap.voters = {kN1, kN2, kN3};
  snap.crc_ok = true;
  run.snaps["n2"] = {snap};
  t = BuildConfigTimeline(run);
  ASSERT_TRUE(t.base_known);
  EXPECT_EQ(t.base_index, 4u);
  EXPECT_EQ(t.base_source, "ConfState of n2's 0000000000000002-0000000000000004.snap at index 4");
  EXPECT_EQ(Describe(t.InForceFor(6), run), "voters {n1,n2,n3}");
  run.snaps["n2"][0].problems = {"crc mismatch"};
  EXPECT_FALSE(BuildConfigTimeline(run).base_known);
}

TEST(VoterConfig, CommittedThroughTakesTheHigherOfWalAndSamples) {
  evidence::Run run = BootstrappedRun();
  EXPECT_EQ(CommittedThrough(run, "n2", run.logs["n2"]), 6u);
  run.logs["n2"].hard_states.back().commit = 5;
  EXPECT_EQ(CommittedThrough(run, "n2", run.logs["n2"]), 6u);   // its sample said 6
  run.logs["n2"].node_id = 0x99;   // another incarnation: its samples do not count
  EXPECT_EQ(CommittedThrough(run, "n2", run.logs["n2"]), 5u);
}

}  // namespace
}  // namespace raftlab::evidence
