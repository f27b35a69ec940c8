// Partition faults: partition, one-way, bridge, isolate. Each is a set of iptables DROP rules
// in RAFTLAB-FAULTS on the receiving members (network_plan.h); revert deletes exactly those
// rules, tolerating rules already gone (host_commands.h).
#include <set>

#include "chaos/fault_family.h"
#include "chaos/family_util.h"
#include "chaos/host_commands.h"
#include "common/strings.h"

namespace raftlab::chaos {
namespace {

std::string Groups(const std::vector<std::vector<std::string>>& groups) {
  std::vector<std::string> sides;
  for (const auto& g : groups) sides.push_back(JoinNames(g));
  return JoinNames(sides, " / ");
}

// Every member must be in a group (or be the bridge): one left out would still see both
// sides, a bridge nobody asked for.
Status CheckEveryMemberPlaced(FaultContext& ctx, const std::vector<std::vector<std::string>>& groups,
                              const std::string& bridge) {
  std::set<std::string> placed;
  for (const auto& g : groups) placed.insert(g.begin(), g.end());
  if (!bridge.empty()) placed.insert(bridge);
  for (const auto& m : ctx.MemberNames()) {
    if (placed.count(m) != 0) continue;
    if (!bridge.empty())
      return InvalidArgument(m + " is in no group and is not the bridge: put it on one side (" + Groups(groups) + ")");
    return InvalidArgument(m + " is in no group, so it would still see every side: put it in a group (e.g. " +
                           Groups(groups) + "," + m + "), or let it see both sides with `raftlab partition --bridge " +
                           m + " " + Groups(groups) + "`");
  }
  return Status::Ok();
}

class PartitionFaults : public FaultFamily {
 public:
  std::vector<FaultKind> Kinds() const override {
    return {v1::FAULT_PARTITION, v1::FAULT_ONE_WAY, v1::FAULT_BRIDGE, v1::FAULT_ISOLATE};
  }

  Status Plan(const FaultSpec& spec, FaultContext& ctx, ActiveFault* fault) override {
    fault->spec = spec;
    fault->info.kind = FaultKindName(spec.kind);
    const Addresses ips = LabAddresses(ctx);
    const std::string& id = fault->info.id;
    Result<NetworkPlan> plan = InvalidArgument("unplanned");
    switch (spec.kind) {
      case v1::FAULT_ISOLATE: {
        if (spec.targets.size() != 1) return InvalidArgument("--isolate takes one member");
        Result<std::string> t = ResolveRecorded(ctx, spec.targets[0], fault);
        if (!t.ok()) return t.status();
        fault->spec.targets = {*t};
        fault->spec.groups = {{*t}, OtherMembers(ctx, *t)};
        fault->info.kind = "partition";   // journaled and exported as a partition of one
        fault->info.targets = {*t};
        plan = PlanPartition(fault->spec.groups, ips, id);
        break;
      }
      case v1::FAULT_PARTITION:
      case v1::FAULT_BRIDGE: {
        RL_RETURN_IF_ERROR(ResolveGroups(spec, ctx, fault));
        std::string bridge;
        if (spec.kind == v1::FAULT_BRIDGE) {
          if (fault->spec.groups.size() != 2) return InvalidArgument("--bridge needs exactly two sides: --bridge n3 n1 / n2");
          if (spec.targets.size() != 1) return InvalidArgument("--bridge names one member");
          Result<std::string> b = ResolveRecorded(ctx, spec.targets[0], fault);
          if (!b.ok()) return b.status();
          bridge = *b;
          fault->spec.targets = {bridge};
          fault->info.targets.push_back(bridge);
          plan = PlanBridge(bridge, fault->spec.groups[0], fault->spec.groups[1], ips, id);
        } else {
          plan = PlanPartition(fault->spec.groups, ips, id);
        }
        if (!plan.ok()) return plan.status();
        RL_RETURN_IF_ERROR(CheckEveryMemberPlaced(ctx, fault->spec.groups, bridge));
        break;
      }
      case v1::FAULT_ONE_WAY: {
        if (spec.targets.size() != 2) return InvalidArgument("--one-way needs FROM TO");
        Result<std::string> from = ResolveRecorded(ctx, spec.targets[0], fault);
        if (!from.ok()) return from.status();
        Result<std::string> to = ResolveRecorded(ctx, spec.targets[1], fault);
        if (!to.ok()) return to.status();
        fault->spec.targets = {*from, *to};
        fault->info.targets = {*from, *to};
        plan = PlanOneWay(*from, *to, ips, id);
        break;
      }
      default: return InvalidArgument(std::string("not a partition fault: ") + FaultKindName(spec.kind));
    }
    if (!plan.ok()) return plan.status();
    fault->applied.plan = std::move(*plan);
    RecordPlan("iptables DROP", fault);
    fault->info.description = Describe(*fault);
    return Status::Ok();
  }

  Status Apply(ActiveFault* fault, FaultContext& ctx) override { return ApplyPlan(fault->applied.plan, ctx); }

  Status Revert(ActiveFault* fault, FaultContext& ctx, RevertMode) override {
    return RunUndo(fault->applied.plan.revert, ctx);
  }

  std::string Describe(const ActiveFault& f) const override {
    const FaultSpec& s = f.spec;
    switch (s.kind) {
      case v1::FAULT_ISOLATE: {
        const std::string& t = s.targets.at(0);
        std::string role;
        if (f.info.detail.contains("resolved"))
          for (auto& [spec, name] : f.info.detail["resolved"].items())
            if (name == t) role = " (the " + spec + ")";
        return "isolate " + t + role + ": " + Groups(s.groups);
      }
      case v1::FAULT_PARTITION: return "partition " + Groups(s.groups);
      case v1::FAULT_BRIDGE: return "bridge " + s.targets.at(0) + " between " + Groups(s.groups);
      case v1::FAULT_ONE_WAY: {
        const std::string &from = s.targets.at(0), &to = s.targets.at(1);
        return "one-way: " + from + " -> " + to + " dropped (" + to + " -> " + from + " flows)";
      }
      default: return FaultKindName(s.kind);
    }
  }

 private:
  static Status ResolveGroups(const FaultSpec& spec, FaultContext& ctx, ActiveFault* fault) {
    fault->spec.groups.clear();
    for (const auto& g : spec.groups) {
      std::vector<std::string> resolved;
      for (const auto& m : g) {
        Result<std::string> name = ResolveRecorded(ctx, m, fault);
        if (!name.ok()) return name.status();
        resolved.push_back(*name);
        fault->info.targets.push_back(*name);
      }
      fault->spec.groups.push_back(resolved);
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<FaultFamily> MakePartitionFaults() { return std::make_unique<PartitionFaults>(); }

}  // namespace raftlab::chaos
