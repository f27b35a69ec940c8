// DelayControl: a delay in milliseconds read from a small control file, changeable live.
//
// The chaos layer changes a running fault's strength by rewriting the control file (a
// decimal number of milliseconds, e.g. "1500\n"); a missing or empty file means the
// default given at construction (0 for slowfs, --delay-ms for the delayer). The
// file is re-read only when its (mtime, ctime, size, inode) change, so a call costs one
// stat(2) when nothing changed; CurrentMs() may additionally rate-limit stats with
// min_recheck. Used by raftlab-slowfs (fsync delay) and raftlab-delayer (packet hold).
// Thread-safety: CurrentMs() may be called from any number of threads at once.
// ParseDelayMs is pure.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace raftlab::chaos {

// "1500\n" -> 1500, "" or whitespace -> if_empty. Rejects signs, fractions, junk.
Result<int64_t> ParseDelayMs(std::string_view text, int64_t if_empty = 0);

class DelayControl {
 public:
  // An empty path means "no control file": the delay stays default_ms forever.
  DelayControl(std::string path, int64_t default_ms,
               std::chrono::milliseconds min_recheck = std::chrono::milliseconds(0));

  // The delay to apply now. A file that cannot be parsed keeps the previous value (and
  // is reported once on stderr) so a half-written file never turns a fault off.
  int64_t CurrentMs();

  const std::string& path() const { return path_; }

 private:
  struct FileId {
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
    bool operator==(const FileId&) const = default;
  };

  const std::string path_;
  const std::chrono::milliseconds min_recheck_;
  const int64_t default_ms_;
  std::mutex mu_;
  int64_t delay_ms_;
  FileId seen_;
  bool checked_once_ = false;
  std::chrono::steady_clock::time_point last_check_;
};

}  // namespace raftlab::chaos
