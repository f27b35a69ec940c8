// FaultManager: applies faults to a Lab and reverts them. Owns the list of active faults,
// journals each one's start and end with the exact rules, commands or signals used, and
// keeps raftlab_fault_active{kind,target} up to date on the exporter.
//
// Network faults run iptables/tc only inside members' namespaces (through the lab's
// HostAgent); if applying fails half-way, what was applied is reverted before the error
// returns, so a failed call leaves the cluster as it was.
// Thread-safe: one mutex serialises Apply/Heal/List.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chaos/fault.h"
#include "chaos/network_plan.h"
#include "cluster/lab.h"
#include "common/status.h"

namespace raftlab::chaos {

class FaultManager {
 public:
  explicit FaultManager(cluster::Lab* lab) : lab_(lab) {}
  ~FaultManager();

  Result<FaultInfo> Apply(const FaultRequest& request);
  // Reverts one fault (by id) or, with an empty id, all of them, newest first.
  Result<std::vector<FaultInfo>> Heal(const std::string& id);
  std::vector<FaultInfo> List() const;
  // Whether this kernel has tc netem (probed once, in a member namespace).
  bool HasNetem(const std::string& probe_host);

 private:
  struct Active {
    FaultInfo info;
    NetworkPlan plan;                // network faults
    std::vector<pid_t> helpers;      // e.g. the delayer, killed on revert
    std::string control_file;        // slow-disk
  };

  Status CheckNoConflict(const FaultRequest& r);
  Status ApplyNetwork(Active* a);
  Status RevertNetwork(const Active& a);
  Status ApplyOne(Active* a, const FaultRequest& r);
  Status Revert(Active* a);
  cluster::Lab* lab_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Active>> active_;
  int next_id_ = 0;
  int next_queue_ = 100;
  int netem_ = -1;                   // -1 unknown, 0 no, 1 yes
};

}  // namespace raftlab::chaos
