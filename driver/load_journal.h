// LoadJournal: where a load generator's operations go: a JournalBatcher appending to the
// run's journal, and the block of op and client ids (op_id_block.h) this generator claimed
// in that journal, renewed when used up.
//
// Open() claims a block (an "op_block" line) and starts the batcher. Several generators in one
// process may share one LoadJournal (the soak runs a few); ids are handed out under a mutex.
// Close() writes everything queued (JournalBatcher::Close). Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "driver/journal_batcher.h"
#include "driver/op_id_block.h"

namespace raftlab::driver {

class LoadJournal {
 public:
  // `writer` names the generator in the op_block lines ("raftlab load", "scenario reads").
  static Result<std::unique_ptr<LoadJournal>> Open(const std::string& path, const std::string& writer,
                                                   JournalBatcher::Options options = {});
  // For tests: any batcher, a given first block; renewals reserve in `path` when it is not "".
  LoadJournal(std::unique_ptr<JournalBatcher> batcher, OpIdBlock block, std::string path, std::string writer);
  ~LoadJournal();

  int64_t NextOpId();
  int64_t NextClientId();
  // Whole lines (journal_format.md), queued for the batcher.
  void Append(std::string lines);
  // A "note" line with `text` (the transcript's free text), stamped now.
  void Note(const std::string& text);
  Status Close();
  JournalBatcher::Stats stats() const { return batcher_->stats(); }
  const std::string& path() const { return path_; }

 private:
  // The next block after the current one is used up (reserved in the file when there is one).
  void Renew();

  std::unique_ptr<JournalBatcher> batcher_;
  std::string path_, writer_;
  std::mutex mu_;
  OpIdBlock op_block_, client_block_;
  int64_t next_op_ = 0, next_client_ = 0;
};

}  // namespace raftlab::driver
