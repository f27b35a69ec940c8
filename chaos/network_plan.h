// Network fault plans: which iptables rules (and tc commands) on which host realise a
// partition, a one-way cut, a bridge, random loss or a queue delay. Pure functions from
// member names and addresses to rules, so the exact kernel state a fault creates is data
// that tests and the journal can see.
//
// Every rule goes into the chain RAFTLAB-FAULTS inside a member's namespace (never the root
// namespace) and carries a comment "raftlab-<fault id>".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace raftlab::chaos {

struct HostCommand {
  std::string host;                      // member name
  std::vector<std::string> argv;         // full command run inside the host's namespace
};

struct NetworkPlan {
  std::vector<HostCommand> apply;        // run in order
  std::vector<HostCommand> revert;       // run in order; each undoes part of apply
};

// ip of every member, by name.
using Addresses = std::map<std::string, std::string>;

// Rule text helpers: `iptables -w -A RAFTLAB-FAULTS <match...> -m comment --comment raftlab-<id> -j <target>`
// with its exact -D twin.
void AddRule(NetworkPlan* plan, const std::string& host, const std::vector<std::string>& match,
             const std::vector<std::string>& target, const std::string& fault_id);

// Groups must be disjoint, non-empty, and name known members; members in no group are
// unaffected here (the partition family refuses them). Every pair in different groups loses
// both directions.
Result<NetworkPlan> PlanPartition(const std::vector<std::vector<std::string>>& groups, const Addresses& ips,
                                  const std::string& fault_id);
// Packets from `from` to `to` are dropped; `to` -> `from` still flows.
Result<NetworkPlan> PlanOneWay(const std::string& from, const std::string& to, const Addresses& ips,
                               const std::string& fault_id);
// `bridge` sees everyone; the other members split into `side_a` and `side_b` that do not see
// each other.
Result<NetworkPlan> PlanBridge(const std::string& bridge, const std::vector<std::string>& side_a,
                               const std::vector<std::string>& side_b, const Addresses& ips,
                               const std::string& fault_id);
// Random loss (probability in (0,1)) of `target`'s traffic to and from each of `peers`.
Result<NetworkPlan> PlanLoss(const std::string& target, const std::vector<std::string>& peers, double probability,
                             const Addresses& ips, const std::string& fault_id);
// Sends `target`'s packets to `peers` through NFQUEUE queue `queue` (a delayer holds them).
Result<NetworkPlan> PlanQueueDelay(const std::string& target, const std::vector<std::string>& peers, int queue,
                                   const Addresses& ips, const std::string& fault_id);
// tc netem fixed delay on the target's interface (all its traffic).
NetworkPlan PlanNetemDelay(const std::string& target, int delay_ms);
// tc tbf rate limit on the target's interface. `rate` like "256kbit", "1mbit" (CheckTcRate).
Result<NetworkPlan> PlanBandwidth(const std::string& target, const std::string& rate);

}  // namespace raftlab::chaos
