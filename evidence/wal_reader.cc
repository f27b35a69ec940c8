#include "evidence/wal_reader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "etcd/etcdserver/etcdserverpb/etcdserver.pb.h"
#include "etcd/raft/raftpb/raft.pb.h"
#include "etcd/wal/walpb/record.pb.h"
#include "evidence/crc32c.h"
#include "evidence/request_decoder.h"
#include "evidence/wal_format.h"
#include "evidence/wal_replay.h"

namespace raftlab::evidence {
namespace {

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

uint64_t LoadLE64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}

// True when the bytes at file offset `start`, cut at 512-byte sector boundaries of the file,
// contain a piece that is entirely zero: a sector the crash never wrote.
bool OverlapsZeroSector(std::string_view bytes, uint64_t start) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t to_boundary = wal::kSectorSize - static_cast<size_t>((start + pos) % wal::kSectorSize);
    size_t len = std::min(to_boundary, bytes.size() - pos);
    std::string_view piece = bytes.substr(pos, len);
    if (std::all_of(piece.begin(), piece.end(), [](char c) { return c == 0; })) return true;
    pos += len;
  }
  return false;
}

template <typename Msg>
bool Parse(Msg& m, std::string_view bytes) {
  return m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

struct WalDecoder::State {
  WalReadOptions options;
  RaftLog log;
  LogReplayer replayer{&log};
  uint32_t running_crc = 0;
  bool have_metadata = false;
  std::optional<uint64_t> last_seq;

  // The segment being read.
  std::string file;
  bool last = false;

  size_t reported = 0;  // problems already passed to options.on_problem

  void Problem(uint64_t offset, std::string what) { log.problems.push_back(WalProblem{file, offset, std::move(what)}); }
  // Hands problems found so far (by this reader or by the replayer) to the callback.
  void Report() {
    for (; reported < log.problems.size(); ++reported) {
      if (options.on_problem) options.on_problem(log.problems[reported]);
    }
  }
  void Note(uint64_t offset, std::string what) { log.notes.push_back(WalProblem{file, offset, std::move(what)}); }

  void Segment(std::string_view name, std::string_view bytes);
  // Returns false when the segment cannot be read further.
  bool Frame(std::string_view bytes, uint64_t& off);
  void Record(const walpb::Record& rec, uint64_t off);
};

void WalDecoder::State::Segment(std::string_view name, std::string_view bytes) {
  file = std::string(name);
  log.files.push_back(file);
  if (auto n = wal::ParseSegmentName(name)) {
    if (last_seq && n->seq != *last_seq + 1) {
      Problem(0, "segment sequence jumps from " + std::to_string(*last_seq) + " to " + std::to_string(n->seq) +
                     ": a segment is missing");
    }
    last_seq = n->seq;
  } else {
    Problem(0, "not a segment name");
  }
  uint64_t off = 0;
  while (Frame(bytes, off)) Report();
  Report();
}

bool WalDecoder::State::Frame(std::string_view bytes, uint64_t& off) {
  const uint64_t size = bytes.size();
  if (off >= size) return false;
  if (size - off < wal::kFrameWordSize) {
    std::string_view rest = bytes.substr(off);
    if (std::all_of(rest.begin(), rest.end(), [](char c) { return c == 0; })) return false;
    if (last) {
      Note(off, "torn record: partial frame word at end of file");
    } else {
      Problem(off, "partial frame word at end of segment");
    }
    return false;
  }
  uint64_t word = LoadLE64(bytes.data() + off);
  if (word == 0) return false;  // the zero-filled preallocated tail: end of segment
  wal::Frame frame = wal::DecodeFrameWord(word);
  uint64_t body_off = off + wal::kFrameWordSize;
  uint64_t available = size - body_off;
  if (frame.size > available || frame.padding > available - frame.size) {
    std::string what = "record of " + std::to_string(frame.size) + " bytes runs past the end of the file";
    if (last) {
      Note(off, "torn record: " + what);
    } else {
      Problem(off, what);
    }
    return false;
  }
  std::string_view body = bytes.substr(body_off, frame.size);
  std::string_view with_padding = bytes.substr(body_off, frame.size + frame.padding);
  const uint64_t frame_off = off;
  off = body_off + frame.size + frame.padding;

  walpb::Record rec;
  if (!Parse(rec, body)) {
    if (last && OverlapsZeroSector(with_padding, body_off)) {
      Note(frame_off, "torn record: unparseable record over a zero sector; end of log");
      return false;
    }
    Problem(frame_off, "unparseable record of " + std::to_string(frame.size) + " bytes");
    return true;
  }
  if (rec.type() == static_cast<int64_t>(wal::RecordType::kCrc)) {
    if (running_crc != 0 && rec.crc() != running_crc) {
      Problem(frame_off, "crc record breaks the chain: want " + Hex32(running_crc) + ", got " + Hex32(rec.crc()));
    }
    running_crc = rec.crc();
    return true;
  }
  uint32_t expected = crc32c::Extend(running_crc, rec.data());
  if (rec.crc() != expected) {
    if (last && OverlapsZeroSector(with_padding, body_off)) {
      Note(frame_off, "torn record: crc mismatch over a zero sector; end of log");
      return false;
    }
    Problem(frame_off, std::string("crc mismatch in ") + wal::RecordTypeName(rec.type()) + " record: want " +
                           Hex32(expected) + ", got " + Hex32(rec.crc()));
    // Resume from the writer's own running value: if only this record's bytes are damaged the
    // records after it still check.
    running_crc = rec.crc();
  } else {
    running_crc = expected;
  }
  Record(rec, frame_off);
  return true;
}

void WalDecoder::State::Record(const walpb::Record& rec, uint64_t off) {
  const std::string& data = rec.data();
  switch (static_cast<wal::RecordType>(rec.type())) {
    case wal::RecordType::kMetadata: {
      etcdserverpb::Metadata md;
      if (!Parse(md, data)) return Problem(off, "unparseable metadata record");
      if (!have_metadata) {
        log.node_id = md.nodeid();
        log.cluster_id = md.clusterid();
        have_metadata = true;
      } else if (md.nodeid() != log.node_id || md.clusterid() != log.cluster_id) {
        Problem(off, "metadata conflict: node " + HexId(md.nodeid()) + " cluster " + HexId(md.clusterid()) +
                         ", first said node " + HexId(log.node_id) + " cluster " + HexId(log.cluster_id));
      }
      return;
    }
    case wal::RecordType::kEntry: {
      raftpb::Entry e;
      if (!Parse(e, data)) return Problem(off, "unparseable entry record");
      replayer.OnEntry(DecodeLogEntry(static_cast<EntryType>(e.type()), e.term(), e.index(), e.data()), file, off);
      return;
    }
    case wal::RecordType::kState: {
      raftpb::HardState hs;
      if (!Parse(hs, data)) return Problem(off, "unparseable state record");
      replayer.OnHardState(HardState{hs.term(), hs.vote(), hs.commit()});
      return;
    }
    case wal::RecordType::kSnapshot: {
      walpb::Snapshot s;
      if (!Parse(s, data)) return Problem(off, "unparseable snapshot record");
      replayer.OnSnapshot(s.index(), s.term(), file, off);
      return;
    }
    case wal::RecordType::kCrc:
      return;  // handled by Frame
  }
  Problem(off, "unknown record type " + std::to_string(rec.type()));
}

WalDecoder::WalDecoder(WalReadOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}

WalDecoder::~WalDecoder() = default;

void WalDecoder::AddSegment(std::string_view name, std::string_view bytes, bool last) {
  state_->last = last;
  state_->Segment(name, bytes);
}

RaftLog WalDecoder::Finish() {
  state_->replayer.Finish();
  return std::move(state_->log);
}

RaftLog DecodeWal(std::vector<WalSegment> segments, const WalReadOptions& options) {
  std::erase_if(segments, [](const WalSegment& s) { return !wal::ParseSegmentName(s.name); });
  std::sort(segments.begin(), segments.end(),
            [](const WalSegment& a, const WalSegment& b) { return a.name < b.name; });
  WalDecoder decoder(options);
  for (size_t i = 0; i < segments.size(); ++i) {
    decoder.AddSegment(segments[i].name, segments[i].bytes, i + 1 == segments.size());
  }
  return decoder.Finish();
}

Result<std::vector<std::string>> ListWalSegments(const std::string& wal_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(wal_dir, ec)) return NotFound("no such directory: " + wal_dir);
  std::vector<std::string> names;
  for (fs::directory_iterator it(wal_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (wal::ParseSegmentName(name) && it->is_regular_file(ec)) names.push_back(name);
  }
  if (ec) return Unavailable("cannot list " + wal_dir + ": " + ec.message());
  if (names.empty()) return NotFound("no WAL segment (%016x-%016x.wal) in " + wal_dir);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::string bytes;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size > 0) {
    bytes.resize(static_cast<size_t>(size));
    in.seekg(0, std::ios::beg);
    in.read(bytes.data(), size);
    bytes.resize(static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return Unavailable("cannot read " + path);
  return bytes;
}

Result<RaftLog> ReadWal(const std::string& wal_dir) { return ReadWal(wal_dir, WalReadOptions{}); }

Result<RaftLog> ReadWal(const std::string& wal_dir, const WalReadOptions& options) {
  auto names = ListWalSegments(wal_dir);
  if (!names.ok()) return names.status();
  WalDecoder decoder(options);
  for (size_t i = 0; i < names->size(); ++i) {
    const std::string& name = (*names)[i];
    auto bytes = ReadFileBytes((std::filesystem::path(wal_dir) / name).string());
    if (!bytes.ok()) return bytes.status();
    decoder.AddSegment(name, *bytes, i + 1 == names->size());
  }
  return decoder.Finish();
}

LogEntry DecodeLogEntry(EntryType type, uint64_t term, uint64_t index, std::string_view data) {
  LogEntry le;
  le.index = index;
  le.term = term;
  le.type = type;
  le.data_crc = crc32c::Value(data);
  le.data_size = data.size();
  le.request = DecodeRequest(type, data);
  return le;
}

}  // namespace raftlab::evidence
