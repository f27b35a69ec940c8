// FaultManager: the lab's active faults. Gives each fault an id, applies it through its
// family (fault_family.h), refuses a second fault on a member's process, disk or root qdisc,
// journals each fault's start and end with the exact commands or signals, keeps
// raftlab_fault_active{kind,target} on the exporter, and persists the active set (spec,
// exact commands, helper processes) with the lab's state after every change, so a later
// control plane can revert a crashed one's faults (RevertFromState).
//
// A refused or failed Apply changes nothing and consumes no id. A revert that fails keeps the
// fault listed with its error (journaled as phase "revert_failed"); heal retries it.
// Thread-safe: one mutex serialises every call (held across the family's host commands).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chaos/active_fault.h"
#include "chaos/fault.h"
#include "chaos/fault_context.h"
#include "chaos/fault_family.h"
#include "chaos/fault_spec.h"
#include "common/json_util.h"
#include "common/status.h"

namespace raftlab::chaos {

// What a heal (or a revert from state) did, per fault.
struct HealReport {
  std::vector<FaultInfo> reverted;
  std::vector<FaultInfo> failed;     // each with its error; still listed (not for RevertFromState)
  // "healed f1: partition n1 / n2,n3" / "f2 still active, its revert failed: ..." per fault.
  std::vector<std::string> Lines() const;
};

class FaultManager {
 public:
  // `ctx` is not owned and must outlive the manager.
  explicit FaultManager(FaultContext* ctx);
  ~FaultManager();

  Result<FaultInfo> Apply(const FaultSpec& spec);
  // Reverts one fault (by id) or, with an empty id, all of them, newest first. NotFound for
  // an unknown id; otherwise the report says what was reverted and what still failed.
  Result<HealReport> Heal(const std::string& id);
  std::vector<FaultInfo> List() const;
  // Reverts the faults a crashed control plane persisted (the Json it saved through
  // FaultContext::SaveFaults; null or empty: nothing). Faults this manager holds are not
  // touched. Returns what was reverted and what could not be.
  HealReport RevertFromState(const Json& persisted);

 private:
  FaultFamily* FamilyOf(FaultKind kind) const;
  Status CheckNoConflict(const ActiveFault& fault) const;
  void Persist();   // caller holds mu_

  FaultContext* ctx_;
  std::vector<std::unique_ptr<FaultFamily>> families_;
  std::map<FaultKind, FaultFamily*> by_kind_;
  mutable std::mutex mu_;
  std::vector<ActiveFault> active_;   // oldest first
  int next_id_ = 0;
};

}  // namespace raftlab::chaos
