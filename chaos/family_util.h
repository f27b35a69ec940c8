// Helpers the fault families share: the lab's addresses, target resolution that records
// "leader" -> n2 in the fault's detail, and the list of other members. Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "chaos/active_fault.h"
#include "chaos/fault_context.h"
#include "chaos/network_plan.h"

namespace raftlab::chaos {

// Every member's address, by name.
Addresses LabAddresses(FaultContext& ctx);
// Resolves "n2" / "leader" / "a-follower" now; a role is recorded in fault->info.detail["resolved"].
Result<std::string> ResolveRecorded(FaultContext& ctx, const std::string& spec, ActiveFault* fault);
std::vector<std::string> OtherMembers(FaultContext& ctx, const std::string& self);
// Sets the info's mechanism and the journal's detail.commands from the planned commands.
void RecordPlan(const std::string& mechanism, ActiveFault* fault);

}  // namespace raftlab::chaos
