#include "evidence/snap_reader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "etcd/etcdserver/api/snap/snappb/snap.pb.h"
#include "etcd/raft/raftpb/raft.pb.h"
#include "evidence/crc32c.h"
#include "evidence/wal_format.h"
#include "evidence/wal_reader.h"

namespace raftlab::evidence {
namespace {

constexpr std::string_view kSnapSuffix = ".snap";

struct SnapName {
  uint64_t term = 0;
  uint64_t index = 0;
};

std::optional<SnapName> ParseSnapName(std::string_view name) {
  auto n = wal::ParseHexPairName(name, kSnapSuffix);
  if (!n) return std::nullopt;
  return SnapName{n->first, n->second};
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

template <typename Field>
std::vector<uint64_t> Ids(const Field& f) {
  return std::vector<uint64_t>(f.begin(), f.end());
}

}  // namespace

SnapFile DecodeSnap(std::string_view name, std::string_view bytes) {
  SnapFile out;
  out.name = std::string(name);
  std::optional<SnapName> from_name = ParseSnapName(name);
  if (from_name) {
    out.term = from_name->term;
    out.index = from_name->index;
  }
  if (bytes.empty()) {
    out.problems.push_back("empty snapshot file");
    return out;
  }
  snappb::snapshot outer;
  if (!outer.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    out.problems.push_back("not a snappb.snapshot");
    return out;
  }
  uint32_t actual = crc32c::Value(outer.data());
  out.crc_ok = actual == outer.crc();
  if (!out.crc_ok) {
    out.problems.push_back("crc mismatch: want " + Hex32(actual) + ", got " + Hex32(outer.crc()));
  }
  raftpb::Snapshot snap;
  if (!snap.ParseFromString(outer.data())) {
    out.problems.push_back("data is not a raftpb.Snapshot");
    return out;
  }
  const auto& md = snap.metadata();
  out.index = md.index();
  out.term = md.term();
  out.store_size = snap.data().size();
  const auto& cs = md.conf_state();
  out.voters = Ids(cs.voters());
  out.learners = Ids(cs.learners());
  out.voters_outgoing = Ids(cs.voters_outgoing());
  out.learners_next = Ids(cs.learners_next());
  if (from_name && (from_name->term != md.term() || from_name->index != md.index())) {
    out.problems.push_back("name says term " + std::to_string(from_name->term) + " index " +
                           std::to_string(from_name->index) + ", metadata says term " + std::to_string(md.term()) +
                           " index " + std::to_string(md.index()));
  }
  return out;
}

Result<std::vector<SnapFile>> ReadSnapDir(const std::string& snap_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(snap_dir, ec)) return NotFound("no such directory: " + snap_dir);
  std::vector<std::string> names;
  for (fs::directory_iterator it(snap_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (ParseSnapName(name) && it->is_regular_file(ec)) names.push_back(name);
  }
  if (ec) return Unavailable("cannot list " + snap_dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  std::vector<SnapFile> files;
  for (const auto& name : names) {
    auto bytes = ReadFileBytes((fs::path(snap_dir) / name).string());
    if (!bytes.ok()) return bytes.status();
    files.push_back(DecodeSnap(name, *bytes));
  }
  return files;
}

}  // namespace raftlab::evidence
