#include "chaos/fault_manager.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <set>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/subprocess.h"

namespace raftlab::chaos {
namespace {

Addresses LabAddresses(const std::vector<std::string>& members) {
  Addresses ips;
  for (const auto& m : members) ips[m] = cluster::MemberIp(m);
  return ips;
}

std::vector<std::string> Others(const std::vector<std::string>& members, const std::string& self) {
  std::vector<std::string> out;
  for (const auto& m : members) if (m != self) out.push_back(m);
  return out;
}

Json PlanJson(const NetworkPlan& plan) {
  Json commands = Json::array();
  for (const auto& c : plan.apply) commands.push_back(c.host + ": " + JoinArgv(c.argv));
  return commands;
}

std::string SignalName(int sig) {
  switch (sig) {
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGSTOP: return "SIGSTOP";
    case SIGCONT: return "SIGCONT";
    default: return "signal " + std::to_string(sig);
  }
}

void StopHelper(pid_t pid) {
  kill(pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    SleepMs(20);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace

FaultManager::~FaultManager() = default;

bool FaultManager::HasNetem(const std::string& host) {
  if (netem_ >= 0) return netem_ == 1;
  // Probe on the lab's own interface: add a netem qdisc and remove it again.
  Result<RunResult> r = lab_->agent()->RunOnHost(
      host, {"tc", "qdisc", "add", "dev", cluster::kMemberIface, "root", "netem", "delay", "1ms"});
  netem_ = r.ok() && r->ok() ? 1 : 0;
  if (netem_ == 1) (void)lab_->agent()->RunOnHost(host, {"tc", "qdisc", "del", "dev", cluster::kMemberIface, "root"});
  return netem_ == 1;
}

Status FaultManager::ApplyNetwork(Active* a) {
  for (size_t i = 0; i < a->plan.apply.size(); ++i) {
    const HostCommand& c = a->plan.apply[i];
    Result<RunResult> r = lab_->agent()->RunOnHost(c.host, c.argv);
    if (!r.ok() || !r->ok()) {
      // Undo what was applied so the failed call changes nothing.
      NetworkPlan done;
      done.revert.assign(a->plan.revert.begin(), a->plan.revert.begin() + static_cast<long>(i));
      for (const auto& u : done.revert) (void)lab_->agent()->RunOnHost(u.host, u.argv);
      std::string why = r.ok() ? r->Describe() : r.status().message();
      return Internal("`" + JoinArgv(c.argv) + "` in " + cluster::MemberNetns(c.host) + " failed: " + why);
    }
  }
  return Status::Ok();
}

Status FaultManager::RevertNetwork(const Active& a) {
  Status first = Status::Ok();
  for (const auto& c : a.plan.revert) {
    Result<RunResult> r = lab_->agent()->RunOnHost(c.host, c.argv);
    if ((!r.ok() || !r->ok()) && first.ok())
      first = Internal("`" + JoinArgv(c.argv) + "` in " + cluster::MemberNetns(c.host) + " failed: " +
                       (r.ok() ? r->Describe() : r.status().message()));
  }
  for (pid_t pid : a.helpers) StopHelper(pid);
  return first;
}

Status FaultManager::ApplyOne(Active* a, const FaultRequest& r) {
  const std::vector<std::string> members = lab_->MemberNames();
  const Addresses ips = LabAddresses(members);
  const std::string& id = a->info.id;
  FaultInfo& info = a->info;
  auto resolve = [&](const std::string& spec) { return lab_->ResolveTarget(spec); };
  auto network = [&](Result<NetworkPlan> plan, const std::string& mechanism) -> Status {
    if (!plan.ok()) return plan.status();
    a->plan = std::move(*plan);
    info.mechanism = mechanism;
    info.detail["commands"] = PlanJson(a->plan);
    return ApplyNetwork(a);
  };

  if (r.kind == "isolate") {
    Result<std::string> t = resolve(r.target);
    if (!t.ok()) return t.status();
    if (*t != r.target) info.detail["resolved"][r.target] = *t;
    info.kind = "partition";
    info.targets = {*t};
    std::vector<std::string> rest = Others(members, *t);
    std::string rest_desc;
    for (const auto& m : rest) rest_desc += (rest_desc.empty() ? "" : ",") + m;
    info.description = "isolate " + *t + (*t != r.target ? " (the " + r.target + ")" : "") + ": " + *t + " / " + rest_desc;
    return network(PlanPartition({{*t}, rest}, ips, id), "iptables DROP");
  }
  if (r.kind == "partition" || r.kind == "bridge") {
    std::vector<std::vector<std::string>> groups;
    for (const auto& g : r.groups) {
      std::vector<std::string> resolved;
      for (const auto& m : g) {
        Result<std::string> name = resolve(m);
        if (!name.ok()) return name.status();
        if (m != *name) info.detail["resolved"][m] = *name;
        resolved.push_back(*name);
      }
      groups.push_back(resolved);
    }
    std::string desc;
    for (const auto& g : groups) {
      std::string part;
      for (const auto& m : g) {
        part += (part.empty() ? "" : ",") + m;
        info.targets.push_back(m);
      }
      desc += (desc.empty() ? "" : " / ") + part;
    }
    if (r.kind == "partition") {
      // Members in no group are cut off from every group too: a partition lists every side.
      info.description = "partition " + desc;
      return network(PlanPartition(groups, ips, id), "iptables DROP");
    }
    Result<std::string> bridge = resolve(r.bridge);
    if (!bridge.ok()) return bridge.status();
    if (groups.size() != 2) return InvalidArgument("--bridge needs exactly two sides");
    info.targets.push_back(*bridge);
    info.description = "bridge " + *bridge + " between " + desc;
    return network(PlanBridge(*bridge, groups[0], groups[1], ips, id), "iptables DROP");
  }
  if (r.kind == "one-way") {
    Result<std::string> from = resolve(r.from), to = resolve(r.to);
    if (!from.ok()) return from.status();
    if (!to.ok()) return to.status();
    info.targets = {*from, *to};
    info.description = "one-way: " + *from + " -> " + *to + " dropped (" + *to + " -> " + *from + " flows)";
    return network(PlanOneWay(*from, *to, ips, id), "iptables DROP");
  }

  Result<std::string> target = resolve(r.target);
  if (!target.ok()) return target.status();
  if (*target != r.target) info.detail["resolved"][r.target] = *target;
  info.targets = {*target};
  const std::vector<std::string> peers = r.peers.empty() ? Others(members, *target) : r.peers;

  if (r.kind == "loss") {
    info.description = "loss " + std::to_string(static_cast<int>(r.probability * 100 + 0.5)) + "% on " + *target + "'s peer traffic";
    return network(PlanLoss(*target, peers, r.probability, ips, id), "iptables statistic random DROP");
  }
  if (r.kind == "bandwidth") {
    info.description = "bandwidth " + r.rate + " on " + *target;
    return network(PlanBandwidth(*target, r.rate), "tc tbf");
  }
  if (r.kind == "delay") {
    if (r.delay_ms <= 0 || r.delay_ms > 60000) return InvalidArgument("delay must be between 1 ms and 60 s");
    for (const auto& p : peers) if (p == *target) return InvalidArgument("--to cannot name the delayed member itself");
    std::string to_desc;
    for (const auto& p : peers) to_desc += (to_desc.empty() ? "" : ",") + p;
    info.description = "delay " + std::to_string(r.delay_ms) + " ms on " + *target + " -> " + to_desc;
    if (r.peers.empty() && HasNetem(*target)) return network(PlanNetemDelay(*target, r.delay_ms), "tc netem");
    const std::string tool = lab_->ToolPath("raftlab-delayer");
    if (!IsExecutable(tool)) return Unsupported("no tc netem here and raftlab-delayer is missing at " + tool);
    int queue = next_queue_++;
    Result<pid_t> pid = lab_->agent()->StartOnHost(
        *target, {tool, "--queue", std::to_string(queue), "--delay-ms", std::to_string(r.delay_ms)},
        lab_->paths().MemberDir(*target) + "/delayer-" + id + ".log");
    if (!pid.ok()) return pid.status();
    a->helpers.push_back(*pid);
    SleepMs(150);   // let it bind the queue; --queue-bypass keeps traffic flowing meanwhile
    if (waitpid(*pid, nullptr, WNOHANG) == *pid) {
      a->helpers.clear();
      return Unavailable("raftlab-delayer exited at start; see " + lab_->paths().MemberDir(*target) + "/delayer-" + id + ".log");
    }
    info.detail["delayer_pid"] = *pid;
    info.detail["queue"] = queue;
    std::string mech = HasNetem(*target) ? "raftlab-delayer (NFQUEUE; netem cannot target single peers here)"
                                         : "raftlab-delayer (NFQUEUE): this kernel has no tc netem";
    Status s = network(PlanQueueDelay(*target, peers, queue, ips, id), mech);
    if (!s.ok()) {
      for (pid_t h : a->helpers) StopHelper(h);
      a->helpers.clear();
    }
    return s;
  }
  if (r.kind == "kill" || r.kind == "pause") {
    int sig = r.kind == "pause" ? SIGSTOP : (r.signal != 0 ? r.signal : SIGKILL);
    info.mechanism = SignalName(sig);
    info.description = (r.kind == "pause" ? "pause " : "kill ") + *target + " (" + SignalName(sig) + ")";
    info.detail["signal"] = SignalName(sig);
    return lab_->SignalMember(*target, sig);
  }
  if (r.kind == "slow-disk") {
    if (r.fsync_ms < 0 || r.fsync_ms > 600000) return InvalidArgument("--fsync must be between 0 and 600 s");
    Result<std::string> control = lab_->FsyncControlFile(*target);
    if (!control.ok()) return control.status();
    a->control_file = *control;
    info.mechanism = "raftlab-slowfs fsync delay";
    info.description = "slow disk on " + *target + ": WAL fsync +" + std::to_string(r.fsync_ms) + " ms";
    info.detail["control_file"] = *control;
    info.detail["fsync_ms"] = r.fsync_ms;
    return WriteFileAtomic(*control, std::to_string(r.fsync_ms) + "\n");
  }
  return InvalidArgument("unknown fault kind '" + r.kind + "'");
}

// `r.target` is already resolved to a member name.
Status FaultManager::CheckNoConflict(const FaultRequest& r) {
  // One process fault, one disk fault and one root qdisc per member: a second would be
  // ambiguous to heal (healing a kill restarts a member another fault paused). Judged before
  // anything is applied, so a refused call changes nothing.
  enum Class { kNone, kProcess, kDisk, kQdisc };
  auto class_of = [](const std::string& kind, const std::string& mechanism) {
    if (kind == "kill" || kind == "pause") return kProcess;
    if (kind == "slow-disk") return kDisk;
    if (kind == "bandwidth" || mechanism == "tc netem") return kQdisc;
    return kNone;
  };
  const bool netem = r.kind == "delay" && r.peers.empty() && HasNetem(r.target);
  const Class mine = class_of(r.kind, netem ? "tc netem" : "");
  if (mine == kNone) return Status::Ok();
  for (const auto& other : active_) {
    if (class_of(other->info.kind, other->info.mechanism) == mine && other->info.targets == std::vector<std::string>{r.target})
      return AlreadyExists(r.target + " already has fault " + other->info.id + " (" + other->info.description +
                           "): heal it first");
  }
  return Status::Ok();
}

Result<FaultInfo> FaultManager::Apply(const FaultRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!lab_->IsUp()) return FailedPrecondition("no lab is up: run `raftlab up` first");
  auto a = std::make_unique<Active>();
  a->info.id = "f" + std::to_string(next_id_ + 1);
  a->info.kind = request.kind;
  a->info.detail = Json::object();
  FaultRequest r = request;
  static const std::set<std::string> kOneTarget = {"loss", "delay", "bandwidth", "kill", "pause", "slow-disk"};
  if (kOneTarget.count(r.kind) != 0) {
    // "leader" / "a-follower" resolved once, here, and recorded.
    Result<std::string> target = lab_->ResolveTarget(r.target);
    if (!target.ok()) return target.status();
    if (*target != r.target) a->info.detail["resolved"][r.target] = *target;
    r.target = *target;
    RL_RETURN_IF_ERROR(CheckNoConflict(r));
  }
  RL_RETURN_IF_ERROR(ApplyOne(a.get(), r));
  ++next_id_;
  a->info.since = WallNowIso();
  a->info.since_mono_ns = MonoNowNs();
  // Tracked before anything else can fail, so heal can always undo what was applied.
  const FaultInfo& info = a->info;
  active_.push_back(std::move(a));
  if (auto* j = lab_->journal())
    j->Record("fault", {{"phase", "start"}, {"id", info.id}, {"fault", info.kind}, {"targets", info.targets},
                        {"mechanism", info.mechanism}, {"description", info.description}, {"detail", info.detail}});
  if (auto* e = lab_->exporter())
    for (const auto& t : info.targets) e->SetFaultActive(info.kind, t, true);
  return info;
}

Status FaultManager::Revert(Active* a) {
  const std::string& kind = a->info.kind;
  if (kind == "kill") {
    const std::string& t = a->info.targets[0];
    if (lab_->IsRunning(t)) return Status::Ok();
    return lab_->RestartMember(t, cluster::WalPlacement::kUnchanged, [](const std::string&) {});
  }
  if (kind == "pause") return lab_->SignalMember(a->info.targets[0], SIGCONT);
  if (kind == "slow-disk") return WriteFileAtomic(a->control_file, "0\n");
  return RevertNetwork(*a);
}

Result<std::vector<FaultInfo>> FaultManager::Heal(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FaultInfo> healed;
  if (!id.empty() && std::none_of(active_.begin(), active_.end(), [&](const auto& a) { return a->info.id == id; })) {
    std::string ids;
    for (const auto& a : active_) ids += (ids.empty() ? "" : ", ") + a->info.id;
    return NotFound("no active fault '" + id + "' (active: " + (ids.empty() ? "none" : ids) + ")");
  }
  Status first = Status::Ok();
  for (auto it = active_.rbegin(); it != active_.rend();) {
    Active* a = it->get();
    if (!id.empty() && a->info.id != id) {
      ++it;
      continue;
    }
    Status s = Revert(a);
    if (!s.ok() && first.ok()) first = s;
    if (auto* j = lab_->journal())
      j->Record("fault", {{"phase", "end"}, {"id", a->info.id}, {"fault", a->info.kind}, {"targets", a->info.targets},
                          {"ok", s.ok()}, {"error", s.ok() ? "" : s.message()}});
    if (auto* e = lab_->exporter())
      for (const auto& t : a->info.targets) e->SetFaultActive(a->info.kind, t, false);
    healed.push_back(a->info);
    it = decltype(it)(active_.erase(std::next(it).base()));
  }
  if (!first.ok()) return first;
  return healed;
}

std::vector<FaultInfo> FaultManager::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FaultInfo> out;
  for (const auto& a : active_) out.push_back(a->info);
  return out;
}

}  // namespace raftlab::chaos
