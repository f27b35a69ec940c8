// FaultInfo: what `raftlab faults` shows of one active fault and what its journal events
// carry. The kinds and their expected effect on the cluster are documented on FaultKind in
// proto/raftlab.proto; a fault starts as a FaultSpec (fault_spec.h) and is applied by the
// FaultManager (fault_manager.h) through its family (fault_family.h). Plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json_util.h"

namespace raftlab::chaos {

struct FaultInfo {
  std::string id;                    // "f1"
  std::string kind;                  // as journaled: "partition" (also for isolate), "one-way", ...
  std::vector<std::string> targets;  // resolved member names
  std::string since;                 // wall time applied
  int64_t since_mono_ns = 0;
  std::string mechanism;             // "iptables DROP", "tc netem", "raftlab-delayer (NFQUEUE)", ...
  std::string description;           // one readable line
  Json detail;                       // exact rules, commands, signals
  std::string error;                 // why its last revert failed; "" while none did
};

}  // namespace raftlab::chaos
