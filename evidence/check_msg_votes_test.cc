#include <gtest/gtest.h>

#include "evidence/checkers.h"
#include "evidence/msg_test_util.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(MsgVotes, OneGrantPerVoterAndAQuorumPass) {
  Verdict v = CheckMsgVotes(MsgRun(3, Elected3()));
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_EQ(v.judged, 3u) << Dump(v);   // (n2, 2), (n3, 2), n1's term 2
  EXPECT_TRUE(Mentions(v, "term 2: leader n1")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "3 grants (n1 (own), n2, n3), quorum 2 of 3")) << Dump(v);
}

TEST(MsgVotes, NoCaptureIsUnknown) {
  evidence::Run run = MsgRun(3, {});
  run.messages.reset();
  Verdict v = CheckMsgVotes(run);
  EXPECT_EQ(v.validity, Validity::kUnknown);
  EXPECT_TRUE(Mentions(v, "no messages.jsonl: run without --capture")) << Dump(v);
}

// n3 grants both n1 and n2 in term 2.
TEST(MsgVotes, TwoGrantsByOneVoterInATermAreViolated) {
  std::vector<WireMessage> ms = Elected3();
  ms.push_back(Vote(20, 2, 3, 2));
  ms.push_back(VoteResp(21, 3, 2, 2));
  Verdict v = CheckMsgVotes(MsgRun(3, ms));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "term 2: n3 granted its vote to 2 candidates")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "n3 -> n2 MsgVoteResp term 2 granted")) << Dump(v);
  // A repeated grant to the same candidate is the same vote.
  ms.back() = VoteResp(21, 3, 1, 2);
  EXPECT_EQ(CheckMsgVotes(MsgRun(3, ms)).validity, Validity::kOk);
}

// Five voters: n1 leads term 2 with its own vote and n2's grant only (n3 rejected).
TEST(MsgVotes, ALeaderWithoutAQuorumOfGrantsIsViolated) {
  std::vector<WireMessage> ms = {Vote(0, 1, 2, 2), Vote(0, 1, 3, 2), VoteResp(2, 2, 1, 2),
                                 VoteResp(2, 3, 1, 2, /*reject=*/true), Heartbeat(5, 1, 2, 2, 0)};
  Verdict v = CheckMsgVotes(MsgRun(5, ms));
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "led without a quorum of delivered grants: 2 grants (n1 (own), n2), quorum 3 of 5")) << Dump(v);
  // An undelivered grant does not count either.
  std::vector<WireMessage> three = Elected3();
  three[2] = Undelivered(three[2]);
  three[3] = Undelivered(three[3]);
  Verdict u = CheckMsgVotes(MsgRun(3, three));
  EXPECT_EQ(u.validity, Validity::kViolated) << Dump(u);
}

// The capture began after the election: the leader's term is not judged, not violated.
TEST(MsgVotes, AnElectionBeforeTheCaptureIsNotJudged) {
  Verdict v = CheckMsgVotes(MsgRun(3, {Heartbeat(0, 1, 2, 2, 9), Heartbeat(0, 1, 3, 2, 9)}));
  EXPECT_EQ(v.validity, Validity::kUnknown) << Dump(v);
  EXPECT_TRUE(Mentions(v, "its MsgVote for the term is not in the capture")) << Dump(v);
}

}  // namespace
}  // namespace raftlab::evidence
