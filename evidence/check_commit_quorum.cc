// The commit rule, judged on each advance of a leader's commit index between two of its samples
// (a move from c1 to c2 between samples is one judged step, whatever happened in between):
//  1. quorum: the voters' match (the highest each showed in the leader's progress so far in this
//     term) covers c2 with a majority of the voter set in force for c2. The voter set comes from
//     the ConfChange positions in the members' WALs (voter_config.h): etcd raft switches
//     configuration when the leader applies a ConfChange, which is after it is committed, so the
//     set deciding index c2 is the one after every ConfChange at an index < c2. A leader that has
//     not yet applied such a ConfChange still counts the old voters; its progress keys show it
//     (an added member appears there, a removed one leaves), and then the set before that change
//     is used. Only voters count, never learners. Where no WAL tells the set, the advance is not
//     judged.
//  2. current term: the entry at c2 (the highest newly committed one) in the leader's own WAL is
//     of the leader's term. Newly committed entries of earlier terms below it were committed
//     indirectly: legal Raft, reported with the current-term entry that carried them.
//
// The first leader sample of a term is judged too. Its commit may still be one it learnt as a
// follower, so an advance there is the leader's own only when its commit is above the commit it
// had when it entered the term (the first hard state of that term in its WAL: written when it
// campaigned, and a candidate learns no commit), or when its commit reaches its own first entry
// of the term. An advance that an earlier term's commit explains (a sample or hard state of an
// earlier term at or above it) is not the leader's and is not counted; one that nothing decides
// either way is counted and not judged.
//
// judged = advances both rules were applied to; of = advances seen (unit "commit advances").
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/quorum.h"
#include "evidence/voter_config.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries
namespace {

struct Group {
  std::string leader;
  uint64_t id = 0;
  uint64_t term = 0;
  std::vector<size_t> samples;   // indexes into run.samples, in order
};

// The highest commit any member showed in a term below T, from samples and WAL hard states:
// an index at or below it was committed by an earlier term's leader.
class EarlierTermCommits {
 public:
  explicit EarlierTermCommits(const Run& run) {
    for (const RaftSample& s : run.samples) Note(s.term, s.commit);
    for (const auto& [member, log] : run.logs) {
      for (const HardState& hs : log.hard_states) Note(hs.term, hs.commit);
    }
    uint64_t running = 0;
    for (auto& [term, commit] : by_term_) running = commit = std::max(running, commit);
  }
  uint64_t Below(uint64_t term) const {
    auto it = by_term_.lower_bound(term);
    return it == by_term_.begin() ? 0 : std::prev(it)->second;
  }

 private:
  void Note(uint64_t term, uint64_t commit) { by_term_[term] = std::max(by_term_[term], commit); }
  std::map<uint64_t, uint64_t> by_term_;   // term -> highest commit seen in it or any lower term
};

// Whether the leader's progress keys at `s` show `step` applied (true when they cannot tell).
bool Reflected(const ConfChangeStep& step, const RaftSample& s) {
  const bool listed = s.progress.count(step.node) > 0;
  switch (step.effect) {
    case ConfEffect::kAddVoter:
    case ConfEffect::kAddLearner:
      return listed;
    case ConfEffect::kRemoveVoter:
    case ConfEffect::kRemoveLearner:
      return !listed;
    default:
      return true;
  }
}

struct VoterSet {
  VoterConfig config;
  std::string label;   // which configuration, and any correction made
};

// The voter set that decided the commit of `index` by the leader sampled at `s`.
std::optional<VoterSet> VotersFor(const ConfigTimeline& t, uint64_t index, const RaftSample& s,
                                  const std::map<uint64_t, std::string>& names,
                                  std::string* why) {
  std::optional<VoterConfig> config = t.InForceFor(index, why);
  if (!config) return std::nullopt;
  VoterSet vs{*config, ""};
  std::string corrections;
  const ConfChangeStep* last = t.LastStepAtOrBelow(index - 1);
  while (last != nullptr && last->effect != ConfEffect::kBootstrap && !s.progress.empty() &&
         !Reflected(*last, s)) {
    corrections += "; " + DescribeEntry(last->entry) + " not yet applied by " + s.member +
                   " (its progress " + (s.progress.count(last->node) ? "still lists " : "lacks ") +
                   MemberName(names, last->node) + ")";
    vs.config = last->before;
    last = t.LastStepAtOrBelow(last->entry.index - 1);
  }
  vs.label = t.Label(last == nullptr ? 0 : last->entry.index) + corrections;
  return vs;
}

struct Judgement {
  uint64_t quorum_index = 0;
  std::string detail;   // "voters n1=8 n2=5 n3=5, quorum 2 of 3, initial configuration (...)"
};

Judgement Judge(const VoterSet& vs, const std::map<uint64_t, uint64_t>& match,
                const std::map<uint64_t, std::string>& names) {
  Judgement j;
  std::vector<uint64_t> m;
  std::string list;
  for (uint64_t id : vs.config.voters) {
    auto it = match.find(id);
    const uint64_t value = it == match.end() ? 0 : it->second;
    list += " " + MemberName(names, id) + "=" + std::to_string(value);
    m.push_back(value);
  }
  std::string learners;
  for (uint64_t id : vs.config.learners) {
    if (auto it = match.find(id); it != match.end()) {
      learners += " " + MemberName(names, id) + "=" + std::to_string(it->second);
    }
  }
  j.quorum_index = QuorumIndex(m);
  j.detail = "voters" + list + ", quorum " + std::to_string(QuorumSize(m.size())) + " of " +
             std::to_string(m.size()) + (learners.empty() ? "" : "; learner" + learners + " not counted") +
             ", " + vs.label;
  return j;
}

// The first index of `term` in `log`, if it holds one.
std::optional<uint64_t> FirstIndexOfTerm(const RaftLog& log, uint64_t term) {
  for (const LogEntry& e : log.entries) {
    if (e.term == term) return e.index;
  }
  return std::nullopt;
}

// The commit of the first hard state of `term`: the member's commit when it entered the term.
std::optional<uint64_t> CommitEnteringTerm(const RaftLog& log, uint64_t term) {
  for (const HardState& hs : log.hard_states) {
    if (hs.term == term) return hs.commit;
  }
  return std::nullopt;
}

}  // namespace

Verdict CheckCommitQuorum(const Run& run) {
  Verdict v;
  v.unit = "commit advances";
  const int64_t origin = TimeOrigin(run);
  const auto names = IdNames(run);
  if (run.samples.empty()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("judged 0 commit advances: no samples at all");
    return v;
  }

  std::vector<Group> groups;
  std::map<std::pair<std::string, uint64_t>, size_t> group_of;
  for (size_t i = 0; i < run.samples.size(); ++i) {
    const RaftSample& s = run.samples[i];
    if (s.state != "StateLeader") continue;
    auto [it, fresh] = group_of.try_emplace({s.member, s.term}, groups.size());
    if (fresh) groups.push_back({s.member, s.id, s.term, {}});
    groups[it->second].samples.push_back(i);
  }
  if (groups.empty()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("judged 0 commit advances: no sample showed a leader (" +
                         std::to_string(run.samples.size()) + " samples)");
    return v;
  }

  const ConfigTimeline timeline = BuildConfigTimeline(run);
  const EarlierTermCommits earlier(run);
  EvidenceList bad(40), unjudged(30), indirect(20), good(60);
  size_t judged = 0, seen = 0;
  std::vector<std::string> leaders_judged;
  for (const Group& g : groups) {
    const std::string head = "term " + std::to_string(g.term) + ": leader " + g.leader;
    const auto log_it = run.logs.find(g.leader);
    const RaftLog* log = log_it == run.logs.end() ? nullptr : &log_it->second;
    // A WAL of another incarnation (same name, new etcd id) says nothing about this leader.
    if (log != nullptr && log->node_id != 0 && g.id != 0 && log->node_id != g.id) log = nullptr;
    const std::optional<uint64_t> first_own =
        log == nullptr ? std::nullopt : FirstIndexOfTerm(*log, g.term);
    std::optional<uint64_t> entered =
        log == nullptr ? std::nullopt : CommitEnteringTerm(*log, g.term);

    // The member's last sample before it led this term: where its commit stood.
    const RaftSample* before = nullptr;
    for (size_t i = g.samples.front(); i-- > 0;) {
      const RaftSample& s = run.samples[i];
      if (s.member == g.leader && (g.id == 0 || s.id == 0 || s.id == g.id)) {
        before = &s;
        break;
      }
    }
    // A candidate of this term learns no commit: its commit then is the one it entered with.
    if (!entered && before != nullptr && before->term == g.term) entered = before->commit;

    std::map<uint64_t, uint64_t> match;   // highest match seen so far in this leader's term
    size_t advances = 0, group_judged = 0;
    uint64_t top = 0;
    bool group_bad = false;
    std::optional<uint64_t> commit;
    if (before != nullptr) commit = before->commit;
    for (size_t n = 0; n < g.samples.size(); ++n) {
      const size_t i = g.samples[n];
      const RaftSample& s = run.samples[i];
      for (const auto& [id, p] : s.progress) match[id] = std::max(match[id], p.match);
      const std::string at = " at t=" + RelSeconds(origin, s.mono_ns) + " (sample " +
                             std::to_string(i) + ")";
      const std::optional<uint64_t> from = commit;
      commit = s.commit;
      top = std::max(top, s.commit);
      if (n > 0 && s.commit < *from) {
        bad.Add(head + ": commit went down " + std::to_string(*from) + " -> " +
                std::to_string(s.commit) + at);
        group_bad = true;
        continue;
      }
      if (from && s.commit <= *from) continue;
      const uint64_t c2 = s.commit;
      const std::string step = " commit " + (from ? std::to_string(*from) : std::string("?")) +
                               " -> " + std::to_string(c2) + at;

      // Whose advance is it? Within the term, the leader's; at its first sample, see the top.
      // `lo`: below it nothing is newly committed by this leader (exact only when lo_known).
      uint64_t lo = from.value_or(0);
      bool lo_known = n > 0;
      if (n == 0) {
        lo_known = entered.has_value();
        bool own;
        if (entered) {
          own = c2 > *entered;
          lo = std::max(lo, *entered);
        } else if (first_own && c2 >= *first_own) {
          own = true;
        } else if (c2 <= earlier.Below(g.term)) {
          own = false;
        } else {
          ++seen;
          unjudged.Add(head + step + ": its first sample as leader; commit " + std::to_string(c2) +
                       " may be from its follower days or its own, and neither its WAL (" +
                       (log == nullptr ? std::string("none of this incarnation")
                                       : "no hard state of term " + std::to_string(g.term)) +
                       ") nor an earlier term's commit tells which");
          continue;
        }
        if (!own) continue;   // the commit it learnt before leading
      }
      ++seen;
      ++advances;

      // 1. Quorum of the voter set in force for c2.
      std::string why;
      std::optional<VoterSet> voters = VotersFor(timeline, c2, s, names, &why);
      bool quorum_judged = false;
      if (!voters) {
        unjudged.Add(head + step + ": voter set for index " + std::to_string(c2) + " unknown (" +
                     why + ")");
      } else {
        quorum_judged = true;
        const Judgement j = Judge(*voters, match, names);
        if (j.quorum_index < c2) {
          bad.Add(head + " advanced" + step + " beyond quorum match " +
                  std::to_string(j.quorum_index) + " (" + j.detail + ")");
          group_bad = true;
        }
      }

      // 2. Current term: the highest newly committed entry is of the leader's term.
      if (log == nullptr) {
        unjudged.Add(head + step + ": no decoded WAL of this " + g.leader +
                     ", current-term rule not judged");
        continue;
      }
      const LogEntry* e = log->At(c2);
      if (e == nullptr) {
        unjudged.Add(head + step + ": index " + std::to_string(c2) + " is not in " + g.leader +
                     "'s WAL" +
                     (log->entries.empty()
                          ? std::string(" (empty)")
                          : " (entries " + std::to_string(log->entries.front().index) + "-" +
                                std::to_string(log->entries.back().index) + ")"));
        continue;
      }
      if (e->term != g.term) {
        bad.Add(head + " committed index " + std::to_string(c2) + " whose entry " +
                DescribeEntry(*e) + " is of term " + std::to_string(e->term) + at +
                (e->term < g.term ? ": commit of a previous-term entry by count"
                                  : ": a later term's entry at an index this leader committed"));
        group_bad = true;
      } else {
        // Earlier-term entries newly committed in this step were carried by the first entry of
        // this term, which the same step committed.
        const LogEntry* carrier = first_own && lo_known ? log->At(*first_own) : nullptr;
        for (uint64_t k = lo + 1; k < c2 && carrier != nullptr && k < carrier->index; ++k) {
          const LogEntry* old = log->At(k);
          if (old == nullptr || old->term >= g.term) continue;
          indirect.Add(head + " committed " + DescribeEntry(*old) + " indirectly in the step" +
                       step + ", carried by " + DescribeEntry(*carrier) + ", its first entry of "
                       "term " + std::to_string(g.term) + " (legal: an earlier term's entry is "
                       "committed only under one of the current term)");
        }
      }
      if (quorum_judged) {
        ++judged;
        ++group_judged;
      }
    }
    if (advances > 0) {
      leaders_judged.push_back(g.leader + " (term " + std::to_string(g.term) + ")");
    }
    if (group_bad) continue;
    const RaftSample& first_s = run.samples[g.samples.front()];
    const RaftSample& last_s = run.samples[g.samples.back()];
    std::string line = head + " (samples " + std::to_string(g.samples.front()) + "-" +
                       std::to_string(g.samples.back()) + ", t=" +
                       RelSeconds(origin, first_s.mono_ns) + "-" +
                       RelSeconds(origin, last_s.mono_ns) + "): ";
    if (advances == 0) {
      line += "commit stayed at " + std::to_string(top) + " while it led, no advance of its own";
    } else {
      line += "judged " + std::to_string(group_judged) + " of " + std::to_string(advances) +
              " commit advances up to " + std::to_string(top) +
              ", each judged one within quorum match and ending on an entry of term " +
              std::to_string(g.term);
    }
    good.Add(line);
  }

  v.judged = judged;
  v.of = seen;
  std::string count = "judged " + std::to_string(judged) + " of " + std::to_string(seen) +
                      " commit advances";
  if (!leaders_judged.empty()) {
    std::vector<std::string> shown(leaders_judged.begin(),
                                   leaders_judged.begin() + std::min<size_t>(8, leaders_judged.size()));
    count += " of leader" + std::string(leaders_judged.size() == 1 ? " " : "s ") +
             JoinNames(shown, ", ") +
             (leaders_judged.size() > shown.size()
                  ? " and " + std::to_string(leaders_judged.size() - shown.size()) + " more"
                  : "");
  }
  count += "; a move from c1 to c2 between samples counts as one judged step; " +
           std::to_string(indirect.size()) + " earlier-term entries committed indirectly";
  v.evidence.push_back(count);
  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
  } else if (seen == 0) {
    v.validity = Validity::kNotApplicable;
    v.evidence.push_back("no leader's commit index advanced while it was sampled (" +
                         std::to_string(groups.size()) + " (leader, term) groups seen)");
  } else if (judged == 0) {
    v.validity = Validity::kUnknown;
  } else {
    v.validity = Validity::kOk;
  }
  for (std::string& line : bad.Take("violations")) v.evidence.push_back(std::move(line));
  for (std::string& line : unjudged.Take("unjudged advances")) v.evidence.push_back(std::move(line));
  for (std::string& line : indirect.Take("indirect commits")) v.evidence.push_back(std::move(line));
  for (std::string& line : good.Take("leader terms")) v.evidence.push_back(std::move(line));
  DowngradeForWalProblems(run, &v);
  return v;
}

}  // namespace raftlab::evidence
