// The Raft configuration (voters and learners) in force at each log index of a run, recovered
// from the ConfChange entries in the members' decoded WALs. The membership checker judges this
// sequence; the commit-quorum checker asks it which voters decided each commit.
//
// Which entries count. Each member's committed part: its entries up to CommittedThrough (the
// highest commit its last WAL hard state or any of its samples showed). The members' parts are
// merged by index. Where two members hold different committed entries at one index and one of
// them is a ConfChange, the configuration from there on is unknown (contested; the membership
// checker reports the disagreement).
//
// Where the configuration starts (the base), in this order:
//   1. bootstrap: a committed part starting at index 1 with a ConfChange. etcd 3.4 writes the
//      initial members as ConfChange AddNode entries of term 1 at indexes 1..N (raft's
//      RawNode.Bootstrap), so the configuration before index 1 is empty and those entries build
//      the initial configuration;
//   2. the lab's first membership record (run.memberships[0], names mapped to ids), when a
//      committed part starts at index 1 without a ConfChange there (hand-made runs);
//   3. the ConfState of a readable .snap file at index S whose next index S+1 the merged parts
//      hold, the lowest such S (the logs of every member start late: WAL purge, snapshot install).
// Otherwise the configuration is unknown everywhere.
//
// What a ConfChange does: what etcd 3.4 does when it applies one (etcdserver applyConfChange):
// it first validates the change against the cluster's members (an add of an existing or removed
// id, an add reusing a member's peer URL, a second learner, a promote of a non-learner, a remove
// or update of a non-member are all rejected) and hands a rejected change to raft with node id 0,
// so it takes its index and changes nothing. An accepted AddNode adds a voter (or, with
// isPromote, makes the learner a voter), AddLearnerNode adds a learner, RemoveNode removes the
// member; UpdateNode changes only peer URLs. ConfChangeV2 (joint consensus, never written by
// etcd 3.4) is not modelled: the configuration after one is unknown. The checks that need the
// member list (removed ids, peer URLs) only know what the entries since the base showed.
//
// When a ConfChange takes effect: etcd raft switches to the new configuration when the
// application applies the entry, which is after it is committed. So:
//   - InForceFor(c), the configuration that decides whether index c is committed, is the one
//     after every ConfChange at an index < c (a ConfChange at c itself is committed by the old
//     voters). A leader that has not yet applied a committed ConfChange at i < c still counts the
//     old voters: the commit-quorum checker corrects for that from the leader's progress keys.
//   - After(s), the ConfState etcd writes into a snapshot at index s, includes a ConfChange at s.
//
// Pure functions over a Run; the timeline is plain data. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "evidence/run.h"

namespace raftlab::evidence {

struct VoterConfig {
  std::set<uint64_t> voters;
  std::set<uint64_t> learners;

  bool operator==(const VoterConfig&) const = default;
};

// "voters {n1,n2,n3} learners {n4}" ("learners {}" is left out when there are none).
std::string DescribeConfig(const VoterConfig& c, const std::map<uint64_t, std::string>& names);

// What one ConfChange entry did to the configuration.
enum class ConfEffect {
  kBootstrap,       // AddNode of term 1 at the start of the log: an initial member
  kAddVoter,        // AddNode of a new member: a voter added directly, not as a learner first
  kAddLearner,      // AddLearnerNode of a new member
  kPromote,         // AddNode with isPromote of a learner: the learner becomes a voter
  kRemoveVoter,
  kRemoveLearner,
  kUpdate,          // UpdateNode: peer URLs only
  kRejected,        // refused by etcd's apply-time validation: no effect (see `rejected`)
  kUndecoded,       // ConfChangeV2 or an undecodable payload: effect unknown
};
const char* ConfEffectName(ConfEffect e);   // "bootstrap", "add voter", ...

// The members etcd's apply-time validation consults, beside the raft configuration.
struct ClusterState {
  VoterConfig config;
  std::set<uint64_t> removed;
  std::map<uint64_t, std::vector<std::string>> peer_urls;   // from the entries' contexts
};

struct ConfChangeStep {
  LogEntry entry;
  ConfEffect effect = ConfEffect::kUndecoded;
  uint64_t node = 0;        // the member it names
  std::string rejected;     // why etcd refused it (kRejected only)
  VoterConfig before, after;

  // Voters added plus voters removed by this step.
  size_t VotersMoved() const;
};

// Applies one ConfChange entry (type kConfChange or kConfChangeV2) to `state` as etcd 3.4 does;
// `bootstrap` for the initial AddNode entries, which are never validated. Returns the step.
ConfChangeStep ApplyConfChange(ClusterState* state, const LogEntry& entry, bool bootstrap);

struct ConfigTimeline {
  bool base_known = false;
  uint64_t base_index = 0;      // `base` is the configuration after index base_index
  VoterConfig base;
  std::string base_source;      // "bootstrap ConfChange entries at 1-3", ...
  std::string snap_member;      // base from a .snap: whose file and which
  std::string snap_name;
  uint64_t initial_through = 0; // last bootstrap entry (0 without bootstrap)
  // Every ConfChange at an index in (base_index, known_through], ascending (bootstrap included),
  // then, when one ended the knowledge, that undecoded step at known_through + 1.
  std::vector<ConfChangeStep> steps;
  // After(i) is known for base_index <= i <= known_through; why not beyond.
  uint64_t known_through = 0;
  std::string unknown_beyond;

  // The configuration once bootstrap is done (the base when there was no bootstrap).
  VoterConfig Initial() const;
  // The configuration after every ConfChange at an index <= `index`; nullopt (and `why`) when
  // the logs do not tell.
  std::optional<VoterConfig> After(uint64_t index, std::string* why = nullptr) const;
  // The configuration that decides the commit of `index`: After(index - 1).
  std::optional<VoterConfig> InForceFor(uint64_t index, std::string* why = nullptr) const;
  // The last step at an index <= `index` (nullptr when none).
  const ConfChangeStep* LastStepAtOrBelow(uint64_t index) const;
  // Steps beyond the initial configuration (not bootstrap).
  size_t Changes() const;
  // "configuration after (12, term 2, conf AddNode ...)" or "initial configuration (<source>)".
  std::string Label(uint64_t index_at_or_below) const;
};

// The highest committed index of `member`'s log: its last WAL hard state's commit, or higher
// when one of its samples (same etcd id as the log) showed a higher commit.
uint64_t CommittedThrough(const Run& run, const std::string& member, const RaftLog& log);

ConfigTimeline BuildConfigTimeline(const Run& run);

}  // namespace raftlab::evidence
