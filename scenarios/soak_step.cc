#include "scenarios/soak_step.h"

#include <algorithm>

#include "common/strings.h"

namespace raftlab::scenarios {
namespace {

using chaos::PlanFault;
using chaos::PlanRole;

// `count` followers from the pick round the list.
std::vector<std::string> Chosen(const ClusterRoles& r, uint32_t pick, size_t count) {
  std::vector<std::string> out;
  for (size_t i = 0; i < count && i < r.followers.size(); ++i) out.push_back(r.followers[(pick + i) % r.followers.size()]);
  return out;
}

std::vector<std::string> Without(const std::vector<std::string>& all, const std::vector<std::string>& drop) {
  std::vector<std::string> out;
  for (const auto& m : all)
    if (std::find(drop.begin(), drop.end(), m) == drop.end()) out.push_back(m);
  return out;
}

void AddGroup(v1::FaultRequest* req, const std::vector<std::string>& members) {
  v1::Group* g = req->add_groups();
  for (const auto& m : members) g->add_members(m);
}

}  // namespace

Result<ClusterRoles> RolesFromStatus(const v1::StatusReply& status) {
  ClusterRoles roles;
  std::string named;
  for (const auto& m : status.members()) {
    if (m.role() == "down" || m.learner() || m.role() == "learner") continue;
    if (m.leader().empty()) return Unavailable(m.name() + " knows no leader");
    if (!named.empty() && m.leader() != named) return Unavailable("members disagree on the leader (" + named + ", " + m.leader() + ")");
    named = m.leader();
    if (m.role() == "leader") roles.leader = m.name();
    else roles.followers.push_back(m.name());
  }
  if (roles.leader.empty() || roles.leader != named) return Unavailable("no running member leads");
  std::sort(roles.followers.begin(), roles.followers.end());
  return roles;
}

Result<ResolvedStep> ResolveStep(const chaos::PlanStep& step, const ClusterRoles& r) {
  if (r.leader.empty()) return FailedPrecondition("no leader to resolve the step against");
  const size_t voters = r.followers.size() + 1;
  const bool on_leader = step.target == PlanRole::kLeader;
  if (step.fault != PlanFault::kMemberChange && r.followers.empty())
    return FailedPrecondition("a " + std::string(chaos::PlanFaultName(step.fault)) + " step needs a follower, and " +
                              r.leader + " runs alone");
  const std::string follower = r.followers[step.pick % std::max<size_t>(1, r.followers.size())];
  const std::string target = on_leader ? r.leader : follower;
  const std::string role = on_leader ? " (the leader)" : " (a follower)";
  ResolvedStep out;
  v1::FaultRequest& f = out.fault;
  switch (step.fault) {
    case PlanFault::kIsolate:
      f.set_kind("isolate");
      f.set_target(target);
      out.targets = {target};
      out.description = "isolate " + target + role + ": " + target + " / " + JoinNames(Without(r.followers, {target})) +
                        (on_leader ? "" : "," + r.leader);
      break;
    case PlanFault::kSplit: {
      const size_t minority_size = (voters - 1) / 2;
      if (minority_size == 0) return FailedPrecondition("a split needs at least 3 voters");
      std::vector<std::string> minority;
      if (on_leader) {
        minority.push_back(r.leader);
        for (const auto& m : Chosen(r, step.pick, minority_size - 1)) minority.push_back(m);
      } else {
        minority = Chosen(r, step.pick, minority_size);
      }
      std::vector<std::string> everyone = r.followers;
      everyone.insert(everyone.begin(), r.leader);
      const std::vector<std::string> majority = Without(everyone, minority);
      f.set_kind("partition");
      AddGroup(&f, minority);
      AddGroup(&f, majority);
      out.targets = everyone;
      out.description = "split " + JoinNames(minority) + " / " + JoinNames(majority) + " (the leader " + r.leader + " in the " +
                        (on_leader ? "minority" : "majority") + ")";
      break;
    }
    case PlanFault::kOneWay: {
      const std::string from = on_leader ? r.leader : follower, to = on_leader ? follower : r.leader;
      f.set_kind("one-way");
      f.set_from(from);
      f.set_to(to);
      out.targets = {from, to};
      out.description = "one-way cut " + from + " -> " + to + " (" + (on_leader ? "leader to follower" : "follower to leader") + ")";
      break;
    }
    case PlanFault::kBridge: {
      const std::vector<std::string> rest = Without(r.followers, {follower});
      if (rest.empty()) return FailedPrecondition("a bridge needs two followers");
      f.set_kind("bridge");
      f.set_bridge(follower);
      AddGroup(&f, {r.leader});
      AddGroup(&f, rest);
      out.targets = {follower, r.leader};
      out.targets.insert(out.targets.end(), rest.begin(), rest.end());
      out.description = "bridge " + follower + " between " + r.leader + " (the leader) and " + JoinNames(rest);
      break;
    }
    case PlanFault::kLoss:
      f.set_kind("loss");
      f.set_target(target);
      f.set_probability(step.loss_percent / 100.0);
      out.targets = {target};
      out.description = "loss " + std::to_string(step.loss_percent) + "% on the peer traffic of " + target + role;
      break;
    case PlanFault::kDelay:
      f.set_kind("delay");
      f.set_target(target);
      f.set_delay_ms(static_cast<uint32_t>(step.delay_ms));
      out.targets = {target};
      out.description = "delay " + std::to_string(step.delay_ms) + " ms on the outgoing peer traffic of " + target + role;
      break;
    case PlanFault::kBandwidth:
      f.set_kind("bandwidth");
      f.set_target(target);
      f.set_rate(step.rate);
      out.targets = {target};
      out.description = "bandwidth " + step.rate + " on " + target + role;
      break;
    case PlanFault::kKill:
      f.set_kind("kill");
      f.set_target(target);
      f.set_signal(9);
      out.targets = {target};
      out.description = "kill " + target + role + " with SIGKILL";
      break;
    case PlanFault::kPause:
      f.set_kind("pause");
      f.set_target(target);
      out.targets = {target};
      out.description = "pause " + target + role + " with SIGSTOP";
      break;
    case PlanFault::kRestart:
      out.action = ResolvedStep::Action::kRestart;
      out.member = target;
      out.targets = {target};
      out.description = "restart " + target + role;
      break;
    case PlanFault::kTransferLeader:
      out.action = ResolvedStep::Action::kTransferLeader;
      out.member = follower;
      out.targets = {r.leader, follower};
      out.description = "transfer leadership from " + r.leader + " to " + follower;
      break;
    case PlanFault::kMemberChange:
      out.action = ResolvedStep::Action::kMemberChange;
      out.description = "member change";
      break;
  }
  return out;
}

}  // namespace raftlab::scenarios
