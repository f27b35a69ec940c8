#include "driver/load_journal.h"

#include "common/clock.h"
#include "common/json_util.h"

namespace raftlab::driver {

Result<std::unique_ptr<LoadJournal>> LoadJournal::Open(const std::string& path, const std::string& writer,
                                                       JournalBatcher::Options options) {
  Result<OpIdBlock> block = ReserveOpIdBlock(path, writer);
  if (!block.ok()) return block.status();
  Result<std::unique_ptr<JournalBatcher>> batcher = JournalBatcher::OpenAppend(path, options);
  if (!batcher.ok()) return batcher.status();
  return std::make_unique<LoadJournal>(std::move(*batcher), *block, path, writer);
}

LoadJournal::LoadJournal(std::unique_ptr<JournalBatcher> batcher, OpIdBlock block, std::string path, std::string writer)
    : batcher_(std::move(batcher)), path_(std::move(path)), writer_(std::move(writer)), op_block_(block),
      client_block_(block), next_op_(block.first_op_id), next_client_(block.first_client) {}

LoadJournal::~LoadJournal() { (void)Close(); }

void LoadJournal::Renew() {
  OpIdBlock next = OpIdBlockAt(std::max(op_block_.index, client_block_.index) + 1);
  if (!path_.empty()) {
    Result<OpIdBlock> reserved = ReserveOpIdBlock(path_, writer_);
    if (reserved.ok()) next = *reserved;
  }
  if (next_op_ > op_block_.last_op_id) {
    op_block_ = next;
    next_op_ = next.first_op_id;
  }
  if (next_client_ > client_block_.last_client) {
    client_block_ = next;
    next_client_ = next.first_client;
  }
}

int64_t LoadJournal::NextOpId() {
  std::lock_guard<std::mutex> lock(mu_);
  if (next_op_ > op_block_.last_op_id) Renew();
  return next_op_++;
}

int64_t LoadJournal::NextClientId() {
  std::lock_guard<std::mutex> lock(mu_);
  if (next_client_ > client_block_.last_client) Renew();
  return next_client_++;
}

void LoadJournal::Append(std::string lines) { batcher_->Append(std::move(lines)); }

void LoadJournal::Note(const std::string& text) {
  Json line = {{"mono_ns", MonoNowNs()}, {"wall", WallNowIso()}, {"kind", "note"}, {"text", text}, {"writer", writer_}};
  batcher_->Append(line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
}

Status LoadJournal::Close() { return batcher_->Close(); }

}  // namespace raftlab::driver
