// wal_decode_bench: throughput of the WAL reader and of the pieces it is made of.
//
//   wal_decode_bench [--entries N] [--value-bytes B] [DATA_DIR]
//
// 1. CRC-32C over 64 MB.
// 2. Builds one in-memory segment of N put entries (default 200000, 100-byte values) with a state
//    record every 10 entries, padded to etcd's 64,000,000-byte preallocation, and decodes it.
// 3. RaftLogToJsonl and RaftLogFromJsonl of the decoded log.
// 4. With DATA_DIR (an etcd --data-dir, or a directory of .wal files): ReadWal on it.
// Figures are printed, never asserted.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "evidence/crc32c.h"
#include "evidence/raft_log_json.h"
#include "evidence/wal_cli.h"
#include "evidence/wal_format.h"
#include "evidence/wal_reader.h"
#include "evidence/wal_test_util.h"

using namespace raftlab::evidence;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void Line(const char* what, double secs, double bytes, double items, const char* item_name) {
  std::printf("%-28s %9.1f ms %9.1f MB/s", what, secs * 1e3, bytes / secs / 1e6);
  if (items > 0) std::printf(" %12.0f %s/s", items / secs, item_name);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t entries = 200000;
  size_t value_bytes = 100;
  std::string data_dir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--entries" && i + 1 < argc) {
      entries = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--value-bytes" && i + 1 < argc) {
      value_bytes = std::strtoull(argv[++i], nullptr, 10);
    } else if (!a.empty() && a[0] != '-') {
      data_dir = a;
    } else {
      std::fprintf(stderr, "usage: wal_decode_bench [--entries N] [--value-bytes B] [DATA_DIR]\n");
      return 2;
    }
  }

  std::string block(wal::kSegmentSizeBytes, '\x5a');
  auto t0 = std::chrono::steady_clock::now();
  volatile uint32_t sink = crc32c::Value(block);
  (void)sink;
  Line("crc32c 64 MB", Seconds(t0), static_cast<double>(block.size()), 0, "");

  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(0x8e9e05c52164694dULL, 0xcdf818194e3a8c32ULL);
  std::string value(value_bytes, 'v');
  for (uint64_t i = 1; i <= entries; ++i) {
    b.AddEntry(i, 2, PutPayloadForTest("key-" + std::to_string(i % 1000), value, i));
    if (i % 10 == 0) b.AddState(2, 0x8e9e05c52164694dULL, i);
  }
  size_t used = b.bytes().size();
  if (used < wal::kSegmentSizeBytes) b.AddZeros(wal::kSegmentSizeBytes - used);
  std::printf("segment: %llu entries, %.1f MB of records, %.1f MB file\n",
              static_cast<unsigned long long>(entries), used / 1e6, b.bytes().size() / 1e6);

  t0 = std::chrono::steady_clock::now();
  RaftLog log = DecodeWal({WalSegment{"0000000000000000-0000000000000000.wal", std::move(b.bytes())}});
  Line("decode segment", Seconds(t0), static_cast<double>(used), static_cast<double>(log.entries.size()), "entries");
  if (log.entries.size() != entries || !log.problems.empty()) {
    std::fprintf(stderr, "unexpected decode: %zu entries, %zu problems\n", log.entries.size(), log.problems.size());
    return 1;
  }

  t0 = std::chrono::steady_clock::now();
  std::string jsonl = RaftLogToJsonl(log);
  Line("RaftLogToJsonl", Seconds(t0), static_cast<double>(jsonl.size()), static_cast<double>(entries), "entries");
  t0 = std::chrono::steady_clock::now();
  auto back = RaftLogFromJsonl(jsonl);
  Line("RaftLogFromJsonl", Seconds(t0), static_cast<double>(jsonl.size()), static_cast<double>(entries), "entries");
  if (!back.ok() || back->entries.size() != entries) {
    std::fprintf(stderr, "round trip failed\n");
    return 1;
  }

  if (!data_dir.empty()) {
    auto dir = FindWalDir(data_dir);
    if (!dir.ok()) {
      std::fprintf(stderr, "%s\n", dir.status().ToString().c_str());
      return 2;
    }
    t0 = std::chrono::steady_clock::now();
    auto real = ReadWal(*dir);
    if (!real.ok()) {
      std::fprintf(stderr, "%s\n", real.status().ToString().c_str());
      return 2;
    }
    double secs = Seconds(t0);
    std::printf("ReadWal %s: %zu segments, %zu entries, %zu problems, %.1f ms\n", dir->c_str(), real->files.size(),
                real->entries.size(), real->problems.size(), secs * 1e3);
  }
  return 0;
}
