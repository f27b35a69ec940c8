// The on-disk layout of an etcd 3.4 write-ahead log (member/wal): constants and the 8-byte frame
// word. writeup/wal_format.md is the prose version; wal_reader.h decodes it.
//
// A segment is a sequence of frames. Each frame is one little-endian 64-bit word followed by a
// serialised walpb.Record and 0..7 zero bytes that round the record up to 8-byte alignment. The
// word's low 56 bits hold the record size (without padding). When bit 63 is set, the low three
// bits of the top byte hold the padding length. A word of zero ends the segment (the rest is the
// zero-filled preallocation).
// Header-only constants and pure inline helpers: thread-safe, no syscalls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <string_view>

namespace raftlab::evidence::wal {

// walpb.Record.type values.
enum class RecordType : int64_t {
  kMetadata = 1,  // data: etcdserverpb.Metadata{NodeID, ClusterID}
  kEntry = 2,     // data: raftpb.Entry
  kState = 3,     // data: raftpb.HardState
  kCrc = 4,       // no data; crc field = the running checksum carried over from the previous segment
  kSnapshot = 5,  // data: walpb.Snapshot{index, term}
};

// Name of a record type for messages ("entry"), or "unknown".
constexpr const char* RecordTypeName(int64_t type) {
  switch (static_cast<RecordType>(type)) {
    case RecordType::kMetadata: return "metadata";
    case RecordType::kEntry: return "entry";
    case RecordType::kState: return "state";
    case RecordType::kCrc: return "crc";
    case RecordType::kSnapshot: return "snapshot";
  }
  return "unknown";
}

constexpr size_t kFrameWordSize = 8;             // the length word before each record
constexpr size_t kAlignment = 8;                 // records are padded to this
constexpr uint64_t kPaddingFlag = uint64_t{1} << 63;
constexpr int kPaddingShift = 56;                // padding length sits in the top byte...
constexpr uint64_t kPaddingMask = 0x7;           // ...in its low three bits
constexpr uint64_t kSizeMask = (uint64_t{1} << 56) - 1;

constexpr uint64_t kSegmentSizeBytes = 64'000'000;  // every segment is preallocated to this
constexpr size_t kSectorSize = 512;                 // torn-write detection granularity
constexpr std::string_view kSegmentSuffix = ".wal";
constexpr std::string_view kTempSegmentName = "0.tmp";  // a segment being prepared; never read

// Padding needed after a record of `size` bytes.
constexpr uint64_t PaddingFor(uint64_t size) { return (kAlignment - size % kAlignment) % kAlignment; }

// The frame word for a record of `size` bytes (size < 2^56).
constexpr uint64_t EncodeFrameWord(uint64_t size) {
  uint64_t pad = PaddingFor(size);
  uint64_t word = size & kSizeMask;
  if (pad != 0) word |= kPaddingFlag | (pad << kPaddingShift);
  return word;
}

struct Frame {
  uint64_t size = 0;     // record bytes
  uint64_t padding = 0;  // zero bytes after them
};

constexpr Frame DecodeFrameWord(uint64_t word) {
  Frame f;
  f.size = word & kSizeMask;
  if (word & kPaddingFlag) f.padding = (word >> kPaddingShift) & kPaddingMask;
  return f;
}

// A segment's name, "%016x-%016x.wal": its sequence number and the index of the first entry it
// expects.
struct SegmentName {
  uint64_t seq = 0;
  uint64_t index = 0;
};

// Both WAL segments and .snap files are named "%016x-%016x<suffix>": the two numbers, or
// nullopt when `name` has another form.
constexpr std::optional<std::pair<uint64_t, uint64_t>> ParseHexPairName(std::string_view name,
                                                                       std::string_view suffix) {
  if (name.size() != 16 + 1 + 16 + suffix.size()) return std::nullopt;
  if (name[16] != '-' || name.substr(33) != suffix) return std::nullopt;
  auto hex = [](std::string_view s, uint64_t& out) {
    out = 0;
    for (char c : s) {
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
      if (d < 0) return false;
      out = out << 4 | static_cast<uint64_t>(d);
    }
    return true;
  };
  std::pair<uint64_t, uint64_t> n{};
  if (!hex(name.substr(0, 16), n.first) || !hex(name.substr(17, 16), n.second)) return std::nullopt;
  return n;
}

// Parses a segment name; nullopt for anything else (0.tmp, *.broken, stray files).
constexpr std::optional<SegmentName> ParseSegmentName(std::string_view name) {
  auto n = ParseHexPairName(name, kSegmentSuffix);
  if (!n) return std::nullopt;
  return SegmentName{n->first, n->second};
}

}  // namespace raftlab::evidence::wal
