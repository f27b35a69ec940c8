// Running a fault's host commands through the members' agents: apply in order with rollback,
// and the tolerant undo that makes every revert idempotent. Also the stop of a helper process.
//
// Tolerance: an undo command that fails is fine when what it removes is already gone, which is
// checked, not assumed: `iptables -D <rule>` is followed by `iptables -C <rule>` (exit 1: the
// rule, or its chain, is absent); `tc qdisc del dev D root` by `tc qdisc show dev D root`
// (no netem or tbf left: the only root qdiscs the lab adds). Anything else is a failure.
#pragma once

#include <string>
#include <vector>

#include "chaos/fault_context.h"
#include "chaos/network_plan.h"
#include "cluster/host_agent.h"

namespace raftlab::chaos {

// Runs plan.apply in order. If one fails, runs the undo twins (plan.revert[i] undoes
// plan.apply[i]) of those that ran, then returns an error naming the command and its host.
Status ApplyPlan(const NetworkPlan& plan, FaultContext& ctx);
// Runs every command of `undo` (all of them, even after a failure); returns the first real
// failure, naming the command and host.
Status RunUndo(const std::vector<HostCommand>& undo, FaultContext& ctx);
// SIGTERM, then SIGKILL after 2 s. A process that already exited, or that this agent does not
// know (a crashed control plane's local agent started it), counts as stopped.
Status StopHelper(cluster::HostAgent* agent, const cluster::ProcessRef& helper);

}  // namespace raftlab::chaos
