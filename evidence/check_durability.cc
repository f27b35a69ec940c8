// Durability: nothing acknowledged is lost, nothing committed is overwritten.
//
// (1) Every put a client saw succeed (op ok) is in the committed part of every member's final
// log: an entry `put key=value` at an index the member's last hard state commits, or that some
// other member commits with the very same entry. Members removed by the last membership record
// are not asked. A later put to the same key does not hide the write: presence in the log is
// what counts. A member whose log starts after the write's index (installed snapshot, purged
// WAL) cannot show the entry; it is judged through its store instead: a HashKV of that member
// at a revision at or above the write's, equal to the HashKV at that same revision of a member
// whose committed log holds the write, neither compacted at or past the write's revision
// (HashKV covers every key revision above the compaction point, so equal hashes mean the same
// revisions, the write's included). Without such a pair the answer is unknown rather than ok.
// (2) No member discarded, on replay, an entry at or below a commit index it had reported while
// it still held that entry: before it had seen the term of the overwriting entry (samples with
// a lower term, and WAL hard states with a lower term, come before the overwrite).
//
// Judged: the acknowledged puts found committed in every present member's log (of: every
// acknowledged put). A run with no acknowledged put is not_applicable; WAL problems make an
// otherwise clean verdict unknown.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries
namespace {

// Is `e`, held by `member`, committed by its holder or by another member holding the same entry?
bool CommittedAnywhere(const Run& run, const LogEntry& e) {
  for (const auto& [member, log] : run.logs) {
    if (e.index > log.LastCommit()) continue;
    const LogEntry* other = log.At(e.index);
    if (other != nullptr && SameEntry(*other, e)) return true;
  }
  return false;
}

// A HashKV of `member` at a revision >= `revision` equal to one, at the same revision, of a
// member in `holders`; neither compacted at or past `revision`. Null members when none.
struct HashKvMatch {
  const HashKvRecord* mine = nullptr;
  const HashKvRecord* theirs = nullptr;
};
HashKvMatch MatchingHashKv(const Run& run, const std::string& member, int64_t revision,
                           const std::set<std::string>& holders) {
  if (revision <= 0) return {};
  for (const HashKvRecord& mine : run.hashkvs) {
    if (mine.member != member || mine.revision < revision || mine.compact_revision >= revision) {
      continue;
    }
    for (const HashKvRecord& theirs : run.hashkvs) {
      if (theirs.member != member && holders.count(theirs.member) > 0 &&
          theirs.revision == mine.revision && theirs.hash == mine.hash &&
          theirs.compact_revision < revision) {
        return {&mine, &theirs};
      }
    }
  }
  return {};
}

std::string Range(const RaftLog& log) {
  if (log.entries.empty()) return "empty log";
  return "log " + std::to_string(log.entries.front().index) + "-" +
         std::to_string(log.entries.back().index) + ", commit " + std::to_string(log.LastCommit());
}

}  // namespace

Verdict CheckDurability(const Run& run) {
  Verdict v;
  const int64_t origin = TimeOrigin(run);
  EvidenceList bad(40), unknown(20), good(60);

  // Members present at the end.
  std::vector<std::string> members;
  if (!run.memberships.empty()) {
    const MembershipRecord& last = run.memberships.back();
    members = last.voters;
    members.insert(members.end(), last.learners.begin(), last.learners.end());
  } else {
    for (const auto& [member, log] : run.logs) members.push_back(member);
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());

  // (key, value) -> the entries putting it, per member.
  std::map<std::string, std::map<std::pair<std::string, std::string>, std::vector<const LogEntry*>>>
      puts;
  for (const auto& [member, log] : run.logs) {
    for (const LogEntry& e : log.entries) {
      if (e.request.kind == "put") puts[member][{e.request.key, e.request.value}].push_back(&e);
    }
  }

  // Per member: the acked writes below its log's start that its store was shown to hold.
  struct StoreConfirmation {
    size_t writes = 0;
    uint64_t lowest_index = 0, highest_index = 0, first_log_index = 0;
    int64_t revision = 0;
    std::string holder;
  };
  std::map<std::string, StoreConfirmation> by_store;
  size_t acked = 0, present_everywhere = 0;
  for (const ClientOp& op : run.ops) acked += op.f == "put" && op.outcome == OpOutcome::kOk;
  if (!run.logs.empty()) {
    for (const ClientOp& op : run.ops) {
      if (op.f != "put" || op.outcome != OpOutcome::kOk) continue;
      const std::string what = "put " + op.key + "=" + op.value + " (op " +
                               std::to_string(op.op_id) + ", acked at t=" +
                               RelSeconds(origin, op.complete_ns) +
                               (op.via.empty() ? "" : " via " + op.via) + ")";
      // Where the write sits, if anywhere: the lowest committed index, else the lowest index.
      std::optional<uint64_t> index;
      bool index_committed = false;
      for (const auto& [member, by_kv] : puts) {
        auto it = by_kv.find({op.key, op.value});
        if (it == by_kv.end()) continue;
        for (const LogEntry* e : it->second) {
          const bool c = CommittedAnywhere(run, *e);
          if (!index || (c && !index_committed) || (c == index_committed && e->index < *index)) {
            index = e->index;
            index_committed = c;
          }
        }
      }
      // Members whose committed log holds the write: the stores another member's is compared with.
      std::set<std::string> holders;
      for (const std::string& member : members) {
        auto m = puts.find(member);
        if (m == puts.end()) continue;
        auto it = m->second.find({op.key, op.value});
        if (it == m->second.end()) continue;
        for (const LogEntry* e : it->second) {
          if (CommittedAnywhere(run, *e)) holders.insert(member);
        }
      }
      bool any_complete_log = false, all_ok = true;
      std::vector<std::string> missing;
      for (const std::string& member : members) {
        auto log_it = run.logs.find(member);
        if (log_it == run.logs.end()) {
          all_ok = false;   // said once, below
          continue;
        }
        const RaftLog& log = log_it->second;
        const uint64_t first = log.entries.empty() ? log.first_index : log.entries.front().index;
        if (first <= 1) any_complete_log = true;
        bool found = false, found_committed = false;
        if (auto m = puts.find(member); m != puts.end()) {
          if (auto it = m->second.find({op.key, op.value}); it != m->second.end()) {
            found = true;
            for (const LogEntry* e : it->second) {
              found_committed = found_committed || CommittedAnywhere(run, *e);
            }
          }
        }
        if (found_committed) continue;
        if (!found && index && *index < first) {
          const HashKvMatch match = MatchingHashKv(run, member, op.revision, holders);
          if (match.mine != nullptr) {
            StoreConfirmation& c = by_store[member];
            c.lowest_index = c.writes == 0 ? *index : std::min(c.lowest_index, *index);
            c.highest_index = std::max(c.highest_index, *index);
            c.first_log_index = first;
            c.revision = match.mine->revision;
            c.holder = match.theirs->member;
            ++c.writes;
            continue;
          }
        }
        all_ok = false;
        if (found) {
          unknown.Add(what + ": " + member + " holds it, but no hard state commits it (" +
                      Range(log) + ")");
        } else if (index && *index < first) {
          unknown.Add(what + ": at index " + std::to_string(*index) + ", below " + member +
                      "'s log (" + Range(log) + "; snapshot or purged WAL), and no HashKV of " +
                      member + " at revision " + std::to_string(op.revision) +
                      " or later equals one of a member whose committed log holds it");
        } else if (index) {
          const LogEntry* there = log.At(*index);
          missing.push_back(member + (there ? " (holds " + DescribeEntry(*there) + " at " +
                                                  std::to_string(*index) + ")"
                                            : " (" + Range(log) + ", write is at index " +
                                                  std::to_string(*index) + ")"));
        } else if (first <= 1) {
          missing.push_back(member + " (" + Range(log) + ")");
        } else {
          unknown.Add(what + ": not in " + member + "'s log, which starts at " +
                      std::to_string(first) + " (snapshot or purged WAL)");
        }
      }
      if (!missing.empty()) {
        if (!index && any_complete_log) {
          bad.Add("lost acked write: " + what + " is in no member's log: " +
                  JoinNames(missing, ", "));
        } else {
          bad.Add("acked write missing: " + what + " absent from " + JoinNames(missing, ", "));
        }
      }
      if (all_ok) ++present_everywhere;
    }
  }

  for (const std::string& member : members) {
    if (!run.logs.count(member) && acked > 0) {
      unknown.Add("no decoded WAL for " + member + ": its copy of " + std::to_string(acked) +
                  " acked puts not checked");
    }
  }

  // (2) Overwrites of committed entries.
  size_t truncations = 0;
  for (const auto& [member, log] : run.logs) {
    for (const Truncation& t : log.truncations) {
      ++truncations;
      if (t.discarded.empty()) continue;
      uint64_t lowest = t.discarded.front().index;
      for (const LogEntry& d : t.discarded) lowest = std::min(lowest, d.index);
      const LogEntry* lost = &t.discarded.front();
      for (const LogEntry& d : t.discarded) {
        if (d.index == lowest) lost = &d;
      }
      const std::string head = member + ": " + DescribeEntry(*lost) + " was overwritten by " +
                               DescribeEntry(t.replaced_by) + " although " + member +
                               " had reported commit ";
      std::string why;
      for (size_t i = 0; i < run.samples.size() && why.empty(); ++i) {
        const RaftSample& s = run.samples[i];
        // Only this incarnation: a member added again under the same name has a new id.
        const bool same_member =
            s.member == member && (log.node_id == 0 || s.id == 0 || s.id == log.node_id);
        if (same_member && s.term < t.replaced_by.term && s.commit >= lowest) {
          why = std::to_string(s.commit) + " in term " + std::to_string(s.term) + " (sample " +
                std::to_string(i) + ", t=" + RelSeconds(origin, s.mono_ns) + ")";
        }
      }
      for (size_t i = 0; i < log.hard_states.size() && why.empty(); ++i) {
        const HardState& hs = log.hard_states[i];
        if (hs.term < t.replaced_by.term && hs.commit >= lowest) {
          why = std::to_string(hs.commit) + " in term " + std::to_string(hs.term) +
                " (WAL hard state " + std::to_string(i) + ")";
        }
      }
      if (!why.empty()) bad.Add(head + why);
    }
  }

  v.judged = present_everywhere;
  v.of = acked;
  v.unit = "acknowledged puts";
  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
    v.evidence = bad.Take("violations");
    for (std::string& line : unknown.Take("undecided writes")) v.evidence.push_back(line);
    DowngradeForWalProblems(run, &v);
    return v;
  }
  if (acked == 0) {
    v.validity = Validity::kNotApplicable;
    v.evidence.push_back("no acknowledged put in this run (" + std::to_string(run.ops.size()) +
                         " client operations): nothing to find in the logs; " +
                         std::to_string(truncations) + " WAL overwrites, none below a reported commit");
    return v;
  }
  if (run.logs.empty()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("no decoded WAL: " + std::to_string(acked) + " acked puts not checked");
    return v;
  }
  std::string through_store;
  std::vector<std::string> store_lines;
  for (const auto& [member, c] : by_store) {
    through_store += (through_store.empty() ? "" : ", ") + member;
    store_lines.push_back(
        member + "'s log starts at " + std::to_string(c.first_log_index) + ": " +
        std::to_string(c.writes) + " acked puts at indexes " + std::to_string(c.lowest_index) +
        "-" + std::to_string(c.highest_index) + " are in its store: its HashKV at revision " +
        std::to_string(c.revision) + " equals " + c.holder + "'s, whose committed log holds them");
  }
  const std::string summary =
      "judged " + std::to_string(present_everywhere) + " of " + std::to_string(acked) +
      " acknowledged puts: present in the committed logs of " + JoinNames(members) +
      (through_store.empty() ? "" : " (below the start of " + through_store + "'s log: in its store, by HashKV)") +
      "; " + std::to_string(truncations) + " WAL overwrites, none below a reported commit";
  if (unknown.size() > 0) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back(summary);
    for (std::string& line : unknown.Take("undecided writes")) v.evidence.push_back(line);
    for (std::string& line : store_lines) v.evidence.push_back(std::move(line));
    DowngradeForWalProblems(run, &v);
    return v;
  }
  v.validity = Validity::kOk;
  v.evidence.push_back(summary);
  for (std::string& line : store_lines) v.evidence.push_back(std::move(line));
  DowngradeForWalProblems(run, &v);
  return v;
}

}  // namespace raftlab::evidence
