#include "evidence/wal_replay.h"

#include <utility>

namespace raftlab::evidence {

std::optional<uint64_t> LogReplayer::LastIndex() const {
  if (!log_->entries.empty()) return log_->entries.back().index;
  return base_;
}

void LogReplayer::Problem(const std::string& file, uint64_t offset, std::string what) {
  log_->problems.push_back(WalProblem{file, offset, std::move(what)});
}

void LogReplayer::OnEntry(LogEntry entry, const std::string& file, uint64_t offset) {
  auto& entries = log_->entries;
  std::optional<uint64_t> last = LastIndex();
  if (!last || entry.index == *last + 1) {
    entries.push_back(std::move(entry));
    return;
  }
  if (entry.index > *last + 1) {
    Problem(file, offset,
            "gap: entry " + std::to_string(entry.index) + " follows " + std::to_string(*last) +
                "; log restarts at " + std::to_string(entry.index));
    entries.clear();
    base_ = entry.index - 1;
    entries.push_back(std::move(entry));
    return;
  }
  // Overwrite: drop every entry at or above entry.index.
  if (base_ && entry.index <= *base_) {
    Problem(file, offset,
            "entry " + std::to_string(entry.index) + " is at or below the snapshot base " +
                std::to_string(*base_));
    base_ = entry.index - 1;
  }
  Truncation t;
  t.at_index = entry.index;
  t.wal_file = file;
  t.file_offset = offset;
  size_t keep = 0;
  while (keep < entries.size() && entries[keep].index < entry.index) ++keep;
  t.discarded.assign(std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(keep)),
                     std::make_move_iterator(entries.end()));
  entries.resize(keep);
  t.replaced_by = entry;
  if (!t.discarded.empty()) log_->truncations.push_back(std::move(t));
  entries.push_back(std::move(entry));
}

void LogReplayer::OnSnapshot(uint64_t index, uint64_t term, const std::string& /*file*/,
                             uint64_t /*offset*/) {
  SnapshotMark mark{index, term, false};
  std::optional<uint64_t> last = LastIndex();
  if (!last) {
    base_ = index;  // the first thing the log says about itself
  } else if (index > *last) {
    mark.log_jump = true;
    log_->entries.clear();
    base_ = index;
  }
  log_->snapshots.push_back(mark);
}

void LogReplayer::Finish() {
  if (!log_->entries.empty()) {
    log_->first_index = log_->entries.front().index;
  } else {
    log_->first_index = base_ ? *base_ + 1 : 0;
  }
}

}  // namespace raftlab::evidence
