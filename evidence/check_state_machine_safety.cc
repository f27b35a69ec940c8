// State machine safety: no two members apply different entries at one index.
//
// A member's committed entries are those of its final log at or below the commit of its last
// WAL hard state. At every index committed by two or more members, they hold the same entry.
// HashKV records of the same revision (and compact revision: compaction changes the hash) are
// equal across members.
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

  size_t compared = 0;
  if (committed.size() >= 2) {
    uint64_t lo = UINT64_MAX, hi = 0;
    for (const Committed& c : committed) {
      lo = std::min(lo, c.first);
      hi = std::max(hi, c.last);
    }
    for (uint64_t i = lo; i <= hi; ++i) {
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

  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
    v.evidence = bad.Take("violations");
    return v;
  }
  if (compared == 0 && hash_compared == 0) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("nothing to compare: " + std::to_string(committed.size()) +
                         " members with committed entries in a decoded WAL, " +
                         std::to_string(run.hashkvs.size()) + " HashKV records");
    return v;
  }
  v.validity = Validity::kOk;
  v.evidence.push_back(std::to_string(compared) + " committed (index, member) pairs agree; " +
                       std::to_string(hash_compared) + " HashKV comparisons agree");
  for (std::string& line : good.Take("lines")) v.evidence.push_back(line);
  return v;
}

}  // namespace raftlab::evidence
