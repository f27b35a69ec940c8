#include "driver/journal_batcher.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace raftlab::driver {
namespace {

uint64_t CountLines(std::string_view s) { return static_cast<uint64_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

JournalBatcher::JournalBatcher(Sink sink, Options options) : sink_(std::move(sink)), options_(options) {
  options_.max_write_bytes = std::max<size_t>(options_.max_write_bytes, 1);
  options_.flush_interval_ms = std::max(options_.flush_interval_ms, 1);
  writer_ = std::thread([this] { WriterLoop(); });
}

Result<std::unique_ptr<JournalBatcher>> JournalBatcher::OpenAppend(const std::string& path, Options options) {
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable("cannot open journal " + path + ": " + strerror(errno));
  Sink sink = [fd, path](std::string_view bytes) -> Result<size_t> {
    for (;;) {
      ssize_t n = write(fd, bytes.data(), bytes.size());
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      return Internal("journal write to " + path + ": " + strerror(errno));
    }
  };
  std::unique_ptr<JournalBatcher> b(new JournalBatcher(std::move(sink), options));
  b->fd_ = fd;
  return b;
}

JournalBatcher::~JournalBatcher() {
  (void)Close();
  if (fd_ >= 0) close(fd_);
}

void JournalBatcher::Append(std::string lines) {
  if (lines.empty()) return;
  if (lines.back() != '\n') lines.push_back('\n');
  const uint64_t n = CountLines(lines);
  std::lock_guard<std::mutex> lock(mu_);
  stats_.lines_queued += n;
  if (closed_) {
    stats_.lines_lost += n;
    return;
  }
  if (pending_.empty()) pending_ = std::move(lines);
  else pending_ += lines;
  if (pending_.size() >= options_.max_write_bytes) wake_.notify_one();
}

void JournalBatcher::WriterLoop() {
  for (;;) {
    std::string batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms),
                     [this] { return closing_ || pending_.size() >= options_.max_write_bytes; });
      if (pending_.empty()) {
        if (closing_) return;
        continue;
      }
      batch.swap(pending_);
    }
    (void)WriteAll(batch);
  }
}

Status JournalBatcher::WriteAll(std::string_view bytes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_.ok()) {
      stats_.lines_lost += CountLines(bytes);
      return error_;
    }
  }
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t end = std::min(pos + options_.max_write_bytes, bytes.size());
    if (end < bytes.size()) {   // cut after the last whole line that fits; a longer line goes alone
      size_t nl = bytes.rfind('\n', end - 1);
      if (nl == std::string_view::npos || nl < pos) nl = bytes.find('\n', end);
      end = nl == std::string_view::npos ? bytes.size() : nl + 1;
    }
    for (size_t off = pos; off < end;) {
      Result<size_t> wrote = sink_(bytes.substr(off, end - off));
      std::lock_guard<std::mutex> lock(mu_);
      if (!wrote.ok() || *wrote == 0) {
        error_ = wrote.ok() ? Internal("journal write wrote nothing") : wrote.status();
        stats_.lines_lost += CountLines(bytes.substr(pos));
        return error_;
      }
      off += *wrote;
      stats_.bytes_written += *wrote;
      ++stats_.writes;
    }
    std::lock_guard<std::mutex> lock(mu_);
    stats_.lines_written += CountLines(bytes.substr(pos, end - pos));
    pos = end;
  }
  return Status::Ok();
}

Status JournalBatcher::Close() {
  std::lock_guard<std::mutex> close_lock(close_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return error_;
    closing_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
  // Lines appended after the writer's last look are written here; later ones count as lost.
  std::string rest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rest.swap(pending_);
    closed_ = true;
  }
  if (!rest.empty()) (void)WriteAll(rest);
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

JournalBatcher::Stats JournalBatcher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace raftlab::driver
