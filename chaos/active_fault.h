// ActiveFault: one applied fault as the FaultManager keeps and persists it: what was asked
// (the spec, targets resolved), what it shows (FaultInfo), and exactly what applying it
// changed (AppliedChanges), which is all a revert needs, also in a later control plane after
// a crash. Plain data with a JSON round trip; no I/O.
#pragma once

#include <string>
#include <vector>

#include "chaos/fault.h"
#include "chaos/fault_spec.h"
#include "chaos/network_plan.h"
#include "cluster/host_agent.h"
#include "common/json_util.h"
#include "common/status.h"

namespace raftlab::chaos {

// Reset on revert: `bytes` written to `path` on `host` (when the file still exists).
struct FileReset {
  std::string host, path, bytes;
};

struct AppliedChanges {
  NetworkPlan plan;                            // commands run, and their undo twins (plan.revert)
  std::vector<cluster::ProcessRef> helpers;    // helper processes (the delayer), stopped on revert
  std::vector<FileReset> files;                // e.g. the fsync control file back to 0
  std::string member;                          // process faults: the member signalled
  int signal = 0;                              // the signal sent (SIGKILL, SIGSTOP, ...)
};

struct ActiveFault {
  FaultInfo info;
  FaultSpec spec;             // targets and groups resolved to member names
  AppliedChanges applied;
  // What two faults may not share, e.g. "process:n2", "qdisc:n2", "disk:n2"; "" for none.
  std::string exclusive;
};

Json HostCommandsToJson(const std::vector<HostCommand>& commands);
// "n1: iptables -w -A RAFTLAB-FAULTS ...", the form the journal's detail.commands shows.
Json RenderedCommands(const std::vector<HostCommand>& commands);

Json ActiveFaultToJson(const ActiveFault& fault);
Result<ActiveFault> ActiveFaultFromJson(const Json& doc);

}  // namespace raftlab::chaos
