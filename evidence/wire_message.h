// WireMessage: one Raft message as the lab fabric carried it between two members, decoded from a
// packet capture (wire_decoder.h) and written one a line to runs/<run>/messages.jsonl
// (wire_json.h). WireCounters: what the decoder saw in a capture, by HTTP path, stream kind and
// frame type, delivered or not. Plain data; copy freely.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/raft_log.h"

namespace raftlab::evidence {

// The rafthttp channel a message travelled on (etcd-3.4-facts.md §8.9).
enum class StreamKind {
  kMessage,    // GET /raft/stream/message response body: length-prefixed raftpb.Message
  kMsgAppV2,   // GET /raft/stream/msgapp response body: the msgappv2 encoding
  kPipeline,   // POST /raft: one raftpb.Message per request
  kSnapshot,   // POST /raft/snapshot: length-prefixed MsgSnap, then the db file
};

// "message", "msgappv2", "pipeline", "snapshot".
const char* StreamKindName(StreamKind kind);
// The inverse; false for an unknown name.
bool ParseStreamKind(const std::string& name, StreamKind* kind);

// A MsgSnap's snapshot metadata (raftpb.SnapshotMetadata and its ConfState).
struct WireSnapshot {
  uint64_t index = 0;
  uint64_t term = 0;
  std::vector<uint64_t> voters;
  std::vector<uint64_t> learners;
  std::vector<uint64_t> voters_outgoing;
  std::vector<uint64_t> learners_next;
  bool auto_leave = false;
  uint64_t data_size = 0;   // Snapshot.Data: the v2 store
  uint64_t db_size = 0;     // the bbolt file after the message in a snapshot POST body (bytes seen)

  bool operator==(const WireSnapshot&) const = default;
};

struct WireMessage {
  int64_t time_ns = 0;          // capture time of the packet that completed the message
  std::string from, to;         // member names (the IP when the map does not name it)
  uint64_t from_id = 0, to_id = 0;   // raft ids; 0 where the encoding does not carry them and no other flow told
  std::string type;             // raftpb MessageType name: "MsgApp", "MsgHeartbeat", ...
  uint64_t term = 0;
  uint64_t log_term = 0;
  uint64_t index = 0;
  uint64_t commit = 0;
  std::vector<LogEntry> entries;     // decoded as `wal dump` decodes them (DecodeLogEntry)
  bool reject = false;
  uint64_t reject_hint = 0;
  std::string context;               // raw bytes (a read-index id, "CampaignTransfer")
  std::optional<WireSnapshot> snapshot;   // MsgSnap only
  StreamKind stream = StreamKind::kMessage;
  // msgappv2 only: "full" (a 0x02 frame) or "short" (0x01: term, log term, index and the ids were
  // filled in from the stream's state and its endpoints, facts §8.6).
  std::string encoding;
  // True when the receiver's TCP acknowledged every byte of it (cumulative ACK), at delivered_ns.
  bool delivered = false;
  int64_t delivered_ns = 0;
  int http_status = 0;               // pipeline/snapshot: the reply's status (204), 0 if none seen
  std::string flow;                  // "127.99.0.11:2380>127.99.0.12:40312", the bytes' direction

  bool operator==(const WireMessage&) const = default;
};

// What one capture held. Keys of `frames` and `unacked`: "<stream kind> <type>" where type is the
// raft type name, or the rafthttp keep-alive: "message linkHB", "msgappv2 linkHeartbeat"; msgappv2
// MsgApps are "msgappv2 full App" and "msgappv2 short AppEntries" (the README's words).
struct WireCounters {
  std::map<std::string, int64_t> http_requests;   // "GET /raft/probing" (member ids cut from paths)
  std::map<std::string, int64_t> frames;          // frames the receiver's TCP acknowledged
  std::map<std::string, int64_t> unacked;         // frames it never acknowledged in the capture
  int64_t packets = 0;
  int64_t tcp_segments = 0;
  int64_t skipped_frames = 0;        // not IPv4/TCP, or truncated
  int64_t connections = 0;
  int64_t headless_flows = 0;        // flows whose HTTP headers were before the capture
  int64_t duplicate_bytes = 0;       // retransmitted or overlapping payload bytes dropped
  int64_t out_of_order_segments = 0;
  std::vector<std::string> problems; // undecodable bytes, gaps: one line each, with the flow

  bool operator==(const WireCounters&) const = default;
};

struct WireCapture {
  std::vector<WireMessage> messages;   // by time_ns (stable: equal times keep stream order)
  WireCounters counters;
  int64_t first_ns = 0, last_ns = 0;   // first and last packet
};

}  // namespace raftlab::evidence
