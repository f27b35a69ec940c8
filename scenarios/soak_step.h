// A fault plan's step made concrete: the roles a PlanStep names ("the leader", "a follower")
// resolved against the cluster as it is when the step starts, into what the soak asks
// raftlabd to do: a FaultRequest (partitions, loss, delay, bandwidth, kill, pause), a restart,
// a leadership transfer or a member change.
//
// Resolution (chaos/fault_plan.h): candidates are the running voters other than the leader, in
// name order; `pick` % count chooses the first, the next ones (a split's minority) follow it
// round the list. A split's minority holds (N-1)/2 of the N voters: the target plus as many
// followers as it needs; a bridge is a follower between {leader} and the other followers.
//
// Pure (no RPC, no clock). Thread-safe (no shared state).
#pragma once

#include <string>
#include <vector>

#include "chaos/fault_plan.h"
#include "common/status.h"
#include "proto/raftlab.pb.h"

namespace raftlab::scenarios {

// Who is who when a step starts.
struct ClusterRoles {
  std::string leader;
  std::vector<std::string> followers;   // running voters other than the leader, in name order
};

// The running voters' roles from a Status reply (learners and members that are down left out);
// Unavailable when no member leads or the members disagree on who does.
Result<ClusterRoles> RolesFromStatus(const v1::StatusReply& status);

struct ResolvedStep {
  enum class Action { kFault, kRestart, kTransferLeader, kMemberChange };
  Action action = Action::kFault;
  v1::FaultRequest fault;               // kFault
  std::string member;                   // kRestart, kTransferLeader: the member
  std::vector<std::string> targets;     // every member the step touches, for the journal
  std::string description;              // "isolate n2 (the leader): n2 / n1,n3"
};

// FailedPrecondition when the cluster cannot take the step (too few followers).
Result<ResolvedStep> ResolveStep(const chaos::PlanStep& step, const ClusterRoles& roles);

}  // namespace raftlab::scenarios
