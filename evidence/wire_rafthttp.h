// etcd 3.4's rafthttp encodings (etcd-3.4-facts.md §8.5-§8.8), decoded from a de-chunked HTTP
// body (wire_http.h) into frames: raft messages as WireMessage fields, and rafthttp's own link
// heartbeats, each with the body offsets it occupied.
//
//   message stream   frames of [8-byte big-endian length][raftpb.Message]; a MsgHeartbeat with
//                    From = To = 0 is the link heartbeat
//   msgappv2 stream  [0x00] link heartbeat; [0x02][8-byte length][Message] a full MsgApp;
//                    [0x01][8-byte count K][K x (8-byte size, Entry)][8-byte commit] a short MsgApp
//                    whose term, log term and index come from the stream's state (a full frame's
//                    term and last index, +1 per entry of each short frame); on a stream whose
//                    capture began without a full frame, the first non-empty short frame places it
//                    (index = first entry's index - 1, term = its term). A commit-only short frame
//                    before that cannot be placed: its encoding is "short_unplaced", term and index 0
//   pipeline POST    the body is one Message
//   snapshot POST    [8-byte length][MsgSnap][the db file to the end of the body]
// Entries are decoded by DecodeLogEntry (wal_reader.h), as `wal dump` decodes them. A frame cut
// off by the end of the body is not a problem (the capture or the link ended); bytes that are not
// the encoding stop the decoding of that body with a problem. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/wire_http.h"
#include "evidence/wire_message.h"

namespace raftlab::evidence {

struct RaftFrame {
  bool link_heartbeat = false;
  uint64_t begin = 0, end = 0;   // body offsets [begin, end)
  WireMessage msg;               // raft fields only (no time, names, delivery); empty for a link heartbeat
};

struct RaftBodyDecode {
  std::vector<RaftFrame> frames;
  std::string problem;           // empty when every byte decoded (or the tail was merely cut off)
  uint64_t decoded_bytes = 0;    // body bytes covered by whole frames
};

RaftBodyDecode DecodeMessageStream(std::string_view body);
RaftBodyDecode DecodeMsgAppV2Stream(std::string_view body);
// A pipeline body is one Message; an incomplete body yields nothing.
RaftBodyDecode DecodePipelineBody(std::string_view body, bool complete);
// One frame spanning the whole body: the MsgSnap with snapshot->db_size = the bytes after it.
RaftBodyDecode DecodeSnapshotBody(std::string_view body);

// A stream body whose GET was before the capture: message or msgappv2, by which encoding decodes
// it (facts §8.11); when both do, by its first chunk (msgappv2 idles as 1-byte chunks). nullopt
// when neither decodes a frame.
std::optional<StreamKind> ClassifyStreamBody(const HttpBody& body);

// raftpb.Message bytes -> the raft fields of a WireMessage; false when they do not parse.
bool WireMessageFromBytes(std::string_view bytes, WireMessage* out);

}  // namespace raftlab::evidence
