// JournalBatcher: appends whole JSONL lines to a run's journal in batches, so that a load
// generator issuing thousands of operations a second never waits on the disk.
//
// The journal file belongs to raftlabd (evidence/journal.h writes it through an O_APPEND
// stream, one flushed line at a time); scenarios and load generators append to the same file
// from their own processes. What keeps the file well formed is that every writer opens it with
// O_APPEND and hands the kernel only whole lines in each write(2): an appending write to a
// regular file lands at the end as one piece (Linux holds the inode lock for the whole write),
// so lines of different writers interleave only at line boundaries. A batch is many lines in
// one write call, cut at a line boundary below max_write_bytes (one longer line goes alone).
// A short write (only on a full disk or a signal) is finished by further writes.
//
// Producers call Append() with one or more whole lines; a writer thread wakes every
// flush_interval_ms (or when enough bytes wait) and writes what is queued in order. Nothing
// is dropped: Close() (or the destructor) writes everything still queued before it returns;
// a write error stops writing and is counted as lost lines and returned by Close().
//
// The sink is a seam: tests pass one that records each write call (and can write short).
// Thread-safe: any number of producers; one writer thread of its own.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/status.h"

namespace raftlab::driver {

class JournalBatcher {
 public:
  // One write call: returns how many bytes it took (possibly fewer than offered), or an error.
  using Sink = std::function<Result<size_t>(std::string_view bytes)>;

  struct Options {
    int flush_interval_ms = 20;
    size_t max_write_bytes = 256 * 1024;
  };

  struct Stats {
    uint64_t lines_queued = 0;
    uint64_t lines_written = 0;
    uint64_t bytes_written = 0;
    uint64_t writes = 0;           // write calls that wrote something
    uint64_t lines_lost = 0;       // after a write error
  };

  JournalBatcher(Sink sink, Options options);
  // A batcher that appends to `path` (opened O_WRONLY | O_APPEND | O_CREAT).
  static Result<std::unique_ptr<JournalBatcher>> OpenAppend(const std::string& path, Options options);
  ~JournalBatcher();
  JournalBatcher(const JournalBatcher&) = delete;
  JournalBatcher& operator=(const JournalBatcher&) = delete;

  // Queues whole lines (each ending in '\n'; a missing final '\n' is added). Never blocks on
  // I/O; after Close() the lines are counted as lost.
  void Append(std::string lines);
  // Writes everything queued, then stops the writer. Idempotent; the first write error.
  Status Close();
  Stats stats() const;

 private:
  void WriterLoop();
  // Writes `bytes` (whole lines) in calls of at most max_write_bytes cut at line ends.
  Status WriteAll(std::string_view bytes);

  Sink sink_;
  Options options_;
  int fd_ = -1;                       // owned when made by OpenAppend
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::string pending_;               // whole lines, in Append order
  bool closing_ = false;
  bool closed_ = false;
  Status error_;
  Stats stats_;
  std::mutex close_mu_;
  std::thread writer_;
};

}  // namespace raftlab::driver
