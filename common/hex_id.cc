#include "common/hex_id.h"

namespace raftlab {

std::string HexId(uint64_t id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[16];
  size_t start = sizeof buf;   // digits fill from the end
  do {
    buf[--start] = kDigits[id & 0xf];
    id >>= 4;
  } while (id != 0);
  return std::string(buf + start, sizeof buf - start);
}

Result<uint64_t> ParseHexId(std::string_view hex) {
  auto bad = [&] { return InvalidArgument("bad hex id \"" + std::string(hex) + "\" (want 1-16 hex digits)"); };
  if (hex.empty() || hex.size() > 16) return bad();
  uint64_t v = 0;
  for (char c : hex) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return bad();
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace raftlab
