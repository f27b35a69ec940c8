#include "driver/op_id_block.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "common/clock.h"
#include "common/json_util.h"

namespace raftlab::driver {

OpIdBlock OpIdBlockAt(int64_t index) {
  OpIdBlock b;
  b.index = index;
  b.first_op_id = kFirstLoadOpId + index * kOpIdsPerBlock;
  b.last_op_id = b.first_op_id + kOpIdsPerBlock - 1;
  b.first_client = kFirstLoadClient + index * kClientsPerBlock;
  b.last_client = b.first_client + kClientsPerBlock - 1;
  return b;
}

namespace {

// The block index an "op_block" line claims, if `line` is one.
std::optional<int64_t> ClaimedBlock(std::string_view line) {
  if (line.find("op_block") == std::string_view::npos) return std::nullopt;
  Result<Json> j = ParseJson(std::string(line));
  if (!j.ok() || !j->is_object() || j->value("kind", "") != "op_block") return std::nullopt;
  auto it = j->find("block");
  if (it == j->end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// Reads journal text in pieces (a long session's journal need not fit in memory twice) and
// remembers the highest block claimed.
class BlockScanner {
 public:
  void Feed(std::string_view piece) {
    for (size_t nl; (nl = piece.find('\n')) != std::string_view::npos; piece.remove_prefix(nl + 1)) {
      if (carry_.empty()) {
        Line(piece.substr(0, nl));
      } else {
        carry_.append(piece.substr(0, nl));
        Line(carry_);
        carry_.clear();
      }
    }
    carry_.append(piece);
  }
  int64_t Next() {
    if (!carry_.empty()) Line(carry_);
    carry_.clear();
    return next_;
  }

 private:
  void Line(std::string_view line) {
    if (std::optional<int64_t> k = ClaimedBlock(line)) next_ = std::max(next_, *k + 1);
  }
  std::string carry_;
  int64_t next_ = 0;
};

}  // namespace

OpIdBlock NextOpIdBlock(std::string_view text) {
  BlockScanner scan;
  scan.Feed(text);
  return OpIdBlockAt(scan.Next());
}

std::string OpIdBlockLine(const OpIdBlock& b, int64_t mono_ns, const std::string& wall, const std::string& writer) {
  Json line = {{"mono_ns", mono_ns}, {"wall", wall}, {"kind", "op_block"}, {"block", b.index},
               {"first_op_id", b.first_op_id}, {"last_op_id", b.last_op_id}, {"first_client", b.first_client},
               {"last_client", b.last_client}, {"writer", writer}};
  return line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<OpIdBlock> ReserveOpIdBlock(const std::string& path, const std::string& writer) {
  int fd = open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable("cannot open journal " + path + ": " + strerror(errno));
  auto fail = [fd](Status s) {
    close(fd);   // also drops the lock
    return s;
  };
  if (flock(fd, LOCK_EX) != 0) return fail(Internal("cannot lock journal " + path + ": " + strerror(errno)));
  BlockScanner scan;
  std::string buf(1 << 20, '\0');
  for (off_t off = 0;;) {
    ssize_t n = pread(fd, buf.data(), buf.size(), off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Internal("cannot read journal " + path + ": " + strerror(errno)));
    if (n == 0) break;
    scan.Feed(std::string_view(buf.data(), static_cast<size_t>(n)));
    off += n;
  }
  OpIdBlock block = OpIdBlockAt(scan.Next());
  std::string line = OpIdBlockLine(block, MonoNowNs(), WallNowIso(), writer);
  if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    return fail(Internal("cannot append to journal " + path + ": " + strerror(errno)));
  close(fd);
  return block;
}

}  // namespace raftlab::driver
