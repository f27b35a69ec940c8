// RaftLog: one member's Raft log as recovered from its own WAL, and the record of what the
// replay discarded. Produced by the WAL reader (wal_reader.h), consumed by the checkers and by
// `raftlab wal dump`. Plain data; serialised to logs/<member>.wal.jsonl by raft_log_json.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace raftlab::evidence {

enum class EntryType { kNormal = 0, kConfChange = 1, kConfChangeV2 = 2 };

// What an entry's payload decoded to. `kind` is one of:
//   "noop"        empty data (a new leader's first entry)
//   "put"         InternalRaftRequest.put          (key, value, lease)
//   "delete"      InternalRaftRequest.delete_range (key, range_end)
//   "txn"         InternalRaftRequest.txn          (summary says what it holds)
//   "lease_grant", "lease_revoke", "compaction", "alarm", "auth", "other_internal"
//   "range"       InternalRaftRequest.range        (key, range_end)
//   "v2"          a v2 etcdserverpb.Request        (method, path in key, val in value)
//   "conf_change" raftpb.ConfChange                (conf_* fields below)
//   "undecodable" none of the above parsed
struct DecodedRequest {
  std::string kind;
  std::string key;
  std::string range_end;
  std::string value;
  int64_t lease = 0;
  uint64_t request_id = 0;          // InternalRaftRequest.header.ID or v2 Request.ID
  std::string summary;              // one readable line, e.g. "put foo=bar"
  // ConfChange only.
  std::string conf_type;            // AddNode, RemoveNode, UpdateNode, AddLearnerNode
  uint64_t conf_node_id = 0;
  std::string conf_name;
  std::vector<std::string> conf_peer_urls;
  bool conf_is_learner = false;
  bool conf_is_promote = false;

  bool operator==(const DecodedRequest&) const = default;
};

struct LogEntry {
  uint64_t index = 0;
  uint64_t term = 0;
  EntryType type = EntryType::kNormal;
  uint32_t data_crc = 0;            // CRC-32C of the raw data: equal entries have equal digests
  uint64_t data_size = 0;
  DecodedRequest request;

  bool operator==(const LogEntry&) const = default;
};

struct HardState {
  uint64_t term = 0;
  uint64_t vote = 0;
  uint64_t commit = 0;

  bool operator==(const HardState&) const = default;
};

// One overwrite seen during replay: `discarded` entries (index >= at_index) were replaced,
// starting with `replaced_by`.
struct Truncation {
  uint64_t at_index = 0;
  std::vector<LogEntry> discarded;
  LogEntry replaced_by;
  std::string wal_file;             // segment holding the overwriting entry
  uint64_t file_offset = 0;

  bool operator==(const Truncation&) const = default;
};

// A type-5 (snapshot) WAL record. `log_jump` is true when it sat above the last entry, i.e.
// the member installed a snapshot sent by the leader and its log restarts at index+1.
struct SnapshotMark {
  uint64_t index = 0;
  uint64_t term = 0;
  bool log_jump = false;

  bool operator==(const SnapshotMark&) const = default;
};

// A problem found while reading; reading goes on where it safely can.
struct WalProblem {
  std::string file;
  uint64_t offset = 0;
  std::string what;                 // "crc mismatch: want 0x..., got 0x...", "torn record", ...

  bool operator==(const WalProblem&) const = default;
};

struct RaftLog {
  uint64_t node_id = 0;             // from the metadata record
  uint64_t cluster_id = 0;
  std::vector<LogEntry> entries;    // the final log, ascending contiguous indexes
  uint64_t first_index = 0;         // index of entries.front() (or of the last jump + 1)
  std::vector<HardState> hard_states;   // every state record, in order
  std::vector<Truncation> truncations;
  std::vector<SnapshotMark> snapshots;
  std::vector<WalProblem> problems;
  std::vector<std::string> files;   // segments read, in order
  // Benign findings that are not problems, e.g. the torn last record a crash leaves behind
  // (etcd itself treats it as the end of the log).
  std::vector<WalProblem> notes;

  bool operator==(const RaftLog&) const = default;

  // The last committed index according to the last hard state (0 if none).
  uint64_t LastCommit() const { return hard_states.empty() ? 0 : hard_states.back().commit; }
  // Entry at `index`, or nullptr when outside the final log.
  const LogEntry* At(uint64_t index) const {
    if (entries.empty() || index < entries.front().index || index > entries.back().index) return nullptr;
    return &entries[index - entries.front().index];
  }
};

}  // namespace raftlab::evidence
