// The commit rule, judged on the samples of one leader in one term:
//  1. quorum: every advance of the leader's commit index goes to an index that a quorum of the
//     voters' match covers. Matches are taken from the leader's progress in the same or an
//     earlier sample of that leader and term (a new leader's progress starts over, so the first
//     sample of a term sets a baseline and only later advances are judged).
//  2. current term: the entry at each newly committed index, in the leader's decoded WAL, has
//     the leader's term (a leader never commits an earlier term's entry by counting replicas).
// Voters come from the run's membership records around the sample's time (the record before
// it, the one in effect, or the next one, since a leader applies a change near when the journal
// records it); without records, from the keys of the leader's progress. Learners never count.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/quorum.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries
namespace {

struct Group {
  std::string leader;
  uint64_t term = 0;
  std::vector<size_t> samples;   // indexes into run.samples, in order
};

// A voter set with every voter's id, when known.
struct VoterSet {
  std::string label;                    // "membership at t=1.000s", "progress keys"
  std::vector<std::string> names;
  std::vector<std::optional<uint64_t>> ids;
};

// The sets that may have been in effect at `t`: see the file comment.
std::vector<VoterSet> VoterSetsAt(const Run& run, const RaftSample& s,
                                  const std::map<std::string, uint64_t>& ids,
                                  const std::map<uint64_t, std::string>& names, int64_t origin) {
  std::vector<VoterSet> sets;
  if (run.memberships.empty()) {
    VoterSet vs;
    vs.label = "progress keys";
    for (const auto& [id, p] : s.progress) {
      vs.names.push_back(MemberName(names, id));
      vs.ids.push_back(id);
    }
    sets.push_back(std::move(vs));
    return sets;
  }
  size_t k = 0;
  while (k + 1 < run.memberships.size() && run.memberships[k + 1].mono_ns <= s.mono_ns) ++k;
  const bool in_effect = run.memberships[k].mono_ns <= s.mono_ns;
  std::vector<size_t> order = {k};
  if (in_effect && k > 0) order.push_back(k - 1);
  if (k + 1 < run.memberships.size()) order.push_back(k + 1);
  for (size_t r : order) {
    const MembershipRecord& m = run.memberships[r];
    VoterSet vs;
    vs.label = "membership at t=" + RelSeconds(origin, m.mono_ns);
    for (const std::string& name : m.voters) {
      vs.names.push_back(name);
      auto it = ids.find(name);
      vs.ids.push_back(it == ids.end() ? std::nullopt : std::optional<uint64_t>(it->second));
    }
    sets.push_back(std::move(vs));
  }
  return sets;
}

struct Judgement {
  uint64_t quorum_index = 0;
  bool missing_id = false;
  std::string detail;   // "voters n1=8 n2=5 n3=5, quorum 2 of 3, membership at t=0.000s"
};

Judgement Judge(const VoterSet& vs, const std::map<uint64_t, uint64_t>& match) {
  Judgement j;
  std::vector<uint64_t> m;
  std::string list;
  for (size_t i = 0; i < vs.names.size(); ++i) {
    uint64_t value = 0;
    if (!vs.ids[i]) {
      j.missing_id = true;
      list += " " + vs.names[i] + "=?";
    } else {
      auto it = match.find(*vs.ids[i]);
      if (it != match.end()) value = it->second;
      list += " " + vs.names[i] + "=" + std::to_string(value);
    }
    m.push_back(value);
  }
  j.quorum_index = QuorumIndex(m);
  j.detail = "voters" + list + ", quorum " + std::to_string(QuorumSize(m.size())) + " of " +
             std::to_string(m.size()) + ", " + vs.label;
  return j;
}

}  // namespace

Verdict CheckCommitQuorum(const Run& run) {
  Verdict v;
  const int64_t origin = TimeOrigin(run);
  const auto names = IdNames(run);
  const auto ids = MemberIds(run);

  std::vector<Group> groups;
  std::map<std::pair<std::string, uint64_t>, size_t> group_of;
  for (size_t i = 0; i < run.samples.size(); ++i) {
    const RaftSample& s = run.samples[i];
    if (s.state != "StateLeader") continue;
    auto [it, fresh] = group_of.try_emplace({s.member, s.term}, groups.size());
    if (fresh) groups.push_back({s.member, s.term, {}});
    groups[it->second].samples.push_back(i);
  }

  EvidenceList bad(40), unknown(20), good(60);
  size_t judged = 0;
  for (const Group& g : groups) {
    const std::string head = "term " + std::to_string(g.term) + ": leader " + g.leader;
    const auto log_it = run.logs.find(g.leader);
    const RaftLog* log = log_it == run.logs.end() ? nullptr : &log_it->second;
    // A WAL of another incarnation (same name, new etcd id) says nothing about this leader.
    const uint64_t leader_id = run.samples[g.samples.front()].id;
    if (log != nullptr && log->node_id != 0 && leader_id != 0 && log->node_id != leader_id) {
      log = nullptr;
    }
    std::map<uint64_t, uint64_t> match;   // highest match seen so far in this leader's term
    uint64_t commit = 0;
    size_t advances = 0, term_checked = 0;
    bool group_bad = false, no_log_noted = false;
    for (size_t n = 0; n < g.samples.size(); ++n) {
      const size_t i = g.samples[n];
      const RaftSample& s = run.samples[i];
      for (const auto& [id, p] : s.progress) match[id] = std::max(match[id], p.match);
      const std::string at = " at t=" + RelSeconds(origin, s.mono_ns) + " (sample " +
                             std::to_string(i) + ")";
      if (n == 0) {
        commit = s.commit;
        continue;
      }
      if (s.commit < commit) {
        bad.Add(head + ": commit went down " + std::to_string(commit) + " -> " +
                std::to_string(s.commit) + at);
        group_bad = true;
        commit = s.commit;
        continue;
      }
      if (s.commit == commit) continue;
      const uint64_t from = commit;
      commit = s.commit;
      ++advances;
      ++judged;
      const std::string step = " advanced commit " + std::to_string(from) + " -> " +
                               std::to_string(s.commit) + at;

      // 1. Quorum: some plausible voter set covers the new commit index.
      std::vector<VoterSet> sets = VoterSetsAt(run, s, ids, names, origin);
      std::optional<Judgement> first;
      bool covered = false, missing = false;
      for (const VoterSet& vs : sets) {
        Judgement j = Judge(vs, match);
        if (!first) first = j;
        if (j.quorum_index >= s.commit) covered = true;
        missing = missing || j.missing_id;
      }
      if (!covered) {
        const std::string why = " beyond quorum match " + std::to_string(first->quorum_index) +
                                " (" + first->detail +
                                (sets.size() > 1 ? "; no adjacent voter set covers it either" : "") +
                                ")";
        if (missing) {
          unknown.Add(head + step + why + ": a voter's id is unknown");
        } else {
          bad.Add(head + step + why);
          group_bad = true;
        }
      }

      // 2. Current term: the newly committed entry is of the leader's term.
      if (log == nullptr) {
        if (!no_log_noted) {
          unknown.Add(head + ": no decoded WAL for " + g.leader + ", current-term rule not judged");
          no_log_noted = true;
        }
        continue;
      }
      const LogEntry* e = log->At(s.commit);
      if (e == nullptr) {
        unknown.Add(head + step + ": index " + std::to_string(s.commit) + " is not in " +
                    g.leader + "'s WAL" +
                    (log->entries.empty()
                         ? std::string(" (empty)")
                         : " (entries " + std::to_string(log->entries.front().index) + "-" +
                               std::to_string(log->entries.back().index) + ")"));
        continue;
      }
      ++term_checked;
      if (e->term != g.term) {
        bad.Add(head + " committed index " + std::to_string(s.commit) + " whose entry " +
                DescribeEntry(*e) + " is of term " + std::to_string(e->term) + at +
                ": commit of a previous-term entry by count");
        group_bad = true;
      }
    }
    if (group_bad) continue;
    const RaftSample& first_s = run.samples[g.samples.front()];
    const RaftSample& last_s = run.samples[g.samples.back()];
    std::string line = head + " (samples " + std::to_string(g.samples.front()) + "-" +
                       std::to_string(g.samples.back()) + ", t=" +
                       RelSeconds(origin, first_s.mono_ns) + "-" +
                       RelSeconds(origin, last_s.mono_ns) + "): ";
    if (advances == 0) {
      line += "commit stayed at " + std::to_string(commit) + ", no advance to judge";
    } else {
      line += std::to_string(advances) + " commit advances up to " + std::to_string(commit) +
              ", each within quorum match; ";
      if (term_checked == advances) {
        line += "each newly committed entry is of term " + std::to_string(g.term);
      } else {
        line += "current-term rule judged on " + std::to_string(term_checked) + " of them";
      }
    }
    good.Add(line);
  }

  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
    v.evidence = bad.Take("violations");
    for (std::string& line : unknown.Take("unjudged advances")) v.evidence.push_back(line);
    return v;
  }
  if (groups.empty()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("no sample showed a leader: no commit advance to judge");
    return v;
  }
  if (judged == 0) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("no leader's commit advanced between two of its samples in one term (" +
                         std::to_string(groups.size()) + " (leader, term) groups seen)");
    for (std::string& line : good.Take("leader terms")) v.evidence.push_back(line);
    return v;
  }
  if (unknown.size() > 0) {
    v.validity = Validity::kUnknown;
    v.evidence = unknown.Take("unjudged advances");
    for (std::string& line : good.Take("leader terms")) v.evidence.push_back(line);
    return v;
  }
  v.validity = Validity::kOk;
  v.evidence.push_back(std::to_string(judged) + " commit advances in " +
                       std::to_string(groups.size()) +
                       " leader terms: each covered by a quorum's match, each of the current term");
  for (std::string& line : good.Take("leader terms")) v.evidence.push_back(line);
  return v;
}

}  // namespace raftlab::evidence
