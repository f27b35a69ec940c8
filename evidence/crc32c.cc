// Table-driven CRC-32C, eight bytes per step ("slicing by 8") with a byte-at-a-time tail.
#include "evidence/crc32c.h"

#include <array>

namespace raftlab::evidence::crc32c {
namespace {

constexpr uint32_t kReflectedPoly = 0x82F63B78u;

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// tables[0][b]: the CRC register after shifting byte b through it.
// tables[k][b]: the same byte followed by k zero bytes, so eight lookups fold one 64-bit word.
constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t r = b;
    for (int bit = 0; bit < 8; ++bit) r = (r & 1u) ? (r >> 1) ^ kReflectedPoly : r >> 1;
    t[0][b] = r;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t prev = t[k - 1][b];
      t[k][b] = (prev >> 8) ^ t[0][prev & 0xffu];
    }
  }
  return t;
}

constexpr Tables kTables = MakeTables();

inline uint32_t LoadLE32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

}  // namespace

uint32_t Extend(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t r = ~crc;
  while (n >= 8) {
    uint32_t lo = LoadLE32(p) ^ r;
    uint32_t hi = LoadLE32(p + 4);
    r = kTables[7][lo & 0xffu] ^ kTables[6][(lo >> 8) & 0xffu] ^ kTables[5][(lo >> 16) & 0xffu] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xffu] ^ kTables[2][(hi >> 8) & 0xffu] ^
        kTables[1][(hi >> 16) & 0xffu] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) r = (r >> 8) ^ kTables[0][(r ^ *p++) & 0xffu];
  return ~r;
}

}  // namespace raftlab::evidence::crc32c
