// LogReplayer: the replay rules that turn a WAL's records, in file order, into a member's final
// Raft log (RaftLog in raft_log.h), keeping the record of everything the replay discarded.
//
//  - An entry whose index follows the last one is appended.
//  - An entry whose index is at or below the last one is an overwrite: a new leader replaced the
//    tail. Entries from that index on are dropped and kept in a Truncation with their successor.
//  - A snapshot record above the last entry is a log jump: the member installed a snapshot sent
//    by the leader, its earlier entries are gone and the log restarts at index + 1. A snapshot
//    record at or below the last entry (a member's own snapshot) changes nothing.
//  - Anything else (an entry leaving a hole) is a WalProblem, and the log restarts at that entry.
// Pure logic over decoded records; one instance per log, not thread-safe. No syscalls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "evidence/raft_log.h"

namespace raftlab::evidence {

class LogReplayer {
 public:
  // Appends to `log`, which must outlive the replayer.
  explicit LogReplayer(RaftLog* log) : log_(log) {}

  // `file` and `offset` locate the record, for truncations and problems.
  void OnEntry(LogEntry entry, const std::string& file, uint64_t offset);
  void OnSnapshot(uint64_t index, uint64_t term, const std::string& file, uint64_t offset);
  void OnHardState(const HardState& hs) { log_->hard_states.push_back(hs); }

  // Sets log->first_index. Call once after the last record.
  void Finish();

 private:
  // Index of the last entry, or the base set by a snapshot when there are no entries.
  std::optional<uint64_t> LastIndex() const;
  void Problem(const std::string& file, uint64_t offset, std::string what);

  RaftLog* log_;
  std::optional<uint64_t> base_;  // entries start at *base_ + 1, once a snapshot record said so
};

}  // namespace raftlab::evidence
