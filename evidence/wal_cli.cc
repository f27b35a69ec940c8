#include "evidence/wal_cli.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "evidence/raft_log_json.h"
#include "evidence/request_decoder.h"
#include "evidence/snap_reader.h"
#include "evidence/wal_format.h"
#include "evidence/wal_reader.h"

namespace raftlab::evidence {
namespace {

namespace fs = std::filesystem;

bool HasFileEndingIn(const fs::path& dir, std::string_view suffix) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

std::string Pad(const std::string& s, size_t width, bool right) {
  if (s.size() >= width) return s;
  std::string fill(width - s.size(), ' ');
  return right ? fill + s : s + fill;
}

std::string EntryBrief(const LogEntry& e) {
  return "term " + std::to_string(e.term) + " " + (e.request.kind == "noop" ? "noop" : "entry '" + e.request.summary + "'");
}

std::string IdList(const std::vector<uint64_t>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? " " : "") + HexId(ids[i]);
  return s + "]";
}

}  // namespace

Result<std::string> FindWalDir(const std::string& data_dir) {
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) return InvalidArgument("no such directory: " + data_dir);
  fs::path member_wal = fs::path(data_dir) / "member" / "wal";
  if (fs::is_directory(member_wal, ec)) return member_wal.string();
  if (HasFileEndingIn(data_dir, wal::kSegmentSuffix)) return data_dir;
  return InvalidArgument("no WAL in " + data_dir + ": neither " + member_wal.string() +
                         " nor the directory itself holds .wal segments");
}

Result<std::string> FindSnapDir(const std::string& data_dir) {
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) return InvalidArgument("no such directory: " + data_dir);
  fs::path member_snap = fs::path(data_dir) / "member" / "snap";
  if (fs::is_directory(member_snap, ec)) return member_snap.string();
  if (HasFileEndingIn(data_dir, ".snap")) return data_dir;
  return InvalidArgument("no snapshot directory in " + data_dir + ": neither " + member_snap.string() +
                         " nor the directory itself holds .snap files");
}

std::string FormatWalDump(const RaftLog& log, const std::string& wal_dir) {
  std::ostringstream o;
  o << "WAL " << wal_dir << "\n";
  o << "segments: " << log.files.size();
  for (const auto& f : log.files) o << " " << f;
  o << "\nnode " << HexId(log.node_id) << "  cluster " << HexId(log.cluster_id) << "\n";
  if (log.entries.empty()) {
    o << "entries: none (next index " << log.first_index << ")\n";
  } else {
    o << "entries: " << log.entries.size() << " (index " << log.entries.front().index << ".."
      << log.entries.back().index << ")\n";
    size_t iw = std::max<size_t>(5, std::to_string(log.entries.back().index).size());
    uint64_t max_term = 0;
    for (const auto& e : log.entries) max_term = std::max(max_term, e.term);
    size_t tw = std::max<size_t>(4, std::to_string(max_term).size());
    o << "\n" << Pad("INDEX", iw, true) << "  " << Pad("TERM", tw, true) << "  " << Pad("TYPE", 11, false)
      << "  REQUEST\n";
    for (const auto& e : log.entries) {
      o << Pad(std::to_string(e.index), iw, true) << "  " << Pad(std::to_string(e.term), tw, true) << "  "
        << Pad(EntryTypeName(e.type), 11, false) << "  " << e.request.summary << "\n";
    }
  }
  o << "\noverwrites: " << (log.truncations.empty() ? "none" : std::to_string(log.truncations.size())) << "\n";
  for (const auto& t : log.truncations) {
    for (size_t i = 0; i < t.discarded.size(); ++i) {
      const LogEntry& d = t.discarded[i];
      o << "  index " << d.index << ": " << EntryBrief(d) << " discarded";
      if (i == 0) o << ", replaced by " << EntryBrief(t.replaced_by) << "  (" << t.wal_file << " @ " << t.file_offset << ")";
      o << "\n";
    }
  }
  o << "snapshots: " << (log.snapshots.empty() ? "none" : std::to_string(log.snapshots.size())) << "\n";
  for (const auto& s : log.snapshots) {
    o << "  index " << s.index << " term " << s.term;
    if (s.log_jump) o << "  log jump: entries restart at " << s.index + 1;
    o << "\n";
  }
  if (log.hard_states.empty()) {
    o << "hard states: none\n";
  } else {
    const HardState& hs = log.hard_states.back();
    o << "hard states: " << log.hard_states.size() << " records; last term=" << hs.term
      << " vote=" << HexId(hs.vote) << " commit=" << hs.commit << "\n";
  }
  o << "problems: " << (log.problems.empty() ? "none" : std::to_string(log.problems.size())) << "\n";
  for (const auto& p : log.problems) o << "  " << p.file << " @ " << p.offset << ": " << p.what << "\n";
  for (const auto& n : log.notes) o << "note: " << n.file << " @ " << n.offset << ": " << n.what << "\n";
  return o.str();
}

int RunWalDump(const std::string& data_dir, bool json, std::ostream& out, std::ostream& err) {
  auto dir = FindWalDir(data_dir);
  if (!dir.ok()) {
    err << "wal dump: " << dir.status().message() << "\n";
    return 2;
  }
  auto log = ReadWal(*dir);
  if (!log.ok()) {
    err << "wal dump: " << log.status().message() << "\n";
    return 2;
  }
  out << (json ? RaftLogToJsonl(*log) : FormatWalDump(*log, *dir));
  if (!log->problems.empty()) {
    err << "wal dump: " << log->problems.size() << " problem(s) in " << *dir << "\n";
    return 1;
  }
  return 0;
}

int RunSnapShow(const std::string& data_dir, bool json, std::ostream& out, std::ostream& err) {
  auto dir = FindSnapDir(data_dir);
  if (!dir.ok()) {
    err << "snap show: " << dir.status().message() << "\n";
    return 2;
  }
  auto files = ReadSnapDir(*dir);
  if (!files.ok()) {
    err << "snap show: " << files.status().message() << "\n";
    return 2;
  }
  size_t problems = 0;
  if (!json && files->empty()) out << "no .snap files in " << *dir << "\n";
  for (const auto& f : *files) {
    problems += f.problems.size();
    if (json) {
      auto ids = [](const std::vector<uint64_t>& v) {
        nlohmann::json a = nlohmann::json::array();
        for (uint64_t id : v) a.push_back(HexId(id));
        return a;
      };
      nlohmann::json j{{"name", f.name},          {"index", f.index},        {"term", f.term},
                       {"voters", ids(f.voters)}, {"learners", ids(f.learners)},
                       {"store_size", f.store_size}, {"crc_ok", f.crc_ok}, {"problems", f.problems}};
      out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      out << f.name << "  index " << f.index << " term " << f.term << "  voters " << IdList(f.voters)
          << " learners " << IdList(f.learners) << "  store " << f.store_size << " bytes  crc "
          << (f.crc_ok ? "ok" : "BAD") << "\n";
      for (const auto& p : f.problems) out << "  problem: " << p << "\n";
    }
  }
  if (problems > 0) {
    err << "snap show: " << problems << " problem(s) in " << *dir << "\n";
    return 1;
  }
  return 0;
}

}  // namespace raftlab::evidence
