// Log Matching: if two logs hold an entry with the same index and term, the entries are equal
// and so are the logs up to that index.
//
// Two parts. (1) Every entry any member ever held (its final log and the entries its replay
// discarded) is keyed by (index, term): one key, one content (type and data digest). (2) For each
// pair of final logs, below the highest index where both hold the same term, every index both
// hold carries the same entry (a snapshot-installed log starts later, so only the overlap counts).
//
// What counts as judged: the committed indexes (at or below some member's last hard-state commit,
// in its final log) that part (2) compared between at least two members. `of` is every committed
// index, so a scenario that requires "all" asks for the whole committed prefix to be cross-checked.
// Fewer than two logs, or logs that do not overlap, judge nothing: unknown, never ok. WAL problems
// (CRC mismatch, a torn record not at the tail, a gap) make an otherwise clean verdict unknown.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries
namespace {

struct Holder {
  std::string member;
  const LogEntry* entry;
  bool discarded;
};

std::string Where(const Holder& h) {
  return h.member + (h.discarded ? " (discarded by replay)" : "") + " " + DescribeEntry(*h.entry);
}

}  // namespace

Verdict CheckLogMatching(const Run& run) {
  Verdict v;
  EvidenceList bad(40), good(60);

  // (1) One content per (index, term), across all members and all times.
  std::map<std::pair<uint64_t, uint64_t>, Holder> first_holder;
  size_t keyed = 0;
  auto key = [&](const std::string& member, const LogEntry& e, bool discarded) {
    ++keyed;
    auto [it, fresh] = first_holder.try_emplace({e.index, e.term}, Holder{member, &e, discarded});
    if (fresh) return;
    const LogEntry& other = *it->second.entry;
    if (other.type != e.type || other.data_crc != e.data_crc || other.data_size != e.data_size) {
      bad.Add("(index " + std::to_string(e.index) + ", term " + std::to_string(e.term) +
              ") holds different entries: " + Where(it->second) + " vs " +
              Where(Holder{member, &e, discarded}));
    }
  };
  for (const auto& [member, log] : run.logs) {
    for (const LogEntry& e : log.entries) key(member, e, false);
    for (const Truncation& t : log.truncations) {
      for (const LogEntry& e : t.discarded) key(member, e, true);
    }
  }

  // (2) Equal prefixes below the last common (index, term), pair by pair.
  size_t pairs = 0;
  std::set<uint64_t> compared;   // indexes compared between two members
  for (auto a = run.logs.begin(); a != run.logs.end(); ++a) {
    for (auto b = std::next(a); b != run.logs.end(); ++b) {
      const auto& ea = a->second.entries;
      const auto& eb = b->second.entries;
      const std::string pair = a->first + "," + b->first;
      ++pairs;
      if (ea.empty() || eb.empty()) {
        good.Add(pair + ": no overlap (an empty log)");
        continue;
      }
      const uint64_t lo = std::max(ea.front().index, eb.front().index);
      const uint64_t hi = std::min(ea.back().index, eb.back().index);
      if (lo > hi) {
        good.Add(pair + ": no overlap");
        continue;
      }
      // Highest index of the overlap where both hold the same term.
      uint64_t anchor = 0;
      for (uint64_t i = hi; i >= lo && i > 0; --i) {
        if (a->second.At(i)->term == b->second.At(i)->term) {
          anchor = i;
          break;
        }
      }
      if (anchor == 0) {
        good.Add(pair + ": overlap " + std::to_string(lo) + "-" + std::to_string(hi) +
                 ", no common (index, term)");
        continue;
      }
      bool pair_bad = false;
      for (uint64_t i = lo; i <= anchor; ++i) {
        const LogEntry& x = *a->second.At(i);
        const LogEntry& y = *b->second.At(i);
        if (!SameEntry(x, y)) {
          bad.Add(pair + ": both hold (" + std::to_string(anchor) + ", term " +
                  std::to_string(a->second.At(anchor)->term) + ") but differ below it at index " +
                  std::to_string(i) + ": " + a->first + " " + DescribeEntry(x) + " vs " +
                  b->first + " " + DescribeEntry(y));
          pair_bad = true;
          break;
        }
      }
      for (uint64_t i = lo; i <= anchor && !pair_bad; ++i) compared.insert(i);
      if (!pair_bad) {
        good.Add(pair + ": equal on " + std::to_string(lo) + "-" + std::to_string(anchor) +
                 " (last common (index, term) = (" + std::to_string(anchor) + ", " +
                 std::to_string(a->second.At(anchor)->term) + "))" +
                 (anchor < hi ? "; terms differ above it" : ""));
      }
    }
  }

  // Committed indexes, and how many of them the pairs compared.
  std::set<uint64_t> committed;
  for (const auto& [member, log] : run.logs) {
    if (log.entries.empty()) continue;
    const uint64_t last = std::min(log.LastCommit(), log.entries.back().index);
    for (uint64_t i = log.entries.front().index; i <= last; ++i) committed.insert(i);
  }
  v.of = committed.size();
  v.unit = "committed indexes compared across members";
  for (uint64_t i : committed) v.judged += compared.count(i);

  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
    v.evidence = bad.Take("violations");
    DowngradeForWalProblems(run, &v);
    return v;
  }
  if (run.logs.size() < 2) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("need two decoded logs, have " + std::to_string(run.logs.size()));
    return v;
  }
  if (v.judged == 0) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("judged nothing: no committed index is held by two members' logs (" +
                         std::to_string(pairs) + " log pairs, " + std::to_string(committed.size()) +
                         " committed indexes)");
    for (std::string& line : good.Take("pairs")) v.evidence.push_back(line);
    DowngradeForWalProblems(run, &v);
    return v;
  }
  v.validity = Validity::kOk;
  v.evidence.push_back("judged " + std::to_string(v.judged) + " of " + std::to_string(v.of) +
                       " committed indexes in two or more members' logs: equal prefixes over " +
                       std::to_string(pairs) + " log pairs; " + std::to_string(keyed) +
                       " entries (discarded ones included) agree per (index, term)");
  for (std::string& line : good.Take("pairs")) v.evidence.push_back(line);
  DowngradeForWalProblems(run, &v);
  return v;
}

}  // namespace raftlab::evidence
