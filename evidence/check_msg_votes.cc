// msg_votes: election safety from the votes on the wire.
//  1. In each term each voter grants at most one candidate: its MsgVoteResp with reject=false of
//     that term go to one member only (repeats to the same candidate are one vote). Every grant
//     counts, delivered or not: the voter bound itself when it sent it.
//  2. A leader (a member sending MsgApp/MsgHeartbeat in term T) holds a quorum of grants for T:
//     the delivered grants it can have received (ReceivedBy) before its first leader message of
//     T, from the voters in force for the index after the last one its MsgVote offered, plus its
//     own vote. When the capture does not hold its MsgVote for T (it began later, or a one-voter
//     configuration) the grants may predate the capture: that term is not judged.
// judged = (voter, term) pairs with a grant, plus leader terms whose quorum was checked.
#include <map>
#include <set>
#include <vector>

#include "common/strings.h"
#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/msg_check_common.h"
#include "evidence/quorum.h"

namespace raftlab::evidence {

using namespace msgcheck;

Verdict CheckMsgVotes(const Run& run) {
  Verdict v;
  const std::string unit = "(voter, term) grants and leader terms";
  if (NoCapture(run, unit, &v)) return v;
  v.unit = unit;
  const std::vector<WireMessage>& ms = *run.messages;
  const Members members(run);
  const VoterLookup voters(run, members);
  const MessageClock clock(run, members);
  checkutil::EvidenceList bad(40), unjudged(20), good(30);

  // 1. One candidate per (voter, term).
  struct Grants {
    std::map<uint64_t, size_t> first_to;   // candidate -> first grant message
  };
  std::map<std::pair<uint64_t, uint64_t>, Grants> grants;   // (voter, term)
  for (size_t i = 0; i < ms.size(); ++i) {
    const WireMessage& m = ms[i];
    if (m.type != "MsgVoteResp" || m.reject) continue;
    grants[{members.From(m), m.term}].first_to.emplace(members.To(m), i);
  }
  size_t grant_pairs = 0;
  for (const auto& [key, g] : grants) {
    ++grant_pairs;
    if (g.first_to.size() < 2) continue;
    std::vector<std::string> lines;
    for (const auto& [candidate, i] : g.first_to) lines.push_back(clock.Line(ms[i]));
    bad.Add("term " + std::to_string(key.second) + ": " + members.Name(key.first) + " granted its vote to " +
            std::to_string(g.first_to.size()) + " candidates: " + JoinNames(lines, "; "));
  }

  // 2. Each leader's quorum of grants.
  size_t leader_terms = 0, leader_judged = 0;
  for (const LeaderTerm& lt : LeaderTerms(ms, members)) {
    ++leader_terms;
    const WireMessage& first = ms[lt.first];
    const std::string head = "term " + std::to_string(lt.term) + ": leader " + members.Name(lt.leader) + " (first "
                             "leader message " + clock.At(first.time_ns) + ")";
    const WireMessage* vote = nullptr;
    for (size_t i = 0; i < lt.first; ++i) {
      const WireMessage& m = ms[i];
      if (m.type == "MsgVote" && m.term == lt.term && members.From(m) == lt.leader) vote = &m;
    }
    if (vote == nullptr) {
      unjudged.Add(head + ": its MsgVote for the term is not in the capture (the election was before it), grants "
                   "not judged");
      continue;
    }
    std::string label;
    const std::optional<VoterConfig> config = voters.InForceFor(vote->index + 1, &label);
    if (!config) {
      unjudged.Add(head + ": voters in force unknown (" + label + ")");
      continue;
    }
    std::set<uint64_t> granted;
    if (config->voters.count(lt.leader)) granted.insert(lt.leader);
    for (size_t i = 0; i < ms.size(); ++i) {
      const WireMessage& m = ms[i];
      if (m.type != "MsgVoteResp" || m.reject || m.term != lt.term || members.To(m) != lt.leader) continue;
      const std::optional<int64_t> at = ReceivedBy(m);
      if (at && *at <= first.time_ns && config->voters.count(members.From(m))) granted.insert(members.From(m));
    }
    ++leader_judged;
    std::vector<std::string> names;
    for (uint64_t id : granted) names.push_back(members.Name(id) + (id == lt.leader ? " (own)" : ""));
    const size_t need = QuorumSize(config->voters.size());
    const std::string tally = std::to_string(granted.size()) + " grants (" + JoinNames(names, ", ") + "), quorum " +
                              std::to_string(need) + " of " + std::to_string(config->voters.size()) + ", " + label;
    if (granted.size() < need) {
      bad.Add(head + " led without a quorum of delivered grants: " + tally + "; " + clock.Line(first));
    } else {
      good.Add(head + ": " + tally);
    }
  }

  v.judged = grant_pairs + leader_judged;
  v.of = grant_pairs + leader_terms;
  v.evidence.push_back("judged " + std::to_string(grant_pairs) + " (voter, term) grants and " +
                       std::to_string(leader_judged) + " of " + std::to_string(leader_terms) +
                       " leader terms on the wire");
  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
  } else if (v.of == 0) {
    v.validity = Validity::kNotApplicable;
    v.evidence.push_back("no vote granted and no leader on the wire (" + std::to_string(ms.size()) + " messages)");
  } else {
    v.validity = v.judged > 0 ? Validity::kOk : Validity::kUnknown;
  }
  for (std::string& l : bad.Take("violations")) v.evidence.push_back(std::move(l));
  for (std::string& l : unjudged.Take("unjudged leader terms")) v.evidence.push_back(std::move(l));
  for (std::string& l : good.Take("leader terms")) v.evidence.push_back(std::move(l));
  return v;
}

}  // namespace raftlab::evidence
