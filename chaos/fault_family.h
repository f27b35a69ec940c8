// FaultFamily: the kinds that share one mechanism, as Plan / Apply / Revert / Describe
// (etcd's functional tester's Inject/Recover/Desc). One file per family:
//   partition_faults.cc  partition, one-way, bridge, isolate      (iptables DROP)
//   link_faults.cc       loss, delay, bandwidth                   (iptables statistic, tc, NFQUEUE)
//   process_faults.cc    kill, pause                              (signals to the member's etcd)
//   disk_faults.cc       slow-disk                                (raftlab-slowfs control file)
// A family acts only through its FaultContext. Families keep no per-fault state (that lives
// in the ActiveFault); they may cache facts about the machine (e.g. whether tc netem exists).
// Not thread-safe: the FaultManager serialises calls.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chaos/active_fault.h"
#include "chaos/fault_context.h"
#include "chaos/fault_spec.h"

namespace raftlab::chaos {

enum class RevertMode {
  kLive,        // the lab that applied the fault is up
  kFromState,   // the fault was read from a crashed control plane's state; its lab is going
};

class FaultFamily {
 public:
  virtual ~FaultFamily() = default;
  virtual std::vector<FaultKind> Kinds() const = 0;
  // Resolves the targets, checks the parameters and fills *fault (info, resolved spec, the
  // exact changes to make, exclusive) without changing anything. A refusal names the problem.
  virtual Status Plan(const FaultSpec& spec, FaultContext& ctx, ActiveFault* fault) = 0;
  // Makes the planned changes (recording helpers it started). On failure it undoes what it
  // did before returning, so the lab is as it was.
  virtual Status Apply(ActiveFault* fault, FaultContext& ctx) = 0;
  // Undoes fault->applied. Idempotent: what is already gone counts as reverted, so a second
  // revert, or one after a crash, succeeds. A failure leaves the fault revertible again.
  virtual Status Revert(ActiveFault* fault, FaultContext& ctx, RevertMode mode) = 0;
  // One readable line, from the resolved spec: "partition n1 / n2,n3".
  virtual std::string Describe(const ActiveFault& fault) const = 0;
};

std::unique_ptr<FaultFamily> MakePartitionFaults();
std::unique_ptr<FaultFamily> MakeLinkFaults();
std::unique_ptr<FaultFamily> MakeProcessFaults();
std::unique_ptr<FaultFamily> MakeDiskFaults();

}  // namespace raftlab::chaos
