// Reads etcd 3.4 snapshot files (member/snap/%016x-%016x.snap, term then index in hex): each is a
// snappb.snapshot{crc, data} where crc is the plain CRC-32C of data and data is a
// raftpb.Snapshot whose metadata holds the index, term and ConfState (voters, learners...). The
// v2 store JSON inside is only measured, not decoded. The bbolt file snap/db is not read.
//
// DecodeSnap is pure; ReadSnapDir is the edge (lists and reads files). Thread-safe, no state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace raftlab::evidence {

struct SnapFile {
  std::string name;
  uint64_t index = 0;      // from the snapshot's metadata (from the name if it cannot be decoded)
  uint64_t term = 0;
  std::vector<uint64_t> voters;
  std::vector<uint64_t> learners;
  std::vector<uint64_t> voters_outgoing;   // joint consensus only; empty in etcd 3.4
  std::vector<uint64_t> learners_next;
  uint64_t store_size = 0;  // bytes of the v2 store JSON
  bool crc_ok = false;
  std::vector<std::string> problems;   // crc mismatch, undecodable, name/metadata disagreement

  bool operator==(const SnapFile&) const = default;
};

// Decodes one .snap file's bytes; `name` is its file name (checked against the metadata).
SnapFile DecodeSnap(std::string_view name, std::string_view bytes);

// Every %016x-%016x.snap in `snap_dir`, in name order. NotFound if the directory is missing;
// an empty vector when it holds no snapshot (a young member has none).
Result<std::vector<SnapFile>> ReadSnapDir(const std::string& snap_dir);

}  // namespace raftlab::evidence
