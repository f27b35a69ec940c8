#include "evidence/check_common.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace raftlab::evidence::checkutil {

int64_t TimeOrigin(const Run& run) {
  if (run.start_ns != 0) return run.start_ns;   // the journal's run start (LoadRun)
  int64_t origin = std::numeric_limits<int64_t>::max();
  for (const RaftSample& s : run.samples) origin = std::min(origin, s.mono_ns);
  if (run.samples.empty()) {
    for (const ClientOp& op : run.ops) origin = std::min(origin, op.invoke_ns);
  }
  return origin == std::numeric_limits<int64_t>::max() ? 0 : origin;
}

std::string RelSeconds(int64_t origin, int64_t mono_ns) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>(mono_ns - origin) / 1e9);
  return buf;
}

std::map<uint64_t, std::string> IdNames(const Run& run) {
  std::map<uint64_t, std::string> names;
  for (const RaftSample& s : run.samples) {
    if (s.id != 0 && !s.member.empty()) names[s.id] = s.member;
  }
  for (const auto& [id, name] : run.member_names) names[id] = name;
  return names;
}

std::string MemberName(const std::map<uint64_t, std::string>& names, uint64_t id) {
  if (id == 0) return "none";
  if (auto it = names.find(id); it != names.end()) return it->second;
  return HexId(id);
}

std::map<std::string, uint64_t> MemberIds(const Run& run) {
  std::map<std::string, uint64_t> ids;
  for (const RaftSample& s : run.samples) {
    if (s.id != 0 && !s.member.empty()) ids[s.member] = s.id;
  }
  for (const auto& [id, name] : run.member_names) ids[name] = id;
  return ids;
}

std::string DescribeEntry(const LogEntry& e) {
  std::string what = e.request.summary;
  if (what.empty()) what = e.request.kind;
  if (what.empty()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "crc %08x", static_cast<unsigned>(e.data_crc));
    what = buf;
  }
  return "(" + std::to_string(e.index) + ", term " + std::to_string(e.term) + ", " + what + ")";
}

bool SameEntry(const LogEntry& a, const LogEntry& b) {
  return a.index == b.index && a.term == b.term && a.type == b.type && a.data_crc == b.data_crc &&
         a.data_size == b.data_size;
}

std::vector<std::string> WalProblemLines(const Run& run) {
  std::vector<std::string> lines;
  for (const auto& [member, error] : run.wal_errors) {
    lines.push_back(member + ": WAL not decoded when the run captured it: " + error);
  }
  for (const auto& [member, log] : run.logs) {
    for (const WalProblem& p : log.problems) {
      lines.push_back(member + ": " + p.what + " (" + (p.file.empty() ? "WAL" : p.file) + " @ " +
                      std::to_string(p.offset) + ")");
    }
  }
  return lines;
}

void DowngradeForWalProblems(const Run& run, Verdict* v) {
  std::vector<std::string> lines = WalProblemLines(run);
  if (lines.empty() || v->validity == Validity::kViolated) {
    for (std::string& line : lines) v->evidence.push_back("WAL problem: " + line);
    return;
  }
  v->validity = Validity::kUnknown;
  // After the line that counts what was judged, which stays first.
  v->evidence.insert(v->evidence.empty() ? v->evidence.end() : v->evidence.begin() + 1,
                     std::to_string(lines.size()) +
                         " WAL problem(s): the decoded logs may be missing or misreading "
                         "records, so what was judged cannot be trusted as complete");
  for (std::string& line : lines) v->evidence.push_back("WAL problem: " + line);
}

void EvidenceList::Add(std::string line) {
  if (lines_.size() < cap_) {
    lines_.push_back(std::move(line));
  } else {
    ++left_off_;
  }
}

std::vector<std::string> EvidenceList::Take(const std::string& what) {
  std::vector<std::string> out = std::move(lines_);
  if (left_off_ > 0) out.push_back("... and " + std::to_string(left_off_) + " more " + what);
  lines_.clear();
  left_off_ = 0;
  return out;
}

}  // namespace raftlab::evidence::checkutil
