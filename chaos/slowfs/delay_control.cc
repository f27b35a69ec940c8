#include "chaos/slowfs/delay_control.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace raftlab::chaos {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads at most a small prefix: a control file is a number, not a document.
bool ReadSmallFile(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[64];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n < 0) return false;
  out->assign(buf, static_cast<size_t>(n));
  return true;
}

}  // namespace

Result<int64_t> ParseDelayMs(std::string_view text, int64_t if_empty) {
  size_t b = 0, e = text.size();
  while (b < e && IsSpace(text[b])) ++b;
  while (e > b && IsSpace(text[e - 1])) --e;
  if (b == e) return if_empty;
  int64_t v = 0;
  for (size_t i = b; i < e; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') {
      return InvalidArgument("delay must be a decimal number of milliseconds, got '" +
                             std::string(text.substr(b, e - b)) + "'");
    }
    v = v * 10 + (c - '0');
    if (v > 24LL * 3600 * 1000) return InvalidArgument("delay above one day");
  }
  return v;
}

DelayControl::DelayControl(std::string path, int64_t default_ms,
                           std::chrono::milliseconds min_recheck)
    : path_(std::move(path)),
      min_recheck_(min_recheck),
      default_ms_(default_ms),
      delay_ms_(default_ms) {}

int64_t DelayControl::CurrentMs() {
  std::lock_guard<std::mutex> lock(mu_);
  if (path_.empty()) return delay_ms_;
  auto now = std::chrono::steady_clock::now();
  if (checked_once_ && now - last_check_ < min_recheck_) return delay_ms_;
  last_check_ = now;

  FileId id;
  struct stat st;
  if (::stat(path_.c_str(), &st) == 0) {
    id.exists = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    id.size = st.st_size;
    id.mtime_ns = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    id.ctime_ns = st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
  }
  if (checked_once_ && id == seen_) return delay_ms_;
  checked_once_ = true;
  seen_ = id;

  if (!id.exists) {
    delay_ms_ = default_ms_;
    return delay_ms_;
  }
  std::string text;
  if (!ReadSmallFile(path_, &text)) {
    seen_ = FileId{};  // try again next call
    return delay_ms_;
  }
  Result<int64_t> parsed = ParseDelayMs(text, default_ms_);
  if (!parsed.ok()) {
    std::fprintf(stderr, "control file %s: %s (keeping %lld ms)\n", path_.c_str(),
                 parsed.status().message().c_str(), static_cast<long long>(delay_ms_));
    return delay_ms_;
  }
  delay_ms_ = *parsed;
  return delay_ms_;
}

}  // namespace raftlab::chaos
