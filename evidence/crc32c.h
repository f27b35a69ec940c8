// CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78), as etcd's WAL and snapshot
// files use it.
//
// Extend() continues a checksum over more bytes: Extend(Value(a), b) == Value(a + b). The WAL's
// running checksum is exactly that: each record carries Extend(previous running value, data).
// Pure functions over memory; the lookup tables are built at compile time, so every function is
// safe to call from any thread. No syscalls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace raftlab::evidence::crc32c {

// Continues `crc` (a finished checksum, 0 for "nothing yet") over data[0, n).
uint32_t Extend(uint32_t crc, const void* data, size_t n);

inline uint32_t Extend(uint32_t crc, std::string_view bytes) {
  return Extend(crc, bytes.data(), bytes.size());
}

// Checksum of data[0, n) on its own.
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view bytes) { return Extend(0, bytes); }

}  // namespace raftlab::evidence::crc32c
