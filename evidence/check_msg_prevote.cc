// msg_prevote: pre-votes never move a term, and a pre-candidate without a quorum never campaigns.
//  1. A MsgPreVote or granting MsgPreVoteResp of a term above its receiver's (the receiver's term: that of
//     the last message it sent before, see SenderTerm) must not raise the receiver's term: each
//     message the receiver sends afterwards carries a term it can explain, i.e. at most the
//     highest of its own earlier term, the terms of the other messages sent to it before (any
//     type but the pre-vote ones, delivered or not: the most a real message could have raised it
//     to) and, for its own MsgVote, that vote's term (campaigning raises it). A term above all
//     of those that equals a pre-vote's term it received is a pre-vote that raised a term. (A
//     rejecting MsgPreVoteResp carries the rejecter's real term; etcd follows it, rightly.)
//     judged = pre-vote messages above their receiver's known term that the receiver answered
//     with at least one later message.
//  2. A pre-candidate that sent MsgPreVote for term T sends MsgVote for T only with a quorum:
//     its own vote plus the delivered grants (MsgPreVoteResp reject=false, term T) it can have
//     received (ReceivedBy) between the start of its last pre-vote round (its MsgPreVotes for T
//     sent within 50 ms before the latest one) and that MsgVote. A MsgVote with context
//     "CampaignTransfer" (leadership transfer, which skips pre-vote) is exempt.
//     judged = pre-candidate rounds (pre-candidate, term) seen with their MsgPreVote.
// not_applicable when the capture holds no MsgPreVote.
#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/msg_check_common.h"
#include "evidence/quorum.h"

namespace raftlab::evidence {

using namespace msgcheck;
namespace {

constexpr int64_t kRoundNs = 50'000'000;

// The messages that must not move a term: MsgPreVote and a granting MsgPreVoteResp. A rejecting
// MsgPreVoteResp carries the rejecter's real term, and etcd raft does follow it (becomeFollower).
bool IsPreVote(const WireMessage& m) {
  return m.type == "MsgPreVote" || (m.type == "MsgPreVoteResp" && !m.reject);
}

}  // namespace

Verdict CheckMsgPreVote(const Run& run) {
  Verdict v;
  const std::string unit = "pre-vote messages and pre-candidate rounds";
  if (NoCapture(run, unit, &v)) return v;
  v.unit = unit;
  const std::vector<WireMessage>& ms = *run.messages;
  if (std::none_of(ms.begin(), ms.end(), [](const WireMessage& m) { return m.type == "MsgPreVote"; })) {
    v.validity = Validity::kNotApplicable;
    v.evidence.push_back("no MsgPreVote in the capture (" + std::to_string(ms.size()) +
                         " messages): pre-vote off or never needed");
    return v;
  }
  const Members members(run);
  const VoterLookup voters(run, members);
  const MessageClock clock(run, members);
  checkutil::EvidenceList bad(40), good(20);

  // 1. Per member: its known term (from what it sent), what could explain a higher one, and the
  //    pre-votes above its term it has received and not yet answered.
  struct MemberState {
    uint64_t own = 0;          // term of its last message that carries one
    uint64_t explained = 0;    // highest term a non-pre-vote message to it carried
    std::vector<size_t> pending;   // pre-votes above `own` received since its last message
  };
  std::map<uint64_t, MemberState> state;
  size_t prevote_judged = 0;
  for (size_t i = 0; i < ms.size(); ++i) {
    const WireMessage& m = ms[i];
    const uint64_t from = members.From(m), to = members.To(m);
    // The sender first: its term now.
    MemberState& s = state[from];
    const uint64_t term = SenderTerm(m);
    if (term != 0) {
      const uint64_t allowed = std::max({s.own, s.explained, m.type == "MsgVote" ? m.term : 0});
      for (size_t p : s.pending) {
        ++prevote_judged;
        if (term > allowed && term == ms[p].term) {
          bad.Add(members.Name(from) + " moved from term " + std::to_string(s.own) + " to " + std::to_string(term) +
                  " on a pre-vote: received " + clock.Line(ms[p]) + ", then sent " + clock.Line(m) +
                  " (no other message of that term was sent to it before)");
        }
      }
      s.pending.clear();
      s.own = std::max(s.own, term);
    }
    // Then the receiver.
    if (to == 0) continue;
    MemberState& r = state[to];
    if (IsPreVote(m)) {
      if (r.own != 0 && m.term > r.own) r.pending.push_back(i);
    } else if (m.term != 0) {
      r.explained = std::max(r.explained, m.term);
    }
  }

  // 2. Pre-candidate rounds.
  size_t rounds = 0;
  std::map<std::pair<uint64_t, uint64_t>, std::vector<size_t>> prevotes;   // (candidate, term) -> MsgPreVotes
  for (size_t i = 0; i < ms.size(); ++i) {
    if (ms[i].type == "MsgPreVote") prevotes[{members.From(ms[i]), ms[i].term}].push_back(i);
  }
  for (const auto& [key, sent] : prevotes) {
    ++rounds;
    const auto [candidate, term] = key;
    const WireMessage* vote = nullptr;
    for (size_t i = sent.front(); i < ms.size() && vote == nullptr; ++i) {
      const WireMessage& m = ms[i];
      if (m.type == "MsgVote" && m.term == term && members.From(m) == candidate) vote = &m;
    }
    const std::string head = "term " + std::to_string(term) + ": pre-candidate " + members.Name(candidate);
    if (vote == nullptr) {
      good.Add(head + " (" + std::to_string(sent.size()) + " MsgPreVote from " + clock.At(ms[sent.front()].time_ns) +
               ") sent no MsgVote for the term");
      continue;
    }
    if (vote->context == "CampaignTransfer") {
      good.Add(head + ": its MsgVote is a leadership transfer's (CampaignTransfer), which skips pre-vote");
      continue;
    }
    // The last round before the vote.
    int64_t latest = 0;
    for (size_t i : sent) {
      if (ms[i].time_ns <= vote->time_ns) latest = std::max(latest, ms[i].time_ns);
    }
    int64_t round_start = latest;
    for (size_t i : sent) {
      if (ms[i].time_ns <= latest && ms[i].time_ns + kRoundNs >= latest) round_start = std::min(round_start, ms[i].time_ns);
    }
    std::string label;
    const std::optional<VoterConfig> config = voters.InForceFor(vote->index + 1, &label);
    if (!config) {
      good.Add(head + ": voters in force unknown (" + label + "), its MsgVote not judged");
      continue;
    }
    std::set<uint64_t> granted;
    if (config->voters.count(candidate)) granted.insert(candidate);
    for (const WireMessage& m : ms) {
      if (m.type != "MsgPreVoteResp" || m.reject || m.term != term || members.To(m) != candidate) continue;
      const std::optional<int64_t> at = ReceivedBy(m);
      if (at && *at >= round_start && *at <= vote->time_ns && config->voters.count(members.From(m)))
        granted.insert(members.From(m));
    }
    const size_t need = QuorumSize(config->voters.size());
    const std::string tally = std::to_string(granted.size()) + " pre-vote grants (own included), quorum " +
                              std::to_string(need) + " of " + std::to_string(config->voters.size());
    if (granted.size() < need) {
      bad.Add(head + " was rejected (" + tally + ") and still campaigned: " + clock.Line(*vote));
    } else {
      good.Add(head + ": " + tally + ", then its MsgVote " + clock.At(vote->time_ns));
    }
  }

  v.judged = prevote_judged + rounds;
  v.of = v.judged;
  v.evidence.push_back("judged " + std::to_string(prevote_judged) + " pre-vote messages above their receiver's "
                       "term (answered later in the capture) and " + std::to_string(rounds) +
                       " pre-candidate rounds");
  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
  } else {
    v.validity = v.judged > 0 ? Validity::kOk : Validity::kUnknown;
  }
  for (std::string& l : bad.Take("violations")) v.evidence.push_back(std::move(l));
  for (std::string& l : good.Take("rounds")) v.evidence.push_back(std::move(l));
  return v;
}

}  // namespace raftlab::evidence
