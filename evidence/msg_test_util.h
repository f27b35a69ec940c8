// Test-only builders for the message-level checker tests: raft messages as the wire decoder
// gives them (wire_message.h), runs of 3 or 5 voters whose configuration comes from the lab's
// membership record, and a healthy 3-voter sequence (n1 wins term 2, replicates and commits 4
// and 5) that each test bends into the bad case it wants. Header-only; not linked into any binary.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "evidence/check_test_util.h"
#include "evidence/run.h"
#include "evidence/wire_message.h"

namespace raftlab::evidence::checktest {

inline const uint64_t kIds[] = {0, kN1, kN2, kN3, kN4, kN5};

// Capture clock (wall ns) of `ms` milliseconds into the capture.
inline int64_t WireMs(int64_t ms) { return 1'700'000'000'000'000'000 + ms * 1'000'000; }

// A message from member n<from> to n<to>, delivered (ACKed 1 ms later) unless told otherwise.
inline WireMessage Msg(int64_t ms, const std::string& type, int from, int to, uint64_t term) {
  WireMessage m;
  m.time_ns = WireMs(ms);
  m.type = type;
  m.from = "n" + std::to_string(from);
  m.to = "n" + std::to_string(to);
  m.from_id = kIds[from];
  m.to_id = kIds[to];
  m.term = term;
  m.delivered = true;
  m.delivered_ns = m.time_ns + 1'000'000;
  return m;
}

inline WireMessage Undelivered(WireMessage m) {
  m.delivered = false;
  m.delivered_ns = 0;
  return m;
}

// MsgApp after (index, log_term) with entries {(index, term)...}, announcing `commit`.
inline WireMessage App(int64_t ms, int from, int to, uint64_t term, uint64_t index, uint64_t log_term,
                       std::vector<std::pair<uint64_t, uint64_t>> entries, uint64_t commit) {
  WireMessage m = Msg(ms, "MsgApp", from, to, term);
  m.index = index;
  m.log_term = log_term;
  m.commit = commit;
  for (const auto& [i, t] : entries) m.entries.push_back(Entry(i, t, "put", "k" + std::to_string(i), "v"));
  m.stream = StreamKind::kMsgAppV2;
  return m;
}

inline WireMessage AppResp(int64_t ms, int from, int to, uint64_t term, uint64_t index, bool reject = false) {
  WireMessage m = Msg(ms, "MsgAppResp", from, to, term);
  m.index = index;
  m.reject = reject;
  return m;
}

inline WireMessage Heartbeat(int64_t ms, int from, int to, uint64_t term, uint64_t commit) {
  WireMessage m = Msg(ms, "MsgHeartbeat", from, to, term);
  m.commit = commit;
  return m;
}

// MsgVote / MsgPreVote offering the candidate's last (index, log_term).
inline WireMessage Vote(int64_t ms, int from, int to, uint64_t term, uint64_t index = 3, uint64_t log_term = 1,
                        const std::string& type = "MsgVote") {
  WireMessage m = Msg(ms, type, from, to, term);
  m.index = index;
  m.log_term = log_term;
  return m;
}

inline WireMessage VoteResp(int64_t ms, int from, int to, uint64_t term, bool reject = false,
                            const std::string& type = "MsgVoteResp") {
  WireMessage m = Msg(ms, type, from, to, term);
  m.reject = reject;
  return m;
}

inline WireMessage Snap(int64_t ms, int from, int to, uint64_t term, uint64_t index, uint64_t snap_term,
                        std::vector<uint64_t> voters) {
  WireMessage m = Msg(ms, "MsgSnap", from, to, term);
  m.snapshot = WireSnapshot{};
  m.snapshot->index = index;
  m.snapshot->term = snap_term;
  m.snapshot->voters = std::move(voters);
  m.stream = StreamKind::kSnapshot;
  return m;
}

// A run of `voters` members n1..n<voters> (one membership record, so the configuration is that
// one throughout) with `messages` as its capture.
inline Run MsgRun(int voters, std::vector<WireMessage> messages) {
  Run run;
  run.dir = "/tmp/msg";
  MembershipRecord rec;
  rec.mono_ns = Ms(0);
  for (int i = 1; i <= voters; ++i) {
    run.member_names[kIds[i]] = "n" + std::to_string(i);
    rec.voters.push_back("n" + std::to_string(i));
  }
  run.memberships.push_back(rec);
  run.messages = std::move(messages);
  return run;
}

// n1 campaigns for term 2 (last entry 3 of term 1), wins with n2's and n3's grants, sends its
// entry 4 with commit 3 (carried), gets both acks, announces 4, sends 5, gets n2's ack and
// announces 5 (heartbeats: commit min(match, committed)).
inline std::vector<WireMessage> Elected3() {
  return {Vote(0, 1, 2, 2),
          Vote(0, 1, 3, 2),
          VoteResp(2, 2, 1, 2),
          VoteResp(2, 3, 1, 2),
          App(4, 1, 2, 2, 3, 1, {{4, 2}}, 3),
          App(4, 1, 3, 2, 3, 1, {{4, 2}}, 3),
          AppResp(6, 2, 1, 2, 4),
          AppResp(6, 3, 1, 2, 4),
          App(8, 1, 2, 2, 4, 2, {}, 4),
          App(8, 1, 3, 2, 4, 2, {}, 4),
          App(10, 1, 2, 2, 4, 2, {{5, 2}}, 4),
          App(10, 1, 3, 2, 4, 2, {{5, 2}}, 4),
          AppResp(12, 2, 1, 2, 5),
          App(14, 1, 2, 2, 5, 2, {}, 5),
          Heartbeat(100, 1, 2, 2, 5),
          Heartbeat(100, 1, 3, 2, 4)};
}

}  // namespace raftlab::evidence::checktest
