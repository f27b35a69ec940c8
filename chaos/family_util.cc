#include "chaos/family_util.h"

namespace raftlab::chaos {

Addresses LabAddresses(FaultContext& ctx) {
  Addresses ips;
  for (const auto& m : ctx.MemberNames()) ips[m] = ctx.MemberAddress(m);
  return ips;
}

Result<std::string> ResolveRecorded(FaultContext& ctx, const std::string& spec, ActiveFault* fault) {
  if (spec.empty()) return InvalidArgument("the fault names no member");
  Result<std::string> name = ctx.ResolveTarget(spec);
  if (!name.ok()) return name.status();
  if (*name != spec) fault->info.detail["resolved"][spec] = *name;
  return name;
}

std::vector<std::string> OtherMembers(FaultContext& ctx, const std::string& self) {
  std::vector<std::string> out;
  for (const auto& m : ctx.MemberNames())
    if (m != self) out.push_back(m);
  return out;
}

void RecordPlan(const std::string& mechanism, ActiveFault* fault) {
  fault->info.mechanism = mechanism;
  fault->info.detail["commands"] = RenderedCommands(fault->applied.plan.apply);
}

}  // namespace raftlab::chaos
