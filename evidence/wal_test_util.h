// Test support: builds etcd WAL segments (and .snap files) byte by byte (frames, padding, rolling CRC-32C) and the
// payloads etcd puts in entries, so that reader tests can describe a WAL in a few lines and then
// damage it precisely. Used by tests (and benchmarks) only. Not thread-safe; no syscalls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "evidence/raft_log.h"
#include "evidence/wal_format.h"

namespace raftlab::evidence {

class WalSegmentBuilderForTest {
 public:
  // `prev_crc`: the running checksum at the end of the previous segment (0 for the first).
  explicit WalSegmentBuilderForTest(uint32_t prev_crc = 0) : crc_(prev_crc) {}

  // Each Add* returns the file offset of the frame it wrote.
  uint64_t AddCrc();                                        // carries the running checksum
  uint64_t AddMetadata(uint64_t node_id, uint64_t cluster_id);
  uint64_t AddEntry(uint64_t index, uint64_t term, const std::string& data,
                    EntryType type = EntryType::kNormal);
  uint64_t AddState(uint64_t term, uint64_t vote, uint64_t commit);
  uint64_t AddSnapshot(uint64_t index, uint64_t term);
  // A record with data; its crc field is the correct running value unless `crc_override` is given.
  uint64_t AddRecord(wal::RecordType type, const std::string& data, const uint32_t* crc_override = nullptr);

  // The head etcd writes at the start of a log: crc, metadata, snapshot{0,0}.
  void AddFirstSegmentHead(uint64_t node_id, uint64_t cluster_id) {
    AddCrc();
    AddMetadata(node_id, cluster_id);
    AddSnapshot(0, 0);
  }
  void AddZeros(size_t n) { bytes_.append(n, '\0'); }

  uint32_t running_crc() const { return crc_; }
  std::string& bytes() { return bytes_; }

 private:
  uint64_t AddFrame(const std::string& record);

  uint32_t crc_;
  std::string bytes_;
};

// Entry payloads as etcd 3.4 writes them.
std::string PutPayloadForTest(const std::string& key, const std::string& value, uint64_t request_id = 7);
std::string DeletePayloadForTest(const std::string& key, const std::string& range_end);
std::string V2PutPayloadForTest(const std::string& path, const std::string& val);
std::string ConfChangePayloadForTest(int type, uint64_t node_id, const std::string& context);

// A .snap file's bytes: snappb.snapshot{crc, raftpb.Snapshot{store JSON, metadata}}.
std::string SnapFileForTest(uint64_t index, uint64_t term, const std::vector<uint64_t>& voters,
                            const std::vector<uint64_t>& learners, bool corrupt_crc = false);

// Segment name for (seq, index): "%016x-%016x.wal".
std::string SegmentNameForTest(uint64_t seq, uint64_t index);

}  // namespace raftlab::evidence
