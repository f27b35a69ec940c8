#include "evidence/msg_check_common.h"

#include <algorithm>
#include <set>

#include "evidence/check_common.h"
#include "evidence/wire_timeline.h"

namespace raftlab::evidence::msgcheck {

bool NoCapture(const Run& run, const std::string& unit, Verdict* v) {
  if (run.messages.has_value()) return false;
  v->validity = Validity::kUnknown;
  v->unit = unit;
  v->evidence.push_back(kNoCapture);
  return true;
}

Members::Members(const Run& run) {
  if (run.messages) names_ = WireMemberNames(*run.messages);
  for (const auto& [id, name] : checkutil::IdNames(run)) names_[id] = name;
  for (const auto& [id, name] : names_) ids_[name] = id;
  for (const auto& [name, id] : checkutil::MemberIds(run)) ids_.emplace(name, id);
}

uint64_t Members::Id(const std::string& name) const {
  auto it = ids_.find(name);
  return it == ids_.end() ? 0 : it->second;
}

uint64_t Members::From(const WireMessage& m) const { return m.from_id != 0 ? m.from_id : Id(m.from); }
uint64_t Members::To(const WireMessage& m) const { return m.to_id != 0 ? m.to_id : Id(m.to); }
std::string Members::Name(uint64_t id) const { return checkutil::MemberName(names_, id); }

std::optional<int64_t> ReceivedBy(const WireMessage& m) {
  if (!m.delivered) return std::nullopt;
  return std::max(m.time_ns, m.delivered_ns - kMaxDelayedAckNs);
}

MessageClock::MessageClock(const Run& run, const Members& members)
    : wall_minus_mono_(run.wall_minus_mono_ns), names_(&members.names()) {
  std::optional<int64_t> start_wall;
  if (run.wall_minus_mono_ns && run.start_ns != 0) start_wall = run.start_ns + *run.wall_minus_mono_ns;
  static const std::vector<WireMessage> kNone;
  zero_ns_ = ChooseWireTimeBase(start_wall, run.messages ? *run.messages : kNone).zero_ns;
}

std::string MessageClock::At(int64_t wall_ns) const { return "t=" + FormatTimelineTime(wall_ns, zero_ns_); }

std::string MessageClock::Line(const WireMessage& m) const {
  return "t=" + WireTimelineLine(m, zero_ns_, *names_);
}

std::optional<int64_t> MessageClock::ToMono(int64_t wall_ns) const {
  if (!wall_minus_mono_) return std::nullopt;
  return wall_ns - *wall_minus_mono_;
}

VoterLookup::VoterLookup(const Run& run, const Members& members) : timeline_(BuildConfigTimeline(run)) {
  if (run.memberships.empty()) {
    constant_why_ = "the journal has no membership record";
    return;
  }
  auto to_ids = [&](const std::vector<std::string>& names, std::set<uint64_t>* out) {
    for (const std::string& n : names) {
      const uint64_t id = members.Id(n);
      if (id == 0) return false;
      out->insert(id);
    }
    return true;
  };
  VoterConfig first;
  if (!to_ids(run.memberships[0].voters, &first.voters) || !to_ids(run.memberships[0].learners, &first.learners)) {
    constant_why_ = "the lab's membership record names a member whose raft id the run does not know";
    return;
  }
  for (const MembershipRecord& m : run.memberships) {
    if (m.voters != run.memberships[0].voters || m.learners != run.memberships[0].learners) {
      constant_why_ = "the lab's membership records change during the run";
      return;
    }
  }
  constant_ = first;
}

std::optional<VoterConfig> VoterLookup::Fallback(const std::string& why, std::string* label) const {
  if (!constant_) {
    *label = why + "; " + constant_why_;
    return std::nullopt;
  }
  *label = "the lab's membership record, unchanged through the run (the WALs do not tell: " + why + ")";
  return constant_;
}

std::optional<VoterConfig> VoterLookup::InForceFor(uint64_t index, std::string* label) const {
  std::string why;
  if (std::optional<VoterConfig> c = timeline_.InForceFor(index, &why)) {
    const ConfChangeStep* last = timeline_.LastStepAtOrBelow(index == 0 ? 0 : index - 1);
    *label = timeline_.Label(last == nullptr ? 0 : last->entry.index);
    return c;
  }
  return Fallback(why, label);
}

std::optional<VoterConfig> VoterLookup::After(uint64_t index, std::string* label) const {
  std::string why;
  if (std::optional<VoterConfig> c = timeline_.After(index, &why)) {
    *label = timeline_.Label(index);
    return c;
  }
  return Fallback(why, label);
}

std::string DescribeValues(const std::set<uint64_t>& voters, const std::map<uint64_t, uint64_t>& values,
                           const Members& members, uint64_t leader) {
  std::string out;
  for (uint64_t id : voters) {
    auto it = values.find(id);
    out += (out.empty() ? "" : " ") + members.Name(id) + "=" +
           (it == values.end() ? std::string("none") : std::to_string(it->second)) + (id == leader ? " (own)" : "");
  }
  return out;
}

bool IsLeaderMessage(const WireMessage& m) { return m.type == "MsgApp" || m.type == "MsgHeartbeat"; }

uint64_t SenderTerm(const WireMessage& m) {
  if (m.type == "MsgProp" || m.type == "MsgReadIndex") return 0;
  if (m.type == "MsgPreVote") return m.term == 0 ? 0 : m.term - 1;
  if (m.type == "MsgPreVoteResp") return m.reject ? m.term : 0;   // a grant echoes the request's term
  return m.term;
}

std::vector<LeaderTerm> LeaderTerms(const std::vector<WireMessage>& messages, const Members& members) {
  std::vector<LeaderTerm> terms;
  std::map<std::pair<uint64_t, uint64_t>, size_t> seen;
  for (size_t i = 0; i < messages.size(); ++i) {
    const WireMessage& m = messages[i];
    if (!IsLeaderMessage(m) || m.term == 0) continue;
    const uint64_t leader = members.From(m);
    if (leader == 0 || seen.count({leader, m.term})) continue;
    seen[{leader, m.term}] = terms.size();
    LeaderTerm t{leader, m.term, i, false};
    for (size_t k = 0; k < i && !t.entry_seen; ++k) {
      const WireMessage& e = messages[k];
      if (members.From(e) != leader) continue;
      const uint64_t st = SenderTerm(e);
      t.entry_seen = (st != 0 && st < m.term) || ((e.type == "MsgVote" || e.type == "MsgPreVote") && e.term == m.term);
    }
    terms.push_back(t);
  }
  return terms;
}

}  // namespace raftlab::evidence::msgcheck
