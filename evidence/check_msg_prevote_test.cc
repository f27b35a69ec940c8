#include <gtest/gtest.h>

#include "evidence/checkers.h"
#include "evidence/msg_test_util.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

WireMessage PreVote(int64_t ms, int from, int to, uint64_t term) { return Vote(ms, from, to, term, 5, 2, "MsgPreVote"); }
WireMessage PreVoteResp(int64_t ms, int from, int to, uint64_t term, bool reject) {
  return VoteResp(ms, from, to, term, reject, "MsgPreVoteResp");
}

// n1 leads term 2; n3 was cut off and pre-votes for term 3; n1 and n2 reject it and keep term 2.
std::vector<WireMessage> RejectedPreVote() {
  return {Heartbeat(0, 1, 2, 2, 5),      Heartbeat(0, 1, 3, 2, 5),
          Msg(1, "MsgHeartbeatResp", 2, 1, 2), Msg(1, "MsgHeartbeatResp", 3, 1, 2),
          PreVote(50, 3, 1, 3),          PreVote(50, 3, 2, 3),
          PreVoteResp(51, 1, 3, 2, true), PreVoteResp(51, 2, 3, 2, true),
          Heartbeat(100, 1, 2, 2, 5),    Msg(101, "MsgHeartbeatResp", 2, 1, 2)};
}

TEST(MsgPreVote, RejectedPreVotesMoveNoTermAndStartNoElection) {
  Verdict v = CheckMsgPreVote(MsgRun(3, RejectedPreVote()));
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  // n1 and n2 each answered the pre-vote above their term; one pre-candidate round.
  EXPECT_EQ(v.judged, 3u) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 3: pre-candidate n3 (2 MsgPreVote")) << Dump(v);
}

TEST(MsgPreVote, NotApplicableWithoutPreVotes) {
  Verdict v = CheckMsgPreVote(MsgRun(3, Elected3()));
  EXPECT_EQ(v.validity, Validity::kNotApplicable) << Dump(v);
  evidence::Run none = MsgRun(3, {});
  none.messages.reset();
  EXPECT_TRUE(Mentions(CheckMsgPreVote(none), "no messages.jsonl: run without --capture"));
}

// n2 answers n3's pre-vote and then speaks in term 3, though nothing but the pre-vote said 3.
TEST(MsgPreVote, APreVoteRaisingATermIsViolated) {
  std::vector<WireMessage> ms = RejectedPreVote();
  ms[7] = PreVoteResp(51, 2, 3, 3, false);   // n2 grants (a grant echoes term 3) ...
  ms[9] = Msg(101, "MsgHeartbeatResp", 2, 1, 3);   // ... and is then in term 3
  Verdict v = CheckMsgPreVote(MsgRun(3, ms));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n2 moved from term 2 to 3 on a pre-vote: received t=0.050s n3 -> n2 MsgPreVote term 3")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "then sent t=0.101s n2 -> n1 MsgHeartbeatResp term 3")) << Dump(v);
  // A real message of term 3 to n2 before explains its new term.
  ms.insert(ms.begin() + 8, Vote(60, 3, 2, 3));
  EXPECT_NE(CheckMsgPreVote(MsgRun(3, ms)).validity, Validity::kViolated) << Dump(CheckMsgPreVote(MsgRun(3, ms)));
}

// n3's pre-vote is rejected by both, and it campaigns anyway.
TEST(MsgPreVote, ARejectedPreCandidateCampaigningIsViolated) {
  std::vector<WireMessage> ms = RejectedPreVote();
  ms.push_back(Vote(60, 3, 1, 3, 5, 2));
  Verdict v = CheckMsgPreVote(MsgRun(3, ms));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "pre-candidate n3 was rejected (1 pre-vote grants (own included), quorum 2 of 3) and still "
                          "campaigned: t=0.060s n3 -> n1 MsgVote term 3")) << Dump(v);
  // With n2's grant it may.
  ms[7] = PreVoteResp(51, 2, 3, 3, false);
  EXPECT_EQ(CheckMsgPreVote(MsgRun(3, ms)).validity, Validity::kOk) << Dump(CheckMsgPreVote(MsgRun(3, ms)));
}

}  // namespace
}  // namespace raftlab::evidence
