// Link faults: loss (iptables statistic), bandwidth (tc tbf), delay (tc netem where the kernel
// has it and the delay is on every peer, else raftlab-delayer holding NFQUEUE'd packets).
// A member has at most one root qdisc at a time (exclusive "qdisc:<member>").
#include <signal.h>

#include <cmath>

#include "chaos/fault_family.h"
#include "chaos/family_util.h"
#include "chaos/host_commands.h"
#include "cluster/topology.h"
#include "common/strings.h"

namespace raftlab::chaos {
namespace {

constexpr int kDelayerStartMs = 150;   // it binds its queue meanwhile (--queue-bypass lets traffic flow)

class LinkFaults : public FaultFamily {
 public:
  std::vector<FaultKind> Kinds() const override { return {v1::FAULT_LOSS, v1::FAULT_DELAY, v1::FAULT_BANDWIDTH}; }

  Status Plan(const FaultSpec& spec, FaultContext& ctx, ActiveFault* fault) override {
    RL_RETURN_IF_ERROR(ValidateParams(spec));
    if (spec.targets.size() != 1) return InvalidArgument(std::string(FaultKindName(spec.kind)) + " takes one member");
    fault->spec = spec;
    fault->info.kind = FaultKindName(spec.kind);
    Result<std::string> target = ResolveRecorded(ctx, spec.targets[0], fault);
    if (!target.ok()) return target.status();
    const std::string& t = *target;
    fault->spec.targets = {t};
    fault->info.targets = {t};
    const Addresses ips = LabAddresses(ctx);
    const std::string& id = fault->info.id;
    const std::vector<std::string> peers = spec.params.peers.empty() ? OtherMembers(ctx, t) : spec.params.peers;
    Result<NetworkPlan> plan = InvalidArgument("unplanned");
    std::string mechanism;
    switch (spec.kind) {
      case v1::FAULT_LOSS:
        plan = PlanLoss(t, peers, spec.params.probability, ips, id);
        mechanism = "iptables statistic random DROP";
        break;
      case v1::FAULT_BANDWIDTH:
        plan = PlanBandwidth(t, spec.params.rate);
        mechanism = "tc tbf";
        fault->exclusive = "qdisc:" + t;
        break;
      case v1::FAULT_DELAY: {
        for (const auto& p : peers)
          if (p == t) return InvalidArgument("--to cannot name the delayed member itself");
        fault->spec.params.peers = peers;
        const bool netem = HasNetem(t, ctx);
        if (spec.params.peers.empty() && netem) {
          plan = PlanNetemDelay(t, spec.params.delay_ms);
          mechanism = "tc netem";
          fault->exclusive = "qdisc:" + t;
          break;
        }
        const int queue = next_queue_++;
        plan = PlanQueueDelay(t, peers, queue, ips, id);
        fault->info.detail["queue"] = queue;
        mechanism = netem ? "raftlab-delayer (NFQUEUE; netem cannot target single peers here)"
                          : "raftlab-delayer (NFQUEUE): this kernel has no tc netem";
        break;
      }
      default: return InvalidArgument(std::string("not a link fault: ") + FaultKindName(spec.kind));
    }
    if (!plan.ok()) return plan.status();
    fault->applied.plan = std::move(*plan);
    RecordPlan(mechanism, fault);
    fault->info.description = Describe(*fault);
    return Status::Ok();
  }

  Status Apply(ActiveFault* fault, FaultContext& ctx) override {
    if (fault->info.detail.contains("queue")) RL_RETURN_IF_ERROR(StartDelayer(fault, ctx));
    Status s = ApplyPlan(fault->applied.plan, ctx);
    if (!s.ok()) (void)StopHelpers(fault, ctx);
    return s;
  }

  Status Revert(ActiveFault* fault, FaultContext& ctx, RevertMode) override {
    Status rules = RunUndo(fault->applied.plan.revert, ctx);
    // The rules go first: with the delayer gone while its NFQUEUE rule stays, --queue-bypass
    // passes packets on, so this order never drops traffic.
    Status helpers = StopHelpers(fault, ctx);
    return rules.ok() ? helpers : rules;
  }

  std::string Describe(const ActiveFault& f) const override {
    const FaultSpec& s = f.spec;
    const std::string& t = s.targets.at(0);
    switch (s.kind) {
      case v1::FAULT_LOSS:
        return "loss " + std::to_string(static_cast<int>(std::lround(s.params.probability * 100))) + "% on " + t +
               "'s peer traffic";
      case v1::FAULT_BANDWIDTH: return "bandwidth " + s.params.rate + " on " + t;
      case v1::FAULT_DELAY:
        return "delay " + std::to_string(s.params.delay_ms) + " ms on " + t + " -> " + JoinNames(s.params.peers);
      default: return FaultKindName(s.kind);
    }
  }

 private:
  // Whether this kernel has tc netem: probed once, on the lab's own interface of `host`.
  bool HasNetem(const std::string& host, FaultContext& ctx) {
    if (netem_ >= 0) return netem_ == 1;
    cluster::HostAgent* agent = ctx.AgentOf(host);
    Result<RunResult> r =
        agent->RunOnHost(host, {"tc", "qdisc", "add", "dev", cluster::kMemberIface, "root", "netem", "delay", "1ms"});
    // A root qdisc already there (a bandwidth fault) says nothing about netem: ask again later.
    if (r.ok() && !r->ok() && r->err.find("File exists") != std::string::npos) return true;
    netem_ = r.ok() && r->ok() ? 1 : 0;
    if (netem_ == 1) (void)agent->RunOnHost(host, {"tc", "qdisc", "del", "dev", cluster::kMemberIface, "root"});
    return netem_ == 1;
  }

  Status StartDelayer(ActiveFault* fault, FaultContext& ctx) {
    const std::string& t = fault->spec.targets.at(0);
    const std::string& id = fault->info.id;
    const std::string dir = ctx.MemberDir(t);
    const std::string log = dir + "/delayer-" + id + ".log";
    cluster::HostAgent* agent = ctx.AgentOf(t);
    // --control names a file under the lab's state dir, so a crashed lab's delayer is found by
    // the leftover sweep (it matches command lines naming the state dir); absent, it holds --delay-ms.
    Result<cluster::ProcessRef> helper = agent->StartOnHost(
        t,
        {"raftlab-delayer", "--queue", std::to_string(fault->info.detail["queue"].get<int>()), "--delay-ms",
         std::to_string(fault->spec.params.delay_ms), "--control", dir + "/delayer-" + id + ".delay-ms"},
        log);
    if (!helper.ok()) return helper.status();
    Result<std::string> early = agent->WaitExit(*helper, kDelayerStartMs);
    if (early.ok()) return Unavailable("raftlab-delayer " + *early + " at start; see " + log + " on " + t);
    if (early.status().code() != Code::kTimeout) {
      (void)StopHelper(agent, *helper);
      return early.status();
    }
    fault->applied.helpers.push_back(*helper);
    fault->info.detail["delayer"] = {{"host", helper->host}, {"process", helper->id}, {"log", log}};
    return Status::Ok();
  }

  // Stops every helper; the stopped ones leave the list, so a retry stops only the rest.
  static Status StopHelpers(ActiveFault* fault, FaultContext& ctx) {
    Status first = Status::Ok();
    std::vector<cluster::ProcessRef> left;
    for (const auto& h : fault->applied.helpers) {
      Status s = StopHelper(ctx.AgentOf(h.host), h);
      if (s.ok()) continue;
      left.push_back(h);
      if (first.ok()) first = s;
    }
    fault->applied.helpers = left;
    return first;
  }

  int netem_ = -1;      // -1 unknown, 0 no, 1 yes
  int next_queue_ = 100;
};

}  // namespace

std::unique_ptr<FaultFamily> MakeLinkFaults() { return std::make_unique<LinkFaults>(); }

}  // namespace raftlab::chaos
