// The Lamport diagram of a run's raft messages (issue 13): one lane per member (columns), time
// downward with an axis in seconds, an arrow per message from the sender's lane at its capture
// time to the receiver's lane at the time the receiver's TCP acknowledged it (the capture time
// when it has no such time), coloured by type with a legend.
//
//  - Heartbeats (MsgHeartbeat, MsgHeartbeatResp) delivered within kFoldMaxLagNs are folded: in a band of
//    kFoldBandPx pixels holding more than `fold_heartbeats_above` of them, they are not drawn one by
//    one but as a grey band "×N heartbeats" (consecutive folded bands merge); `show_all_heartbeats`
//    draws every one. Dropped and late heartbeats are always drawn.
//  - A message the receiver never acknowledged (dropped) is a dashed arrow broken off half-way,
//    ending in a red ×.
//  - Fault windows are shaded red across the lanes, labelled with their description (partition
//    groups kept: "partition n1,n5 / n2,n3,n4"); term changes are tags on the lanes ("term 3").
//  - Labels (arrow labels, term tags, band labels) never overlap: labels of votes, snapshots,
//    rejections and dropped messages are placed first, then the rest top-down; one that would
//    overlap a placed label in its column moves below it, and one that would move more than
//    kMaxLabelShiftPx is left out (its arrow keeps the tooltip).
//  - At most `max_arrows` arrows (the earliest); a note says how many more the window holds.
//  - An arrow drops at least kMinDropPx so its direction shows even when the delivery took
//    microseconds; its start is at the exact time.
// Every arrow carries the message's timeline line (wire_timeline.h) as its SVG tooltip, and the
// SVG classes "arrow <class>" (+ " dropped"), "fold", "fault", "term", "label", "legend".
//
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dashboards/lamport_scene.h"
#include "evidence/wire_message.h"

namespace raftlab::dashboards {

inline constexpr double kFoldBandPx = 48;
inline constexpr double kMaxLabelShiftPx = 60;
inline constexpr double kMinDropPx = 3;
inline constexpr int64_t kFoldMaxLagNs = 200'000'000;   // a heartbeat ACKed later than this is drawn

struct LamportBand {     // a fault window, seconds since time 0
  double start = 0, end = 0;
  std::string label;     // "partition n1 / n2,n3"
  bool ended = true;
};

struct LamportTermMark {
  double t = 0;          // seconds since time 0
  std::string member;
  uint64_t term = 0;
};

struct LamportInput {
  std::vector<std::string> members;               // lanes, left to right; members of messages added
  std::vector<evidence::WireMessage> messages;
  int64_t zero_ns = 0;                            // wall-clock instant of t = 0
  std::vector<LamportBand> faults;
  std::vector<LamportTermMark> terms;
  double from = 0, to = 0;                        // window in seconds; to <= from: the messages' span
  std::string title = "raft messages";
  std::string subtitle;                           // e.g. what time 0 is
};

struct LamportOptions {
  bool show_all_heartbeats = false;
  int fold_heartbeats_above = 6;   // per fold band
  int max_arrows = 600;
  double px_per_second = 0;        // 0: from the window and the number of arrows
};

// The drawing class of a message type: "vote", "prevote", "app", "appresp", "heartbeat",
// "snap", "readindex", "prop", "timeoutnow", "other" (the filter groups, with MsgAppResp apart).
std::string LamportClass(const std::string& type);
// Its colour.
std::string LamportColor(const std::string& cls);

Scene LamportScene(const LamportInput& input, const LamportOptions& options);
std::string LamportSvg(const LamportInput& input, const LamportOptions& options);

}  // namespace raftlab::dashboards
