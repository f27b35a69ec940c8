// Membership safety, judged on the members' own WALs (and the lab's records beside them):
//
//  1. one sequence: every member applied the same ConfChange entries. For each index where a
//     member's committed log (entries up to CommittedThrough, voter_config.h) holds a ConfChange,
//     every member whose committed log covers that index holds the same entry there. A member
//     whose log ends before the index (removed, stopped) is not judged there; a member whose log
//     starts after it (snapshot install, WAL purge) is judged through its .snap ConfState (rule 4)
//     when it has one at or after that index, else that part is unknown.
//  2. each change moves at most one voter, with the effect etcd 3.4 gives it (voter_config.h:
//     etcd rejects at apply a promote of a non-learner, a second add of a member, ...; a
//     rejected change takes its index and changes nothing). Learners added then promoted, voters
//     added directly, rejected changes: each is reported as what it is.
//  3. never two pending. raft lets a leader propose a ConfChange only once it has applied the
//     previous one (pendingConfIndex <= applied). The decoded WAL keeps no order between entries
//     and hard states, so "pending" is judged from the proposer's own samples: the ConfChange at
//     index j of term T was appended by the leader of T; at the first sample of that leader in T
//     whose own progress (its last index) reaches j, its applied index must be at or above the
//     previous ConfChange i. Applied below i means j was appended while i was pending: violated.
//     A ConfChange whose proposer was never sampled holding it is not judged for this rule.
//  4. the ConfState of every .snap file equals the configuration after its index.
//  5. the lab's records (run.memberships): each step changes at most one voter, so old and new
//     majorities overlap (q_old + q_new > |old ∪ new|); and the last record agrees with the
//     configuration the WALs end with.
//
// judged = ConfChange entries beyond the initial configuration whose effect was determined and
// compared across members (unit "ConfChange entries"), of = those entries the committed logs hold.
// ok needs at least one; a run without any is not_applicable; missing or undecidable parts are
// unknown.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/quorum.h"
#include "evidence/voter_config.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries
namespace {

std::string Set(const std::set<std::string>& s) {
  return "{" + JoinNames({s.begin(), s.end()}) + "}";
}

std::string Config(const std::set<std::string>& voters) {
  const size_t n = voters.size();
  return Set(voters) + " (" + std::to_string(n) + " voters, quorum " +
         std::to_string(QuorumSize(n)) + ", tolerates " + std::to_string(ToleratedFailures(n)) +
         " failures)";
}

std::string IndexList(const std::vector<uint64_t>& indexes) {
  std::string out;
  for (uint64_t i : indexes) out += (out.empty() ? "" : ",") + std::to_string(i);
  return out;
}

// Rule 5, first half: the lab's records, step by step. Returns how many steps changed anything.
size_t JudgeRecords(const Run& run, int64_t origin, std::vector<std::string>* lines,
                    EvidenceList* bad) {
  if (run.memberships.empty()) return 0;
  size_t changes = 0;
  std::set<std::string> old(run.memberships[0].voters.begin(), run.memberships[0].voters.end());
  std::set<std::string> old_learners(run.memberships[0].learners.begin(),
                                     run.memberships[0].learners.end());
  lines->push_back("lab record: initial at t=" + RelSeconds(origin, run.memberships[0].mono_ns) +
                   ": " + Config(old));
  for (size_t i = 1; i < run.memberships.size(); ++i) {
    const MembershipRecord& m = run.memberships[i];
    std::set<std::string> now(m.voters.begin(), m.voters.end());
    std::set<std::string> learners(m.learners.begin(), m.learners.end());
    std::set<std::string> added, removed, both = old;
    for (const std::string& x : now) {
      if (!old.count(x)) added.insert(x);
      both.insert(x);
    }
    for (const std::string& x : old) {
      if (!now.count(x)) removed.insert(x);
    }
    if (now != old || learners != old_learners) ++changes;
    const size_t q_old = QuorumSize(old.size()), q_new = QuorumSize(now.size());
    std::string change;
    for (const std::string& x : added) change += " +" + x;
    for (const std::string& x : removed) change += " -" + x;
    if (change.empty()) change = " voters unchanged";
    if (!m.learners.empty()) change += " (learners " + JoinNames(m.learners) + ")";
    const bool overlap = q_old + q_new > both.size();
    const std::string line = "lab record: step " + std::to_string(i) + " at t=" +
                             RelSeconds(origin, m.mono_ns) + ":" + change + " -> " + Config(now) +
                             "; overlap " + std::to_string(q_old) + " + " + std::to_string(q_new) +
                             (overlap ? " > " : " <= ") + "|old ∪ new| = " +
                             std::to_string(both.size());
    lines->push_back(line);
    const size_t changed = added.size() + removed.size();
    if (changed > 1 || !overlap) {
      bad->Add(line + ": " + std::to_string(changed) + " voters changed at once, from " + Set(old) +
               (overlap ? "" : "; majorities of old and new can be disjoint"));
    }
    old = std::move(now);
    old_learners = std::move(learners);
  }
  return changes;
}

// One member's committed part of its log.
struct Part {
  const RaftLog* log = nullptr;
  uint64_t first = 0, last = 0;   // last < first: nothing committed
};

// What one step did, in words: "add learner n4 -> voters {n1,n2,n3} learners {n4}".
std::string StepLine(const ConfChangeStep& s, const std::map<uint64_t, std::string>& names,
                     const std::map<uint64_t, uint64_t>& learner_added_at) {
  const std::string who = MemberName(names, s.node);
  std::string what;
  switch (s.effect) {
    case ConfEffect::kAddVoter:
      what = "adds " + who + " as a voter directly (not as a learner first)";
      break;
    case ConfEffect::kAddLearner:
      what = "adds " + who + " as a learner";
      break;
    case ConfEffect::kPromote: {
      auto it = learner_added_at.find(s.node);
      what = "promotes learner " + who +
             (it == learner_added_at.end() ? std::string(" (a learner before the logs start)")
                                           : " (added as a learner at index " +
                                                 std::to_string(it->second) + ")");
      break;
    }
    case ConfEffect::kRemoveVoter:
      what = "removes voter " + who;
      break;
    case ConfEffect::kRemoveLearner:
      what = "removes learner " + who;
      break;
    case ConfEffect::kUpdate:
      what = "updates " + who + "'s peer URLs";
      break;
    case ConfEffect::kRejected:
      what = "rejected by etcd at apply (" + s.rejected + "): no effect";
      break;
    default:
      what = ConfEffectName(s.effect);
  }
  return "ConfChange " + DescribeEntry(s.entry) + ": " + what + " -> " +
         DescribeConfig(s.after, names) + " (" + std::to_string(s.VotersMoved()) + " voter" +
         (s.VotersMoved() == 1 ? "" : "s") + " moved)";
}

}  // namespace

Verdict CheckMembership(const Run& run) {
  Verdict v;
  v.unit = "ConfChange entries";
  const int64_t origin = TimeOrigin(run);
  const auto names = IdNames(run);
  EvidenceList bad(40), unjudged(30), steps(60), notes(30);

  std::vector<std::string> record_lines;
  const size_t record_changes = JudgeRecords(run, origin, &record_lines, &bad);

  std::map<std::string, Part> parts;
  for (const auto& [member, log] : run.logs) {
    if (log.entries.empty()) continue;
    parts[member] = {&log, log.entries.front().index,
                     std::min(log.entries.back().index, CommittedThrough(run, member, log))};
  }
  const ConfigTimeline t = BuildConfigTimeline(run);
  // The index up to which entries form the initial configuration.
  const uint64_t initial_end = t.base_known ? std::max(t.base_index, t.initial_through) : 0;

  // Rule 1: at every ConfChange index, who holds what.
  std::map<uint64_t, const LogEntry*> conf_at;   // a ConfChange some member holds committed
  for (const auto& [member, p] : parts) {
    for (const LogEntry& e : p.log->entries) {
      if (e.index > p.last) break;
      if (e.type != EntryType::kNormal && !conf_at.count(e.index)) conf_at[e.index] = &e;
    }
  }
  std::map<std::string, std::vector<uint64_t>> ended_before, started_after;
  size_t compared = 0;
  for (const auto& [index, any] : conf_at) {
    std::vector<std::pair<const LogEntry*, std::vector<std::string>>> groups;
    for (const auto& [member, p] : parts) {
      if (index > p.last) {
        ended_before[member].push_back(index);
        continue;
      }
      if (index < p.first) {
        started_after[member].push_back(index);
        continue;
      }
      const LogEntry* e = p.log->At(index);
      auto g = std::find_if(groups.begin(), groups.end(),
                            [&](const auto& x) { return SameEntry(*x.first, *e); });
      if (g == groups.end()) {
        groups.push_back({e, {member}});
      } else {
        g->second.push_back(member);
      }
    }
    ++compared;
    if (groups.size() <= 1) continue;
    // The largest group holding a ConfChange is what was applied; the others lack it.
    std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
      return (a.first->type != EntryType::kNormal) > (b.first->type != EntryType::kNormal) ||
             ((a.first->type != EntryType::kNormal) == (b.first->type != EntryType::kNormal) &&
              a.second.size() > b.second.size());
    });
    const auto& applied = groups.front();
    for (size_t k = 1; k < groups.size(); ++k) {
      bad.Add(JoinNames(groups[k].second) + (groups[k].second.size() == 1 ? "'s" : "'") +
              " committed log lacks ConfChange " + DescribeEntry(*applied.first) + " that " +
              JoinNames(applied.second) + " applied: it holds " + DescribeEntry(*groups[k].first) +
              " at index " + std::to_string(index));
    }
  }
  for (const auto& [member, indexes] : ended_before) {
    notes.Add(member + "'s committed log ends at " + std::to_string(parts[member].last) +
              ", before the ConfChange entries at " + IndexList(indexes) +
              " (removed or stopped before them): not judged there");
  }
  for (const auto& [member, indexes] : started_after) {
    const uint64_t need = indexes.back();
    const SnapFile* covering = nullptr;
    if (auto it = run.snaps.find(member); it != run.snaps.end()) {
      for (const SnapFile& f : it->second) {
        if (f.problems.empty() && f.index >= need && (covering == nullptr || f.index < covering->index)) {
          covering = &f;
        }
      }
    }
    const std::string head = member + "'s committed log starts at " +
                             std::to_string(parts[member].first) + ", after the ConfChange entries at " +
                             IndexList(indexes);
    if (covering != nullptr) {
      notes.Add(head + ": judged through its " + covering->name + " (index " +
                std::to_string(covering->index) + ", below)");
    } else {
      unjudged.Add(head + "; no readable .snap of " + member + " at or after index " +
                   std::to_string(need) + ": unknown for that part");
    }
  }

  // Rules 2 and 3, over the timeline's steps.
  std::map<uint64_t, uint64_t> learner_added_at;
  size_t judged = 0, of = 0, pending_judged = 0, pending_of = 0;
  for (const auto& [index, e] : conf_at) {
    if (index <= initial_end && e->term == 1) continue;   // the initial members
    if (t.base_known && index <= t.base_index) continue;  // summarised by the base
    ++of;
  }
  const ConfChangeStep* prev = nullptr;
  for (const ConfChangeStep& s : t.steps) {
    if (s.entry.index > t.known_through) break;   // the undecoded one that ended the timeline
    if (s.effect == ConfEffect::kBootstrap) {
      prev = &s;
      continue;
    }
    ++judged;
    if (s.effect == ConfEffect::kAddLearner) learner_added_at[s.node] = s.entry.index;
    const std::string line = StepLine(s, names, learner_added_at);
    steps.Add(line);
    if (s.VotersMoved() > 1) {
      bad.Add(line + ": more than one voter changed in one step");
    }
    if (prev != nullptr) {
      ++pending_of;
      const RaftSample* holding = nullptr;
      for (const RaftSample& r : run.samples) {
        if (r.state != "StateLeader" || r.term != s.entry.term) continue;
        auto self = r.progress.find(r.id);
        if (self != r.progress.end() && self->second.match >= s.entry.index) {
          holding = &r;
          break;
        }
      }
      if (holding != nullptr) {
        ++pending_judged;
        if (holding->applied < prev->entry.index) {
          bad.Add("two ConfChanges pending: " + holding->member + ", leader of term " +
                  std::to_string(s.entry.term) + ", held " + DescribeEntry(s.entry) +
                  " at t=" + RelSeconds(origin, holding->mono_ns) + " (its last index " +
                  std::to_string(holding->progress.at(holding->id).match) +
                  ") while it had applied only up to " + std::to_string(holding->applied) +
                  ", below the earlier ConfChange " + DescribeEntry(prev->entry));
        }
      }
    }
    prev = &s;
  }
  for (const auto& [index, e] : conf_at) {
    if (index <= t.known_through || (t.base_known && index <= t.base_index)) continue;
    if (index <= initial_end && e->term == 1) continue;
    unjudged.Add("ConfChange " + DescribeEntry(*e) + " not judged: " +
                 (t.base_known ? t.unknown_beyond : t.base_source));
  }
  for (const auto& [id, at] : learner_added_at) {
    const ConfChangeStep* last = t.LastStepAtOrBelow(t.known_through);
    if (last != nullptr && last->after.learners.count(id)) {
      notes.Add(MemberName(names, id) + " is still a learner at the end (added at index " +
                std::to_string(at) + ")");
    }
  }

  // Rule 4: every .snap ConfState.
  size_t snaps_judged = 0, snaps_of = 0;
  for (const auto& [member, files] : run.snaps) {
    for (const SnapFile& f : files) {
      ++snaps_of;
      const std::string head = member + "'s " + f.name + " (index " + std::to_string(f.index) +
                               ", term " + std::to_string(f.term) + ")";
      if (member == t.snap_member && f.name == t.snap_name) {
        notes.Add(head + " is the configuration's base, not judged against itself");
        continue;
      }
      if (!f.problems.empty()) {
        unjudged.Add(head + ": " + JoinNames(f.problems, "; ") + ": ConfState not judged");
        continue;
      }
      std::string why;
      std::optional<VoterConfig> want = t.After(f.index, &why);
      if (!want) {
        unjudged.Add(head + ": the configuration at its index is unknown (" + why + ")");
        continue;
      }
      ++snaps_judged;
      const VoterConfig got{{f.voters.begin(), f.voters.end()}, {f.learners.begin(), f.learners.end()}};
      if (got != *want || !f.voters_outgoing.empty() || !f.learners_next.empty()) {
        bad.Add(head + " holds ConfState " + DescribeConfig(got, names) +
                (f.voters_outgoing.empty() && f.learners_next.empty() ? "" : " (joint)") +
                " but the configuration after index " + std::to_string(f.index) + " is " +
                DescribeConfig(*want, names) + " (" + t.Label(f.index) + ")");
      }
    }
  }

  // Rule 5, second half: the lab's last record against the WALs' last configuration.
  if (t.base_known && !run.memberships.empty()) {
    const VoterConfig end = t.After(t.known_through).value_or(VoterConfig{});
    bool named = true;   // every id has a lab name, so that the two can be compared
    auto to_names = [&](const std::set<uint64_t>& ids) {
      std::set<std::string> out;
      for (uint64_t id : ids) {
        named = named && names.count(id) > 0;
        out.insert(MemberName(names, id));
      }
      return out;
    };
    const std::set<std::string> wal_voters = to_names(end.voters);
    const std::set<std::string> wal_learners = to_names(end.learners);
    const MembershipRecord& last = run.memberships.back();
    const std::set<std::string> rec_voters(last.voters.begin(), last.voters.end());
    const std::set<std::string> rec_learners(last.learners.begin(), last.learners.end());
    if (named && (rec_voters != wal_voters || rec_learners != wal_learners)) {
      unjudged.Add("the lab's last membership record (t=" + RelSeconds(origin, last.mono_ns) +
                   ") says voters " + Set(rec_voters) + " learners " + Set(rec_learners) +
                   ", the members' committed logs end (index " + std::to_string(t.known_through) +
                   ") with " + DescribeConfig(end, names) + ": a change is missing on one side");
    }
  }

  v.judged = judged;
  v.of = of;
  const size_t initial_voters = t.base_known ? t.Initial().voters.size() : 0;
  std::string count = "judged " + std::to_string(judged) + " of " + std::to_string(of) +
                      " ConfChange entries beyond the initial configuration";
  if (t.base_known) count += " (" + DescribeConfig(t.Initial(), names) + ", " + t.base_source + ")";
  count += " on " + std::to_string(parts.size()) + " members' WALs, " + std::to_string(compared) +
           " ConfChange indexes compared across members; never-two-pending judged on " +
           std::to_string(pending_judged) + " of " + std::to_string(pending_of) +
           " (the proposer's samples); " + std::to_string(snaps_judged) + " of " +
           std::to_string(snaps_of) + " .snap ConfStates judged";

  auto finish = [&](Validity validity, std::string first) {
    v.validity = validity;
    v.evidence.push_back(std::move(first));
    for (std::string& s : bad.Take("violations")) v.evidence.push_back(std::move(s));
    for (std::string& s : unjudged.Take("unjudged parts")) v.evidence.push_back(std::move(s));
    for (std::string& s : steps.Take("ConfChange entries")) v.evidence.push_back(std::move(s));
    for (std::string& s : notes.Take("notes")) v.evidence.push_back(std::move(s));
    for (std::string& s : record_lines) v.evidence.push_back(std::move(s));
    DowngradeForWalProblems(run, &v);
    return v;
  };

  if (bad.size() > 0) return finish(Validity::kViolated, count);
  if (parts.empty()) {
    if (record_changes > 0) {
      return finish(Validity::kUnknown,
                    "judged 0 ConfChange entries: no decoded WAL, and the lab's records show " +
                        std::to_string(record_changes) + " membership change(s) no log confirms");
    }
    if (!run.memberships.empty()) {
      return finish(Validity::kNotApplicable,
                    "no membership change in this run per the lab's records (the initial " +
                        std::to_string(run.memberships[0].voters.size()) +
                        " voters held throughout); no decoded WAL to confirm it");
    }
    return finish(Validity::kUnknown, "judged 0 ConfChange entries: no decoded WAL and no "
                                      "membership records");
  }
  if (!t.base_known) {
    return finish(Validity::kUnknown, count + "; the configuration is unknown: " + t.base_source);
  }
  if (of == 0 && record_changes > 0) {
    return finish(Validity::kUnknown,
                  count + "; but the lab's records show " + std::to_string(record_changes) +
                      " membership change(s) that no member's committed log holds");
  }
  if (unjudged.size() > 0) return finish(Validity::kUnknown, count);
  if (of == 0) {
    return finish(Validity::kNotApplicable,
                  "no membership change in this run: the initial " +
                      std::to_string(initial_voters) + " voters held throughout (" + count + ")");
  }
  return finish(Validity::kOk, count);
}

}  // namespace raftlab::evidence
