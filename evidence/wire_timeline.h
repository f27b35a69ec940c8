// The readable view of a run's raft messages (messages.jsonl, wire_json.h): which group a message
// type belongs to, the filters of `raftlab messages` (time window, type groups, members), the
// run's time base, and one timeline line per message:
//   12.345s n1 -> n2 MsgApp term 3 index 10 logterm 2 entries [11..12] commit 10
//   12.346s n2 -> n1 MsgAppResp term 3 index 10 reject hint 7 DROPPED
//   40.120s n1 -> n2 MsgSnap term 8 snap index 5414 term 8 voters n1,n2,n3
//
// Time base: a message's time is its capture time (t_ns, the pcap's wall clock). Times shown are
// seconds since the run's start (the journal's session start, journal_start.h, converted to the
// wall clock through that event's "wall"), the instant the transcript, panels and verdicts count
// from; without a journal, or when the capture is far from it, seconds since the first packet.
//
// Pure functions over values; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"
#include "evidence/wire_message.h"

namespace raftlab::evidence {

// The group of a raft message type, for filters and colours: "vote" (MsgVote, MsgVoteResp),
// "prevote" (MsgPreVote, MsgPreVoteResp), "app" (MsgApp, MsgAppResp), "heartbeat" (MsgHeartbeat,
// MsgHeartbeatResp), "snap" (MsgSnap), "readindex" (MsgReadIndex, MsgReadIndexResp), "prop"
// (MsgProp), "timeoutnow" (MsgTimeoutNow), "other" (anything else).
std::string WireTypeGroup(const std::string& type);
// Every group name above, in that order.
const std::vector<std::string>& WireTypeGroups();

// Raft id -> member name, from the from/from_id and to/to_id pairs the messages carry.
std::map<uint64_t, std::string> WireMemberNames(const std::vector<WireMessage>& messages);

// What time 0 is, as a wall-clock instant in ns, and how it was chosen (for a header line).
struct WireTimeBase {
  int64_t zero_ns = 0;
  std::string describe;   // "seconds since the run's start (journal session start ...)"
};

// The run's start on the wall clock, from its journal events; nullopt when no event carries
// both mono_ns and a parsable "wall".
std::optional<int64_t> RunStartWallNs(const std::vector<Json>& events);

// The run's start when known and within an hour before the first packet (and not after the
// last), else the first packet.
WireTimeBase ChooseWireTimeBase(std::optional<int64_t> run_start_wall_ns, const std::vector<WireMessage>& messages);

// "2026-12-02T00:54:07.208Z" -> ns since the epoch; nullopt when it is not that form.
std::optional<int64_t> ParseWallIsoNs(const std::string& text);

// A time on the timeline: "12.345s", "12345ms", "12.3" (seconds); InvalidArgument otherwise.
Result<int64_t> ParseTimelineTimeNs(const std::string& text);

struct WireFilter {
  std::optional<int64_t> from_ns, to_ns;   // relative to the time base, inclusive
  std::set<std::string> groups;            // WireTypeGroup names; with `types` empty: every type
  std::set<std::string> types;             // exact raft type names ("MsgAppResp")
  std::set<std::string> members;           // a message from or to one of them; empty: every one

  bool Matches(const WireMessage& m, int64_t zero_ns) const;
};

// "vote,prevote,MsgAppResp" into filter->groups / filter->types; InvalidArgument naming an
// unknown name and listing the groups.
Status ParseWireTypes(const std::string& csv, WireFilter* filter);
// "n2" or "n1,n3" into filter->members.
Status ParseWireMembers(const std::string& csv, WireFilter* filter);
// InvalidArgument when the window is empty (from after to).
Status CheckWireWindow(const WireFilter& filter);

std::vector<WireMessage> FilterWireMessages(const std::vector<WireMessage>& messages, const WireFilter& filter,
                                            int64_t zero_ns);

// "12.345s" (ms precision, negative before time 0).
std::string FormatTimelineTime(int64_t t_ns, int64_t zero_ns);

// One timeline line (no newline); `names` maps the ids of a snapshot's ConfState.
std::string WireTimelineLine(const WireMessage& m, int64_t zero_ns, const std::map<uint64_t, std::string>& names);

// The message as messages.jsonl holds it, plus "t": seconds since the time base. One line.
std::string WireTimelineJson(const WireMessage& m, int64_t zero_ns);

}  // namespace raftlab::evidence
