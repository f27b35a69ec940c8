// Small helpers shared by the Raft checkers (check_*.cc): naming members, relative times and
// log entries in evidence lines, and bounding the number of lines a verdict carries.
//
// Evidence times are seconds since the run's start ("t=3.201s"), the instant the transcript's
// "+N s" and the panels' x axis count from too (journal_start.h). Members are named
// by their lab name when the Run knows it ("n2"), else by their etcd id in hex. Pure functions
// over a Run, no I/O; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/hex_id.h"    // HexId, as evidence lines name unknown members
#include "common/strings.h"   // JoinNames
#include "evidence/run.h"

namespace raftlab::evidence::checkutil {

// The time origin of evidence lines: run.start_ns, the journal's run start. A Run built in code
// (start_ns 0) falls back to the smallest sample mono_ns; without samples, the earliest op
// invoke; else 0.
int64_t TimeOrigin(const Run& run);

// "3.201s": (mono_ns - origin) in seconds with millisecond precision.
std::string RelSeconds(int64_t origin, int64_t mono_ns);

// etcd id -> lab name, from the samples' ids and then run.member_names (which wins).
std::map<uint64_t, std::string> IdNames(const Run& run);

// Lab name for an etcd member id from `names` (see IdNames), else the id in hex; 0 is "none".
std::string MemberName(const std::map<uint64_t, std::string>& names, uint64_t id);

// Lab name -> etcd id, from run.member_names and the samples. Absent when unknown.
std::map<std::string, uint64_t> MemberIds(const Run& run);

// "(30, term 2, put k=v)"; the summary comes from the decoded request when there is one.
std::string DescribeEntry(const LogEntry& e);

// Two entries hold the same thing: equal index, term, type and data digest.
bool SameEntry(const LogEntry& a, const LogEntry& b);

// The problems the WAL reader reported in any member's log (CRC mismatches, torn records that
// are not at the tail, gaps, undecodable segments), one line each:
// "n2: crc mismatch in entry record: want 0x..., got 0x... (0000...-0000....wal @ 4096)".
std::vector<std::string> WalProblemLines(const Run& run);

// For the checkers that judge the decoded logs: a log with problems cannot support ok. Unless
// `v` is already violated, makes it unknown and appends the problem lines (with what they mean
// for this property). No-op when no log has a problem.
void DowngradeForWalProblems(const Run& run, Verdict* v);

// Appends `line` to `lines` unless `cap` lines are already there; counts what was left off.
// Finish with AppendLeftOff to add one "... and N more" line.
class EvidenceList {
 public:
  explicit EvidenceList(size_t cap) : cap_(cap) {}
  void Add(std::string line);
  size_t size() const { return lines_.size() + left_off_; }
  // The kept lines plus, if any were dropped, "... and N more <what>".
  std::vector<std::string> Take(const std::string& what);

 private:
  size_t cap_;
  size_t left_off_ = 0;
  std::vector<std::string> lines_;
};

}  // namespace raftlab::evidence::checkutil
