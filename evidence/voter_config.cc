#include "evidence/voter_config.h"

#include <algorithm>
#include <utility>

#include "evidence/check_common.h"

namespace raftlab::evidence {

using namespace checkutil;   // names, entries
namespace {

// etcd 3.4 allows one learner at a time (membership.maxLearners).
constexpr size_t kMaxLearners = 1;

std::string Names(const std::set<uint64_t>& ids, const std::map<uint64_t, std::string>& names) {
  std::vector<std::string> out;
  for (uint64_t id : ids) out.push_back(MemberName(names, id));
  return "{" + JoinNames(out) + "}";
}

bool IsMember(const VoterConfig& c, uint64_t id) {
  return c.voters.count(id) > 0 || c.learners.count(id) > 0;
}

// Why etcd's ValidateConfigurationChange refuses `r` in `s` ("" when it accepts it).
std::string Validate(const ClusterState& s, const DecodedRequest& r) {
  const uint64_t id = r.conf_node_id;
  const std::string who = HexId(id);
  if (s.removed.count(id)) return who + " was removed before";
  if (r.conf_type == "AddNode" || r.conf_type == "AddLearnerNode") {
    if (r.conf_is_promote) {
      if (!IsMember(s.config, id)) return "promote of " + who + ", which is not a member";
      if (!s.config.learners.count(id)) return "promote of " + who + ", which is not a learner";
      return "";
    }
    if (IsMember(s.config, id)) return who + " is already a member";
    for (const auto& [member, urls] : s.peer_urls) {
      for (const std::string& u : r.conf_peer_urls) {
        if (std::find(urls.begin(), urls.end(), u) != urls.end()) {
          return "peer URL " + u + " is " + HexId(member) + "'s";
        }
      }
    }
    if (r.conf_is_learner && s.config.learners.size() + 1 > kMaxLearners) {
      return "a learner is already there (etcd allows " + std::to_string(kMaxLearners) + ")";
    }
    return "";
  }
  if (r.conf_type == "RemoveNode" || r.conf_type == "UpdateNode") {
    if (!IsMember(s.config, id)) return r.conf_type + " of " + who + ", which is not a member";
  }
  return "";
}

}  // namespace

std::string DescribeConfig(const VoterConfig& c, const std::map<uint64_t, std::string>& names) {
  std::string out = "voters " + Names(c.voters, names);
  if (!c.learners.empty()) out += " learners " + Names(c.learners, names);
  return out;
}

const char* ConfEffectName(ConfEffect e) {
  switch (e) {
    case ConfEffect::kBootstrap: return "bootstrap";
    case ConfEffect::kAddVoter: return "add voter";
    case ConfEffect::kAddLearner: return "add learner";
    case ConfEffect::kPromote: return "promote";
    case ConfEffect::kRemoveVoter: return "remove voter";
    case ConfEffect::kRemoveLearner: return "remove learner";
    case ConfEffect::kUpdate: return "update";
    case ConfEffect::kRejected: return "rejected";
    case ConfEffect::kUndecoded: return "undecoded";
  }
  return "?";
}

size_t ConfChangeStep::VotersMoved() const {
  size_t moved = 0;
  for (uint64_t v : after.voters) moved += before.voters.count(v) ? 0 : 1;
  for (uint64_t v : before.voters) moved += after.voters.count(v) ? 0 : 1;
  return moved;
}

ConfChangeStep ApplyConfChange(ClusterState* state, const LogEntry& entry, bool bootstrap) {
  ConfChangeStep step;
  step.entry = entry;
  step.before = state->config;
  const DecodedRequest& r = entry.request;
  step.node = r.conf_node_id;
  const bool decoded = entry.type == EntryType::kConfChange && r.kind == "conf_change" &&
                       !r.conf_type.empty();
  if (!decoded) {
    step.effect = ConfEffect::kUndecoded;
    step.after = state->config;
    return step;
  }
  const uint64_t id = r.conf_node_id;
  if (bootstrap) {
    step.effect = ConfEffect::kBootstrap;
    state->config.voters.insert(id);
    state->peer_urls[id] = r.conf_peer_urls;
  } else if (std::string why = Validate(*state, r); !why.empty()) {
    step.effect = ConfEffect::kRejected;
    step.rejected = std::move(why);
  } else if (r.conf_type == "AddNode" && r.conf_is_promote) {
    step.effect = ConfEffect::kPromote;
    state->config.learners.erase(id);
    state->config.voters.insert(id);
  } else if (r.conf_type == "AddNode") {
    step.effect = ConfEffect::kAddVoter;
    state->config.voters.insert(id);
    state->peer_urls[id] = r.conf_peer_urls;
  } else if (r.conf_type == "AddLearnerNode") {
    step.effect = ConfEffect::kAddLearner;
    state->config.learners.insert(id);
    state->peer_urls[id] = r.conf_peer_urls;
  } else if (r.conf_type == "RemoveNode") {
    step.effect = state->config.voters.count(id) ? ConfEffect::kRemoveVoter
                                                 : ConfEffect::kRemoveLearner;
    state->config.voters.erase(id);
    state->config.learners.erase(id);
    state->peer_urls.erase(id);
    state->removed.insert(id);
  } else if (r.conf_type == "UpdateNode") {
    step.effect = ConfEffect::kUpdate;
    state->peer_urls[id] = r.conf_peer_urls;
  } else {
    step.effect = ConfEffect::kUndecoded;
  }
  step.after = state->config;
  return step;
}

VoterConfig ConfigTimeline::Initial() const {
  if (initial_through == 0) return base;
  const ConfChangeStep* last = LastStepAtOrBelow(initial_through);
  return last == nullptr ? base : last->after;
}

std::optional<VoterConfig> ConfigTimeline::After(uint64_t index, std::string* why) const {
  auto fail = [&](std::string text) -> std::optional<VoterConfig> {
    if (why != nullptr) *why = std::move(text);
    return std::nullopt;
  };
  if (!base_known) return fail(base_source);
  if (index < base_index) {
    return fail("index " + std::to_string(index) + " is before the configuration's base (" +
                base_source + ")");
  }
  if (index > known_through) return fail(unknown_beyond);
  const ConfChangeStep* last = LastStepAtOrBelow(index);
  return last == nullptr ? base : last->after;
}

std::optional<VoterConfig> ConfigTimeline::InForceFor(uint64_t index, std::string* why) const {
  if (index == 0) return After(0, why);
  return After(index - 1, why);
}

const ConfChangeStep* ConfigTimeline::LastStepAtOrBelow(uint64_t index) const {
  auto it = std::upper_bound(steps.begin(), steps.end(), index,
                             [](uint64_t i, const ConfChangeStep& s) { return i < s.entry.index; });
  return it == steps.begin() ? nullptr : &*std::prev(it);
}

size_t ConfigTimeline::Changes() const {
  size_t n = 0;
  for (const ConfChangeStep& s : steps) n += s.effect == ConfEffect::kBootstrap ? 0 : 1;
  return n;
}

std::string ConfigTimeline::Label(uint64_t index_at_or_below) const {
  const ConfChangeStep* last = LastStepAtOrBelow(index_at_or_below);
  if (last == nullptr || last->effect == ConfEffect::kBootstrap) {
    return "initial configuration (" + base_source + ")";
  }
  return "configuration after " + DescribeEntry(last->entry);
}

uint64_t CommittedThrough(const Run& run, const std::string& member, const RaftLog& log) {
  uint64_t commit = log.LastCommit();
  for (const RaftSample& s : run.samples) {
    if (s.member != member) continue;
    if (log.node_id != 0 && s.id != 0 && s.id != log.node_id) continue;   // another incarnation
    commit = std::max(commit, s.commit);
  }
  return commit;
}

namespace {

// One member's committed part: entries [first, last] of `log`.
struct Part {
  std::string member;
  const RaftLog* log = nullptr;
  uint64_t first = 0, last = 0;
};

std::vector<Part> CommittedParts(const Run& run) {
  std::vector<Part> parts;
  for (const auto& [member, log] : run.logs) {
    if (log.entries.empty()) continue;
    const uint64_t last = std::min(log.entries.back().index, CommittedThrough(run, member, log));
    if (last < log.entries.front().index) continue;
    parts.push_back({member, &log, log.entries.front().index, last});
  }
  return parts;
}

// The end of the run of indexes from `from` that some part holds (from - 1 when none does).
uint64_t CoveredFrom(const std::vector<Part>& parts, uint64_t from) {
  uint64_t end = from - 1;
  for (bool grew = true; grew;) {
    grew = false;
    for (const Part& p : parts) {
      if (p.first <= end + 1 && p.last > end) {
        end = p.last;
        grew = true;
      }
    }
  }
  return end;
}

}  // namespace

ConfigTimeline BuildConfigTimeline(const Run& run) {
  ConfigTimeline t;
  const std::vector<Part> parts = CommittedParts(run);
  if (parts.empty()) {
    t.base_source = "no member's decoded WAL holds a committed entry";
    return t;
  }
  uint64_t lowest = parts.front().first;
  for (const Part& p : parts) lowest = std::min(lowest, p.first);

  // Every index where some part holds a ConfChange, with who holds what there.
  std::map<uint64_t, std::vector<std::pair<const Part*, const LogEntry*>>> conf_at;
  for (const Part& p : parts) {
    for (const LogEntry& e : p.log->entries) {
      if (e.index > p.last) break;
      if (e.type != EntryType::kNormal) conf_at[e.index].push_back({&p, &e});
    }
  }

  // The base (see the header).
  ClusterState state;
  if (lowest == 1 && conf_at.count(1)) {
    t.base_known = true;
    t.base_index = 0;
    uint64_t n = 0;
    for (auto it = conf_at.begin(); it != conf_at.end() && it->first == n + 1; ++it) {
      const LogEntry& e = *it->second.front().second;
      if (e.term != 1 || e.type != EntryType::kConfChange || e.request.conf_type != "AddNode") break;
      ++n;
    }
    t.initial_through = n;
    t.base_source = n == 0 ? "an empty configuration before index 1"
                           : "bootstrap ConfChange entries at 1-" + std::to_string(n);
  } else if (lowest == 1 && !run.memberships.empty()) {
    const auto ids = MemberIds(run);
    std::string missing;
    auto map_names = [&](const std::vector<std::string>& from, std::set<uint64_t>* to) {
      for (const std::string& name : from) {
        auto it = ids.find(name);
        if (it == ids.end()) {
          missing += (missing.empty() ? "" : ",") + name;
        } else {
          to->insert(it->second);
        }
      }
    };
    map_names(run.memberships[0].voters, &t.base.voters);
    map_names(run.memberships[0].learners, &t.base.learners);
    if (!missing.empty()) {
      t.base_source = "the lab's first membership record names " + missing +
                      " whose etcd id the run does not know";
      return t;
    }
    t.base_known = true;
    t.base_index = 0;
    t.base_source = "the lab's first membership record; the logs start at index 1 without "
                    "bootstrap ConfChange entries";
  } else {
    // The lowest readable .snap whose next index the parts hold.
    for (const auto& [member, snaps] : run.snaps) {
      for (const SnapFile& f : snaps) {
        if (!f.problems.empty() || !f.voters_outgoing.empty() || !f.learners_next.empty()) continue;
        if (CoveredFrom(parts, f.index + 1) < f.index + 1) continue;
        if (t.base_known && f.index >= t.base_index) continue;
        t.base_known = true;
        t.base_index = f.index;
        t.base = {{f.voters.begin(), f.voters.end()}, {f.learners.begin(), f.learners.end()}};
        t.snap_member = member;
        t.snap_name = f.name;
        t.base_source = "ConfState of " + member + "'s " + f.name + " at index " +
                        std::to_string(f.index);
      }
    }
    if (!t.base_known) {
      t.base_source = lowest == 1 ? "the logs start at index 1 without bootstrap ConfChange "
                                    "entries and the journal has no membership record"
                                  : "every member's committed log starts after index 1 (the "
                                    "earliest at " + std::to_string(lowest) +
                                        ") and no readable .snap gives the configuration there";
      return t;
    }
  }
  state.config = t.base;

  t.known_through = CoveredFrom(parts, t.base_index + 1);
  t.unknown_beyond = "no member's committed log holds index " + std::to_string(t.known_through + 1);
  for (const auto& [index, holders] : conf_at) {
    if (index <= t.base_index) continue;
    if (index > t.known_through) break;
    // Every part that holds this index must hold the same entry.
    const LogEntry& ref = *holders.front().second;
    std::string disagree;
    for (const Part& p : parts) {
      if (index < p.first || index > p.last) continue;
      const LogEntry* e = p.log->At(index);
      if (e != nullptr && !SameEntry(*e, ref)) {
        disagree = holders.front().first->member + " holds " + DescribeEntry(ref) + ", " +
                   p.member + " holds " + DescribeEntry(*e);
        break;
      }
    }
    if (!disagree.empty()) {
      t.known_through = index - 1;
      t.unknown_beyond = "the members disagree at index " + std::to_string(index) + " (" +
                         disagree + ")";
      break;
    }
    ConfChangeStep step = ApplyConfChange(&state, ref, index <= t.initial_through);
    const bool undecoded = step.effect == ConfEffect::kUndecoded;
    t.steps.push_back(std::move(step));
    if (undecoded) {
      t.known_through = index - 1;
      t.unknown_beyond = "the effect of " + DescribeEntry(ref) +
                         (ref.type == EntryType::kConfChangeV2
                              ? " (a ConfChangeV2: joint consensus is not modelled)"
                              : " (not decoded)") +
                         " is unknown";
      break;
    }
  }
  return t;
}

}  // namespace raftlab::evidence
