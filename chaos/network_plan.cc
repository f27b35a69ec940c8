#include "chaos/network_plan.h"

#include <cstdio>
#include <set>

#include "chaos/fault_spec.h"
#include "cluster/topology.h"

namespace raftlab::chaos {
namespace {

std::vector<std::string> Iptables(const char* op, const std::vector<std::string>& rule) {
  std::vector<std::string> argv = {"iptables", "-w", op, cluster::kFaultChain};
  argv.insert(argv.end(), rule.begin(), rule.end());
  return argv;
}

Status CheckKnown(const std::string& member, const Addresses& ips) {
  if (ips.count(member) == 0) {
    std::string known;
    for (const auto& [n, ip] : ips) known += (known.empty() ? "" : ", ") + n;
    return NotFound("unknown member '" + member + "' (members: " + known + ")");
  }
  return Status::Ok();
}

// Drops, on `host`, every packet arriving from `from`.
void DropInbound(NetworkPlan* plan, const std::string& host, const std::string& from, const Addresses& ips,
                 const std::string& id) {
  AddRule(plan, host, {"-s", ips.at(from)}, {"-j", "DROP"}, id);
}

}  // namespace

void AddRule(NetworkPlan* plan, const std::string& host, const std::vector<std::string>& match,
             const std::vector<std::string>& target, const std::string& fault_id) {
  std::vector<std::string> rule = match;
  rule.insert(rule.end(), {"-m", "comment", "--comment", "raftlab-" + fault_id});
  rule.insert(rule.end(), target.begin(), target.end());
  plan->apply.push_back({host, Iptables("-A", rule)});
  plan->revert.push_back({host, Iptables("-D", rule)});
}

Result<NetworkPlan> PlanPartition(const std::vector<std::vector<std::string>>& groups, const Addresses& ips,
                                  const std::string& fault_id) {
  if (groups.size() < 2) return InvalidArgument("a partition needs at least two groups, e.g. n1 / n2,n3");
  std::set<std::string> seen;
  for (const auto& g : groups) {
    if (g.empty()) return InvalidArgument("empty group in partition");
    for (const auto& m : g) {
      RL_RETURN_IF_ERROR(CheckKnown(m, ips));
      if (!seen.insert(m).second) return InvalidArgument("member " + m + " is in two groups");
    }
  }
  NetworkPlan plan;
  for (size_t i = 0; i < groups.size(); ++i)
    for (size_t j = 0; j < groups.size(); ++j)
      if (i != j)
        for (const auto& host : groups[i])
          for (const auto& other : groups[j]) DropInbound(&plan, host, other, ips, fault_id);
  return plan;
}

Result<NetworkPlan> PlanOneWay(const std::string& from, const std::string& to, const Addresses& ips,
                               const std::string& fault_id) {
  RL_RETURN_IF_ERROR(CheckKnown(from, ips));
  RL_RETURN_IF_ERROR(CheckKnown(to, ips));
  if (from == to) return InvalidArgument("one-way cut needs two different members");
  NetworkPlan plan;
  DropInbound(&plan, to, from, ips, fault_id);
  return plan;
}

Result<NetworkPlan> PlanBridge(const std::string& bridge, const std::vector<std::string>& side_a,
                               const std::vector<std::string>& side_b, const Addresses& ips,
                               const std::string& fault_id) {
  RL_RETURN_IF_ERROR(CheckKnown(bridge, ips));
  if (side_a.empty() || side_b.empty()) return InvalidArgument("a bridge needs members on both sides");
  for (const auto& m : side_a) if (m == bridge) return InvalidArgument("the bridge cannot be on a side");
  for (const auto& m : side_b) if (m == bridge) return InvalidArgument("the bridge cannot be on a side");
  return PlanPartition({side_a, side_b}, ips, fault_id);
}

Result<NetworkPlan> PlanLoss(const std::string& target, const std::vector<std::string>& peers, double probability,
                             const Addresses& ips, const std::string& fault_id) {
  RL_RETURN_IF_ERROR(CheckKnown(target, ips));
  if (!(probability > 0 && probability < 1)) return InvalidArgument("loss must be between 0% and 100% (exclusive)");
  NetworkPlan plan;
  char p[32];
  snprintf(p, sizeof p, "%.4f", probability);
  for (const auto& peer : peers) {
    RL_RETURN_IF_ERROR(CheckKnown(peer, ips));
    for (const char* dir : {"-s", "-d"})
      AddRule(&plan, target, {dir, ips.at(peer), "-m", "statistic", "--mode", "random", "--probability", p},
              {"-j", "DROP"}, fault_id);
  }
  return plan;
}

Result<NetworkPlan> PlanQueueDelay(const std::string& target, const std::vector<std::string>& peers, int queue,
                                   const Addresses& ips, const std::string& fault_id) {
  RL_RETURN_IF_ERROR(CheckKnown(target, ips));
  NetworkPlan plan;
  for (const auto& peer : peers) {
    RL_RETURN_IF_ERROR(CheckKnown(peer, ips));
    // --queue-bypass: if the delayer dies, packets flow instead of being dropped.
    AddRule(&plan, target, {"-d", ips.at(peer)},
            {"-j", "NFQUEUE", "--queue-num", std::to_string(queue), "--queue-bypass"}, fault_id);
  }
  return plan;
}

NetworkPlan PlanNetemDelay(const std::string& target, int delay_ms) {
  NetworkPlan plan;
  plan.apply.push_back({target, {"tc", "qdisc", "add", "dev", cluster::kMemberIface, "root", "netem", "delay",
                                 std::to_string(delay_ms) + "ms"}});
  plan.revert.push_back({target, {"tc", "qdisc", "del", "dev", cluster::kMemberIface, "root"}});
  return plan;
}

Result<NetworkPlan> PlanBandwidth(const std::string& target, const std::string& rate) {
  RL_RETURN_IF_ERROR(CheckTcRate(rate));
  NetworkPlan plan;
  // burst must hold at least one full-size packet; latency bounds the queue (and the added delay).
  plan.apply.push_back({target, {"tc", "qdisc", "add", "dev", cluster::kMemberIface, "root", "tbf", "rate", rate,
                                 "burst", "32kbit", "latency", "400ms"}});
  plan.revert.push_back({target, {"tc", "qdisc", "del", "dev", cluster::kMemberIface, "root"}});
  return plan;
}

}  // namespace raftlab::chaos
