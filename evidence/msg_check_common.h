// What the message-level checkers (check_msg_*.cc) share: the raft messages of a run
// (Run::messages, from messages.jsonl), who is who, when a receiver can have had a message, how
// times and messages are named in evidence lines, the voters in force at an index, and which
// member led which term on the wire.
//
// Timing. A message's time_ns is when the bridge saw it (the pcap's wall clock); `delivered`
// says the receiver's TCP acknowledged its bytes. The receiver's kernel acknowledges at most
// TCP_DELACK_MAX (200 ms on Linux) after the bytes arrive, so the earliest instant the receiver
// can have held a delivered message is max(time_ns, delivered_ns - 200 ms) (ReceivedBy). Using
// the earliest instant means a checker may credit a reply a little early, never too late: a
// violation is only ever reported when even that credit does not save the message.
//
// Pure functions over a Run; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "evidence/run.h"
#include "evidence/voter_config.h"
#include "evidence/wire_message.h"

namespace raftlab::evidence::msgcheck {

// Linux's TCP_DELACK_MAX: the longest a receiver delays the ACK of bytes it holds.
inline constexpr int64_t kMaxDelayedAckNs = 200'000'000;

// The evidence line of every message checker on a run without messages.jsonl.
inline constexpr char kNoCapture[] = "no messages.jsonl: run without --capture";

// When the run has no messages.jsonl: sets `v` unknown (unit `unit`, evidence kNoCapture) and
// returns true.
bool NoCapture(const Run& run, const std::string& unit, Verdict* v);

// Raft ids and member names, from the messages (from/from_id, to/to_id) and the run's own map
// (samples, member events, membership records), which wins.
class Members {
 public:
  explicit Members(const Run& run);
  uint64_t From(const WireMessage& m) const;   // from_id, else the id of `from`; 0 when unknown
  uint64_t To(const WireMessage& m) const;
  uint64_t Id(const std::string& name) const;  // 0 when unknown
  std::string Name(uint64_t id) const;         // the lab name, else the id in hex
  const std::map<uint64_t, std::string>& names() const { return names_; }

 private:
  std::map<uint64_t, std::string> names_;
  std::map<std::string, uint64_t> ids_;
};

// The earliest capture-clock instant at which the receiver can have held `m` (see the header);
// nullopt when its bytes were never acknowledged.
std::optional<int64_t> ReceivedBy(const WireMessage& m);

// Times and messages in evidence lines, on the timeline of `raftlab messages`
// (wire_timeline.h): seconds since the run's start when the journal places the capture on its
// clock, else since the first packet.
class MessageClock {
 public:
  MessageClock(const Run& run, const Members& members);
  std::string At(int64_t wall_ns) const;             // "t=12.345s"
  std::string Line(const WireMessage& m) const;      // "t=12.345s n1 -> n2 MsgApp term 3 ..."
  // The journal's mono_ns of a capture instant; nullopt without the journal's wall clock.
  std::optional<int64_t> ToMono(int64_t wall_ns) const;

 private:
  int64_t zero_ns_ = 0;
  std::optional<int64_t> wall_minus_mono_;
  const std::map<uint64_t, std::string>* names_;
};

// The voter configuration in force, from the ConfChanges in the decoded WALs (voter_config.h).
// Where the WALs do not tell (a run without them, or an index before what they hold), the lab's
// membership records are used when they all name the same members (no change in the run: the
// configuration was that one throughout).
class VoterLookup {
 public:
  VoterLookup(const Run& run, const Members& members);
  // The configuration deciding the commit of `index` (ConfigTimeline::InForceFor).
  std::optional<VoterConfig> InForceFor(uint64_t index, std::string* label) const;
  // The configuration after every ConfChange at an index <= `index` (a snapshot's ConfState).
  std::optional<VoterConfig> After(uint64_t index, std::string* label) const;

 private:
  std::optional<VoterConfig> Fallback(const std::string& why, std::string* label) const;
  ConfigTimeline timeline_;
  std::optional<VoterConfig> constant_;
  std::string constant_why_;   // why there is no constant configuration
};

// "n1=12 (own) n2=11 n3=0"-style list of `values` for `voters`.
std::string DescribeValues(const std::set<uint64_t>& voters, const std::map<uint64_t, uint64_t>& values,
                           const Members& members, uint64_t leader = 0);

// MsgApp and MsgHeartbeat: only a leader sends them.
bool IsLeaderMessage(const WireMessage& m);
// The term a message says its sender was in; 0 when the type does not carry it (MsgProp and
// MsgReadIndex carry 0, MsgPreVote its sender's term + 1, a granted MsgPreVoteResp the
// pre-candidate's term; a rejecting one carries the sender's own).
uint64_t SenderTerm(const WireMessage& m);

// A member that sent MsgApp/MsgHeartbeat in `term` on the wire.
struct LeaderTerm {
  uint64_t leader = 0;
  uint64_t term = 0;
  size_t first = 0;            // index in the messages of its first leader message of the term
  // The capture holds the leader's way into the term: a message it sent in a lower term, or its
  // MsgVote / MsgPreVote for this term, before `first`. Then every reply it got in the term is in
  // the capture; without it the capture began while the term was under way.
  bool entry_seen = false;
};

// Every leader term on the wire, ordered by first message.
std::vector<LeaderTerm> LeaderTerms(const std::vector<WireMessage>& messages, const Members& members);

}  // namespace raftlab::evidence::msgcheck
