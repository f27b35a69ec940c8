// Election safety: at most one leader per term.
//
// Two independent witnesses, judged per term:
//  - the leaders' own samples: a member sampled in StateLeader leads that sample's term. Two
//    members leading one term is a violation. A follower's `lead` field is not a leader's
//    interval (a partitioned follower keeps naming its old leader long after that leader moved
//    on), so it only serves as a cross-check: naming, for term T, a member other than the one
//    whose own sample led T is a violation too (etcd sets `lead` only from a message of T's
//    leader).
//  - the WALs' votes, as distinct (member, term, vote) triples from the hard states: a member
//    voting for two candidates in one term is a violation, and so are two candidates that each
//    hold a majority of the members' votes in one term (both could have become leader).
// Judged: the terms in which a leader was established by either witness (of: every term that a
// sample or a hard state mentions). No leader anywhere: unknown.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries
namespace {

// One member's own leader samples in one term.
struct LeaderSpan {
  size_t first_sample = 0, last_sample = 0;
  int64_t first_ns = 0, last_ns = 0;
  size_t samples = 0;
};

std::string DescribeSpan(const std::string& leader, const LeaderSpan& s, int64_t origin) {
  return leader + " (own samples " + std::to_string(s.first_sample) + "-" +
         std::to_string(s.last_sample) + ", t=" + RelSeconds(origin, s.first_ns) + "-" +
         RelSeconds(origin, s.last_ns) + ")";
}

// How many members make a majority: of the initial configuration when the run recorded one,
// else of the members the run knows.
size_t Majority(const Run& run) {
  size_t n = 0;
  if (!run.memberships.empty()) n = run.memberships.front().voters.size();
  if (n == 0) n = std::max(run.logs.size(), IdNames(run).size());
  return n / 2 + 1;
}

}  // namespace

Verdict CheckElectionSafety(const Run& run) {
  Verdict v;
  const int64_t origin = TimeOrigin(run);
  const auto names = IdNames(run);
  EvidenceList bad(40), good(60);
  std::set<uint64_t> terms_seen;

  // Witness 1: the leaders' own samples.
  std::map<uint64_t, std::map<std::string, LeaderSpan>> leaders;   // term -> leader -> span
  for (size_t i = 0; i < run.samples.size(); ++i) {
    const RaftSample& s = run.samples[i];
    terms_seen.insert(s.term);
    if (s.state != "StateLeader") continue;
    const std::string self = s.member.empty() ? MemberName(names, s.id) : s.member;
    auto [it, fresh] = leaders[s.term].try_emplace(self);
    LeaderSpan& span = it->second;
    if (fresh) {
      span.first_sample = i;
      span.first_ns = s.mono_ns;
    }
    span.last_sample = i;
    span.last_ns = s.mono_ns;
    ++span.samples;
  }
  for (const auto& [term, by_leader] : leaders) {
    if (by_leader.size() < 2) continue;
    std::string line = "term " + std::to_string(term) + ": " + std::to_string(by_leader.size()) +
                       " leaders by their own samples:";
    const char* sep = " ";
    for (const auto& [leader, span] : by_leader) {
      line += sep + DescribeSpan(leader, span, origin);
      sep = " and ";
    }
    bad.Add(line);
  }
  // Followers' `lead` must name the term's leader where one is known.
  size_t lead_checked = 0;
  std::set<std::pair<uint64_t, std::string>> lead_reported;
  for (size_t i = 0; i < run.samples.size(); ++i) {
    const RaftSample& s = run.samples[i];
    if (s.state == "StateLeader" || s.lead == 0) continue;
    auto it = leaders.find(s.term);
    if (it == leaders.end() || it->second.size() != 1) continue;
    ++lead_checked;
    const std::string named = MemberName(names, s.lead);
    const std::string& leader = it->second.begin()->first;
    if (named != leader && lead_reported.insert({s.term, named}).second) {
      bad.Add("term " + std::to_string(s.term) + ": " + s.member + " follows " + named +
              " (sample " + std::to_string(i) + ", t=" + RelSeconds(origin, s.mono_ns) +
              ") but " + DescribeSpan(leader, it->second.begin()->second, origin) + " led it");
    }
  }

  // Witness 2: the WALs' votes, distinct (member, term, vote).
  std::map<uint64_t, std::map<uint64_t, std::set<std::string>>> votes;   // term -> cand -> voters
  size_t vote_triples = 0;
  for (const auto& [member, log] : run.logs) {
    std::map<uint64_t, std::set<uint64_t>> mine;   // term -> candidates this member voted for
    for (const HardState& hs : log.hard_states) {
      terms_seen.insert(hs.term);
      if (hs.vote == 0) continue;
      if (mine[hs.term].insert(hs.vote).second) {
        ++vote_triples;
        votes[hs.term][hs.vote].insert(member);
      }
    }
    for (const auto& [term, who] : mine) {
      if (who.size() < 2) continue;
      std::vector<std::string> list;
      for (uint64_t id : who) list.push_back(MemberName(names, id));
      bad.Add("term " + std::to_string(term) + ": " + member + " voted for " +
              JoinNames(list, " and ") + " (WAL hard states)");
    }
  }
  const size_t majority = Majority(run);
  std::map<uint64_t, std::vector<std::string>> vote_winners;   // term -> candidates with a majority
  for (const auto& [term, by_candidate] : votes) {
    for (const auto& [candidate, voters] : by_candidate) {
      if (voters.size() >= majority) vote_winners[term].push_back(MemberName(names, candidate));
    }
    if (vote_winners[term].size() > 1) {
      bad.Add("term " + std::to_string(term) + ": " + JoinNames(vote_winners[term], " and ") +
              " each hold a majority (" + std::to_string(majority) + ") of the WALs' votes");
    }
  }

  // The terms judged, one line each.
  std::set<uint64_t> judged_terms;
  for (const auto& [term, by_leader] : leaders) judged_terms.insert(term);
  for (const auto& [term, winners] : vote_winners) {
    if (!winners.empty()) judged_terms.insert(term);
  }
  for (uint64_t term : judged_terms) {
    std::string line = "term " + std::to_string(term) + ":";
    if (auto it = leaders.find(term); it != leaders.end() && it->second.size() == 1) {
      line += " leader " + DescribeSpan(it->second.begin()->first, it->second.begin()->second, origin);
    } else if (it == leaders.end()) {
      line += " no sample caught its leader";
    }
    if (auto it = votes.find(term); it != votes.end()) {
      for (const auto& [candidate, voters] : it->second) {
        line += "; votes for " + MemberName(names, candidate) + ": " +
                JoinNames({voters.begin(), voters.end()});
      }
    }
    good.Add(line);
  }
  terms_seen.erase(0);
  v.judged = judged_terms.size();
  v.of = std::max(terms_seen.size(), judged_terms.size());
  v.unit = "terms";

  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
    v.evidence = bad.Take("violations");
    return v;
  }
  if (judged_terms.empty()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("no leader established by any witness: no leader sample among " +
                         std::to_string(run.samples.size()) + " samples, no majority of " +
                         std::to_string(vote_triples) + " WAL votes");
    return v;
  }
  v.validity = Validity::kOk;
  v.evidence.push_back("judged " + std::to_string(v.judged) + " of " + std::to_string(v.of) +
                       " terms: one leader each (own leader samples; " +
                       std::to_string(vote_triples) + " distinct WAL votes, none doubled, " +
                       "majority " + std::to_string(majority) + "); " +
                       std::to_string(lead_checked) + " follower lead fields agree");
  for (std::string& line : good.Take("terms")) v.evidence.push_back(std::move(line));
  return v;
}

}  // namespace raftlab::evidence
