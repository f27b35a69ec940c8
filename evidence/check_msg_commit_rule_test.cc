#include <gtest/gtest.h>

#include <filesystem>

#include "evidence/checkers.h"
#include "evidence/conf_test_util.h"
#include "evidence/journal_test_util.h"
#include "evidence/msg_check_common.h"
#include "evidence/msg_test_util.h"
#include "evidence/run_loader.h"
#include "evidence/wire_json.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(MsgCommitRule, HealthyElectionAndReplicationPass) {
  Verdict v = CheckMsgCommitRule(MsgRun(3, Elected3()));
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 7u) << Dump(v);
  EXPECT_EQ(v.of, 9u);
  EXPECT_EQ(v.unit, "commit announcements (MsgApp/MsgHeartbeat messages)");
  EXPECT_TRUE(Mentions(v, "2 carried commits")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "2 distinct (leader, term, commit)")) << Dump(v);
}

TEST(MsgCommitRule, NoCaptureIsUnknown) {
  evidence::Run run = MsgRun(3, {});
  run.messages.reset();
  Verdict v = CheckMsgCommitRule(run);
  EXPECT_EQ(v.validity, Validity::kUnknown);
  EXPECT_TRUE(Mentions(v, "no messages.jsonl: run without --capture")) << Dump(v);
}

// Five voters: n1 and n2 hold entry 5, a quorum needs three; n1 announces 5 anyway.
TEST(MsgCommitRule, CommitBeyondQuorumOfFiveIsViolated) {
  std::vector<WireMessage> ms = {Vote(0, 1, 2, 2), Vote(0, 1, 3, 2), VoteResp(2, 2, 1, 2), VoteResp(2, 3, 1, 2),
                                 App(4, 1, 2, 2, 3, 1, {{4, 2}, {5, 2}}, 3), App(4, 1, 3, 2, 3, 1, {{4, 2}}, 3),
                                 App(4, 1, 4, 2, 3, 1, {{4, 2}}, 3), AppResp(6, 2, 1, 2, 5), AppResp(6, 3, 1, 2, 4),
                                 App(8, 1, 2, 2, 5, 2, {}, 4), App(9, 1, 3, 2, 4, 2, {{5, 2}}, 5)};
  Verdict v = CheckMsgCommitRule(MsgRun(5, ms));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1 -> n3 MsgApp term 2 index 4 logterm 2 entries [5] commit 5")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "beyond the quorum of acknowledged indexes")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1=5 (own) n2=5 n3=4 n4=none n5=none, quorum 3 of 5 reaches 4")) << Dump(v);
  // The same announcement with n3's ack of 5 first is covered.
  ms.insert(ms.end() - 1, AppResp(7, 3, 1, 2, 5));
  Verdict ok = CheckMsgCommitRule(MsgRun(5, ms));
  EXPECT_EQ(ok.validity, Validity::kOk) << Dump(ok);
}

// n2's ack of 5 never reached n1 (no TCP ACK): it must not count.
TEST(MsgCommitRule, AnUndeliveredAckDoesNotCount) {
  std::vector<WireMessage> ms = Elected3();
  ms[12] = Undelivered(ms[12]);   // AppResp(12, n2 -> n1, index 5)
  Verdict v = CheckMsgCommitRule(MsgRun(3, ms));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1 -> n2 MsgApp term 2 index 5 logterm 2 entries [] commit 5")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n1=5 (own) n2=4 n3=4")) << Dump(v);
}

// An ack the leader can only have had after its announcement does not cover it: n2's ack of 5
// was seen at 12 ms but ACKed only at 400 ms (a retransmission got through), so the earliest
// n1 held it is 200 ms; n1 announced 5 at 14 ms.
TEST(MsgCommitRule, AnAckReceivedAfterTheAnnouncementDoesNotCount) {
  std::vector<WireMessage> ms = Elected3();
  ms[12].delivered_ns = WireMs(400);
  Verdict v = CheckMsgCommitRule(MsgRun(3, ms));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "commit 5 beyond the quorum")) << Dump(v);
}

// A capture that begins mid-term misses the acks before it: an uncovered commit is not judged.
TEST(MsgCommitRule, ACaptureJoinedMidTermDoesNotBlameMissingAcks) {
  std::vector<WireMessage> ms = {Heartbeat(0, 1, 2, 2, 9), Heartbeat(0, 1, 3, 2, 9),
                                 App(5, 1, 2, 2, 9, 2, {{10, 2}}, 9), AppResp(7, 2, 1, 2, 10),
                                 App(9, 1, 2, 2, 10, 2, {}, 10)};
  Verdict v = CheckMsgCommitRule(MsgRun(3, ms));
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 1u) << Dump(v);   // commit 10: n1 own 10 + n2 10
  EXPECT_TRUE(Mentions(v, "term 2, leader n1: 3 announcements not judged, the capture began during term 2")) << Dump(v);
}

// n1 leads term 3 over entries 4-5 of term 2 and its no-op 6 of term 3; with acks at 5 only it
// announces 5: an earlier term's entry committed by count.
TEST(MsgCommitRule, CommitOfAnEarlierTermEntryByCountIsViolated) {
  std::vector<WireMessage> ms = {Vote(0, 1, 2, 3, 5, 2), VoteResp(1, 2, 1, 3), App(2, 1, 2, 3, 3, 1, {{4, 2}, {5, 2}, {6, 3}}, 3),
                                 AppResp(3, 2, 1, 3, 5), App(4, 1, 2, 3, 5, 2, {}, 5)};
  Verdict v = CheckMsgCommitRule(MsgRun(3, ms));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "commit of an earlier term's entry by count: the entry at 5 is of term 2")) << Dump(v);
  // Once n2 acks the no-op 6, entry 5 is committed under it.
  ms.back() = AppResp(4, 2, 1, 3, 6);
  ms.push_back(App(5, 1, 2, 3, 6, 3, {}, 6));
  ms.push_back(Heartbeat(6, 1, 3, 3, 5));
  Verdict ok = CheckMsgCommitRule(MsgRun(3, ms));
  EXPECT_EQ(ok.validity, Validity::kOk) << Dump(ok);
  EXPECT_EQ(ok.judged, 2u) << Dump(ok);
}

// The voters come from the decoded WALs when the run has them: after n4 joins at index 7 a
// quorum of 4 needs three.
TEST(MsgCommitRule, VotersComeFromTheWalConfiguration) {
  evidence::Run run = BootstrappedRun();
  AppendCommitted(&run, {"n1", "n2", "n3"}, {Conf(7, 2, "AddNode", kN4, "n4"), Entry(8, 2, "put", "c", "3")});
  run.messages = std::vector<WireMessage>{Vote(0, 1, 2, 3, 8, 2), VoteResp(1, 2, 1, 3),
                                          App(2, 1, 2, 3, 8, 2, {{9, 3}}, 8), AppResp(3, 2, 1, 3, 9),
                                          App(4, 1, 2, 3, 9, 3, {}, 9)};
  Verdict v = CheckMsgCommitRule(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "quorum 3 of 4")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "configuration after (7, term 2, conf AddNode n4)")) << Dump(v);
}

// A run folder with messages.jsonl: the loader reads it, check run prints the message checkers
// (informative: not required by default).
TEST(MsgCommitRule, LoadedFromMessagesJsonl) {
  TempDir dir;
  evidence::Run run = GoodRun();
  WriteRunDir(dir, run);
  Result<evidence::Run> without = LoadRun(dir.path());
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_FALSE(without->messages.has_value());
  dir.Write("messages.jsonl", WireMessagesToJsonl(Elected3()));
  Result<evidence::Run> loaded = LoadRun(dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded->messages.has_value());
  EXPECT_EQ(*loaded->messages, Elected3());
  ASSERT_TRUE(loaded->wall_minus_mono_ns.has_value());
  EXPECT_EQ(CheckMsgCommitRule(*loaded).validity, Validity::kOk) << Dump(CheckMsgCommitRule(*loaded));
  dir.Write("messages.jsonl", "{not json\n");
  Result<evidence::Run> bad = LoadRun(dir.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("messages.jsonl"), std::string::npos) << bad.status().ToString();
}

}  // namespace
}  // namespace raftlab::evidence
