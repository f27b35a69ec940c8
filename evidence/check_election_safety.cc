// Election safety: at most one leader per term.
//
// A sample says "X leads term T" in two ways: X's own sample in state StateLeader, and any
// member's sample with term T and lead X (a follower learns `lead` only from the leader of its
// current term). Two different leaders claimed for one term is a violation. The WALs add a
// second, independent witness: a member's hard states never hold two different votes in one
// term (a double vote is what would let two candidates win the same term).
#include <map>
#include <set>
#include <string>

#include "evidence/check_common.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries
namespace {

// Where one member was claimed leader of one term.
struct Claim {
  size_t first_sample = 0;
  size_t last_sample = 0;
  int64_t first_ns = 0;
  int64_t last_ns = 0;
  std::string first_how;        // "own state" or "lead of n2"
  std::set<std::string> seen_by;
};

std::string DescribeClaim(const std::string& leader, const Claim& c, int64_t origin) {
  return leader + " (t=" + RelSeconds(origin, c.first_ns) + ", sample " +
         std::to_string(c.first_sample) + ", " + c.first_how + ")";
}

}  // namespace

Verdict CheckElectionSafety(const Run& run) {
  Verdict v;
  const int64_t origin = TimeOrigin(run);
  const auto names = IdNames(run);
  std::map<uint64_t, std::map<std::string, Claim>> claims;   // term -> leader -> claim

  auto claim = [&](uint64_t term, const std::string& leader, size_t i, const RaftSample& s,
                   const std::string& how) {
    auto [it, fresh] = claims[term].try_emplace(leader);
    Claim& c = it->second;
    if (fresh) {
      c.first_sample = i;
      c.first_ns = s.mono_ns;
      c.first_how = how;
    }
    c.last_sample = i;
    c.last_ns = s.mono_ns;
    c.seen_by.insert(s.member);
  };
  for (size_t i = 0; i < run.samples.size(); ++i) {
    const RaftSample& s = run.samples[i];
    if (s.state == "StateLeader") {
      std::string self = s.member.empty() ? MemberName(names, s.id) : s.member;
      claim(s.term, self, i, s, "own state");
    } else if (s.lead != 0) {
      claim(s.term, MemberName(names, s.lead), i, s, "lead of " + s.member);
    }
  }

  EvidenceList bad(40), good(60);
  for (const auto& [term, leaders] : claims) {
    if (leaders.size() > 1) {
      std::string line = "term " + std::to_string(term) + ": " + std::to_string(leaders.size()) +
                         " leaders";
      const char* sep = " ";
      for (const auto& [leader, c] : leaders) {
        line += sep + DescribeClaim(leader, c, origin);
        sep = " and ";
      }
      bad.Add(line);
      continue;
    }
    const auto& [leader, c] = *leaders.begin();
    std::set<std::string> others = c.seen_by;
    others.erase(leader);
    good.Add("term " + std::to_string(term) + ": leader " + leader + " (samples " +
             std::to_string(c.first_sample) + "-" + std::to_string(c.last_sample) + ", t=" +
             RelSeconds(origin, c.first_ns) + "-" + RelSeconds(origin, c.last_ns) +
             (others.empty() ? "" : ", followed by " +
                                        JoinNames({others.begin(), others.end()})) +
             ")");
  }

  // The WALs: one vote per member per term.
  size_t vote_records = 0;
  for (const auto& [member, log] : run.logs) {
    std::map<uint64_t, std::set<uint64_t>> votes;   // term -> distinct non-zero votes
    for (const HardState& hs : log.hard_states) {
      if (hs.vote == 0) continue;
      ++vote_records;
      votes[hs.term].insert(hs.vote);
    }
    for (const auto& [term, who] : votes) {
      if (who.size() < 2) continue;
      std::vector<std::string> list;
      for (uint64_t id : who) list.push_back(MemberName(names, id));
      bad.Add("term " + std::to_string(term) + ": " + member + " voted for " +
              JoinNames(list, " and ") + " (WAL hard states)");
    }
  }

  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
    v.evidence = bad.Take("violations");
    return v;
  }
  if (claims.empty()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("no sample showed a leader (" + std::to_string(run.samples.size()) +
                         " samples)");
    return v;
  }
  v.validity = Validity::kOk;
  v.evidence.push_back(std::to_string(claims.size()) + " term(s) with one leader each; " +
                       std::to_string(vote_records) + " WAL votes, none doubled");
  for (std::string& line : good.Take("terms")) v.evidence.push_back(std::move(line));
  return v;
}

}  // namespace raftlab::evidence
