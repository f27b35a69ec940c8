// State machine safety: no two members apply different entries at one index.
//
// A member's committed entries are those of its final log at or below the commit of its last
// WAL hard state. At every index committed by two or more members, they hold the same entry.
// HashKV records of the same revision (and compact revision: compaction changes the hash) are
// equal across members, and the run must end with one revision at which every member present
// at the end reported HashKV: that is the comparison of the applied state machines themselves
// (without it the verdict is unknown). Each member's applied index at its HashKV (from its last
// sample before it) says how far its state was compared.
// Judged: committed indexes compared between two or more members, plus HashKV comparisons.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries

Verdict CheckStateMachineSafety(const Run& run) {
  Verdict v;
  const int64_t origin = TimeOrigin(run);
  EvidenceList bad(40), good(60);

  // Committed part of each member's log: [first, commit].
  struct Committed {
    std::string member;
    const RaftLog* log;
    uint64_t first = 0;
    uint64_t last = 0;
  };
  std::vector<Committed> committed;
  for (const auto& [member, log] : run.logs) {
    if (log.entries.empty()) continue;
    const uint64_t last = std::min(log.LastCommit(), log.entries.back().index);
    if (last < log.entries.front().index) continue;
    committed.push_back({member, &log, log.entries.front().index, last});
    good.Add(member + ": committed " + std::to_string(log.entries.front().index) + "-" +
             std::to_string(last) + " (hard state commit " + std::to_string(log.LastCommit()) +
             ")");
  }

  size_t compared = 0;        // (index, member) pairs
  size_t indexes_compared = 0;
  if (committed.size() >= 2) {
    uint64_t lo = UINT64_MAX, hi = 0;
    for (const Committed& c : committed) {
      lo = std::min(lo, c.first);
      hi = std::max(hi, c.last);
    }
    for (uint64_t i = lo; i <= hi; ++i) {
      const size_t before = compared;
      const Committed* ref = nullptr;
      for (const Committed& c : committed) {
        if (i < c.first || i > c.last) continue;
        if (ref == nullptr) {
          ref = &c;
          continue;
        }
        ++compared;
        const LogEntry& x = *ref->log->At(i);
        const LogEntry& y = *c.log->At(i);
        if (!SameEntry(x, y)) {
          bad.Add("index " + std::to_string(i) + " committed differently: " + ref->member + " " +
                  DescribeEntry(x) + " vs " + c.member + " " + DescribeEntry(y));
        }
      }
      indexes_compared += compared > before;
    }
  }

  // HashKV: one hash per (revision, compact revision).
  std::map<std::pair<int64_t, int64_t>, const HashKvRecord*> by_rev;
  size_t hash_compared = 0;
  for (const HashKvRecord& h : run.hashkvs) {
    auto [it, fresh] = by_rev.try_emplace({h.revision, h.compact_revision}, &h);
    if (fresh) continue;
    ++hash_compared;
    const HashKvRecord& ref = *it->second;
    if (ref.hash != h.hash) {
      bad.Add("HashKV at revision " + std::to_string(h.revision) + " (compact " +
              std::to_string(h.compact_revision) + ") differs: " + ref.member + " " +
              std::to_string(ref.hash) + " (t=" + RelSeconds(origin, ref.mono_ns) + ") vs " +
              h.member + " " + std::to_string(h.hash) + " (t=" + RelSeconds(origin, h.mono_ns) +
              ")");
    }
  }
  if (hash_compared > 0) {
    good.Add(std::to_string(hash_compared) + " HashKV comparisons over " +
             std::to_string(by_rev.size()) + " revisions: equal");
  }

  // The final comparison: the highest revision that every member present at the end hashed.
  std::vector<std::string> present;
  if (!run.memberships.empty()) {
    present = run.memberships.back().voters;
    present.insert(present.end(), run.memberships.back().learners.begin(),
                   run.memberships.back().learners.end());
  } else {
    for (const auto& [member, log] : run.logs) present.push_back(member);
  }
  std::map<int64_t, std::map<std::string, const HashKvRecord*>> by_revision;
  for (const HashKvRecord& h : run.hashkvs) by_revision[h.revision][h.member] = &h;
  const std::map<std::string, const HashKvRecord*>* final_hashes = nullptr;
  int64_t final_revision = 0;
  for (auto it = by_revision.rbegin(); it != by_revision.rend() && final_hashes == nullptr; ++it) {
    bool all = !present.empty();
    for (const std::string& m : present) all = all && it->second.count(m) > 0;
    if (all) {
      final_hashes = &it->second;
      final_revision = it->first;
    }
  }
  std::string final_line;
  if (final_hashes != nullptr) {
    final_line = "HashKV at revision " + std::to_string(final_revision) + " on all " +
                 std::to_string(present.size()) + " members present at the end:";
    for (const auto& [member, h] : *final_hashes) {
      const RaftSample* last = nullptr;
      for (const RaftSample& smp : run.samples) {
        if (smp.member == member && smp.mono_ns <= h->mono_ns) last = &smp;
      }
      final_line += " " + member + " " + std::to_string(h->hash) +
                    (last ? " (applied " + std::to_string(last->applied) + ")" : "");
    }
  }

  v.judged = indexes_compared + hash_compared;
  v.unit = "committed indexes and HashKV comparisons";
  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
    v.evidence = bad.Take("violations");
    DowngradeForWalProblems(run, &v);
    return v;
  }
  if (final_hashes == nullptr) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("no HashKV at one revision on every member present at the end (" +
                         JoinNames(present) + "; " + std::to_string(run.hashkvs.size()) +
                         " HashKV records): the applied state machines were not compared; " +
                         std::to_string(indexes_compared) + " committed indexes compared");
    for (std::string& line : good.Take("lines")) v.evidence.push_back(line);
    DowngradeForWalProblems(run, &v);
    return v;
  }
  v.validity = Validity::kOk;
  v.evidence.push_back("judged " + std::to_string(indexes_compared) +
                       " committed indexes held by two or more members (" +
                       std::to_string(compared) + " (index, member) pairs agree) and " +
                       std::to_string(hash_compared) + " HashKV comparisons, all equal");
  v.evidence.push_back(final_line);
  for (std::string& line : good.Take("lines")) v.evidence.push_back(line);
  DowngradeForWalProblems(run, &v);
  return v;
}

}  // namespace raftlab::evidence
