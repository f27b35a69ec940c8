// Reads an etcd 3.4 write-ahead log (member/wal/*.wal, format in wal_format.h and
// writeup/wal_format.md) into the member's Raft log (RaftLog, raft_log.h).
//
// The reader verifies the rolling CRC-32C of every record and reports each mismatch as a
// WalProblem (segment name and frame offset), then reads on: after a mismatch it resumes the
// running checksum from the value the writer stored, so one damaged record does not condemn the
// rest. On the newest segment a record that overlaps an all-zero 512-byte sector, or that runs past
// the end of the file, is a torn write: the end of the log, kept in RaftLog::notes, not a problem.
// The replay rules (overwrites, snapshot jumps) are LogReplayer's (wal_replay.h).
//
// WalDecoder and DecodeWal are pure (bytes in, RaftLog out). ReadWal is the edge: it lists and
// reads the directory's files (open/read only), one segment in memory at a time.
// A WalDecoder is single-threaded; the free functions are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "evidence/raft_log.h"

namespace raftlab::evidence {

struct WalReadOptions {
  // Called for each problem as it is found (it is also kept in RaftLog::problems).
  std::function<void(const WalProblem&)> on_problem;
};

// Incremental decoder: feed segments in name order, then Finish().
class WalDecoder {
 public:
  explicit WalDecoder(WalReadOptions options = {});
  ~WalDecoder();
  WalDecoder(const WalDecoder&) = delete;
  WalDecoder& operator=(const WalDecoder&) = delete;

  // `name` must be a segment name (%016x-%016x.wal). `last` marks the newest segment, the only
  // one where a torn record is expected.
  void AddSegment(std::string_view name, std::string_view bytes, bool last);
  RaftLog Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

struct WalSegment {
  std::string name;    // file name only, e.g. "0000000000000000-0000000000000000.wal"
  std::string bytes;   // its whole content
};

// Decodes segments given in any order: names that are not segment names (0.tmp, *.broken) are
// skipped, the rest are read in name order.
RaftLog DecodeWal(std::vector<WalSegment> segments, const WalReadOptions& options = {});

// The segment file names in `wal_dir`, sorted. NotFound when the directory is missing or holds no
// segment.
Result<std::vector<std::string>> ListWalSegments(const std::string& wal_dir);

// Reads every segment of `wal_dir` (e.g. <data-dir>/member/wal). Bad bytes are problems inside
// the RaftLog; the Status is for a missing directory, no segment, or an unreadable file.
Result<RaftLog> ReadWal(const std::string& wal_dir);
Result<RaftLog> ReadWal(const std::string& wal_dir, const WalReadOptions& options);

// Reads a whole file (the one primitive the evidence readers share).
Result<std::string> ReadFileBytes(const std::string& path);

// One raftpb.Entry's fields as the log holds them: digest, size and decoded request. The WAL
// reader and the wire decoder (wire_rafthttp.h) both build their entries with it.
LogEntry DecodeLogEntry(EntryType type, uint64_t term, uint64_t index, std::string_view data);

}  // namespace raftlab::evidence
