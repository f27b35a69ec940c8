// Journal: the JSONL record of one lab session or scenario run (format: journal_format.md).
// Each Record() appends one line stamped with monotonic and wall time and flushes it, so a
// crash loses at most the line being written. Thread-safe (one mutex around the file).
#pragma once

#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include "common/json_util.h"
#include "common/status.h"

namespace raftlab::evidence {

class Journal {
 public:
  // Creates the parent directory and appends to the file.
  static Result<std::unique_ptr<Journal>> Open(const std::string& path);

  // Writes {"mono_ns":..., "wall":..., "kind":kind, ...fields}.
  void Record(const std::string& kind, Json fields);
  // A fresh id for a client operation (unique within the journal).
  int64_t NextOpId() { return next_op_id_.fetch_add(1) + 1; }
  const std::string& path() const { return path_; }

 private:
  explicit Journal(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::mutex mu_;
  std::ofstream out_;
  std::atomic<int64_t> next_op_id_{0};
};

}  // namespace raftlab::evidence
