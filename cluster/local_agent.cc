#include "cluster/local_agent.h"

#include <signal.h>

#include <cerrno>
#include <cstring>

#include "cluster/topology.h"

namespace raftlab::cluster {
namespace {

std::string Cidr(const std::string& ip) { return ip + "/" + std::to_string(kPrefixLen); }

// Loopback-range addresses are only routable over a link with route_localnet set.
Status AllowLoopbackRange(const std::string& netns, const std::string& iface) {
  SpawnOptions opts;
  opts.netns = netns;
  return RunChecked({"sysctl", "-qw", "net.ipv4.conf." + iface + ".route_localnet=1"}, opts);
}

Status Ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChecked(argv);
}

}  // namespace

Status LocalAgent::CreateFabric() {
  RL_RETURN_IF_ERROR(Ip({"netns", "add", kBridgeNetns}));
  RL_RETURN_IF_ERROR(Ip({"-n", kBridgeNetns, "link", "add", kBridge, "type", "bridge"}));
  RL_RETURN_IF_ERROR(Ip({"-n", kBridgeNetns, "link", "set", kBridge, "up"}));
  RL_RETURN_IF_ERROR(Ip({"link", "add", kUplink, "type", "veth", "peer", "name", kUplinkPeer}));
  RL_RETURN_IF_ERROR(Ip({"link", "set", kUplinkPeer, "netns", kBridgeNetns}));
  RL_RETURN_IF_ERROR(Ip({"-n", kBridgeNetns, "link", "set", kUplinkPeer, "master", kBridge, "up"}));
  RL_RETURN_IF_ERROR(Ip({"addr", "add", Cidr(kUplinkIp), "dev", kUplink}));
  RL_RETURN_IF_ERROR(Ip({"link", "set", kUplink, "up"}));
  return AllowLoopbackRange("", kUplink);
}

Status LocalAgent::CreateHost(const std::string& name) {
  const std::string ns = MemberNetns(name);
  const std::string tmp = MemberVethTemp(name);
  const std::string port = MemberBridgePort(name);
  RL_RETURN_IF_ERROR(Ip({"netns", "add", ns}));
  RL_RETURN_IF_ERROR(Ip({"link", "add", tmp, "type", "veth", "peer", "name", port}));
  RL_RETURN_IF_ERROR(Ip({"link", "set", tmp, "netns", ns}));
  RL_RETURN_IF_ERROR(Ip({"link", "set", port, "netns", kBridgeNetns}));
  RL_RETURN_IF_ERROR(Ip({"-n", ns, "link", "set", tmp, "name", kMemberIface}));
  RL_RETURN_IF_ERROR(Ip({"-n", kBridgeNetns, "link", "set", port, "master", kBridge, "up"}));
  RL_RETURN_IF_ERROR(Ip({"-n", ns, "link", "set", "lo", "up"}));
  RL_RETURN_IF_ERROR(Ip({"-n", ns, "addr", "add", Cidr(MemberIp(name)), "dev", kMemberIface}));
  RL_RETURN_IF_ERROR(Ip({"-n", ns, "link", "set", kMemberIface, "up"}));
  RL_RETURN_IF_ERROR(AllowLoopbackRange(ns, kMemberIface));
  // The one chain every fault rule goes into, so heal can remove exactly the lab's rules.
  SpawnOptions in_ns;
  in_ns.netns = ns;
  RL_RETURN_IF_ERROR(RunChecked({"iptables", "-w", "-N", kFaultChain}, in_ns));
  RL_RETURN_IF_ERROR(RunChecked({"iptables", "-w", "-A", "INPUT", "-j", kFaultChain}, in_ns));
  return RunChecked({"iptables", "-w", "-A", "OUTPUT", "-j", kFaultChain}, in_ns);
}

Status LocalAgent::RemoveHost(const std::string& name) {
  // Deleting the namespace destroys its veth end, whose peer in the bridge goes with it,
  // and every iptables rule and tc qdisc inside it.
  Result<RunResult> r = Run({"ip", "netns", "del", MemberNetns(name)});
  if (!r.ok()) return r.status();
  if (!r->ok() && r->err.find("No such file") == std::string::npos)
    return Internal("ip netns del " + MemberNetns(name) + ": " + r->Describe());
  return Status::Ok();
}

Result<RunResult> LocalAgent::RunOnHost(const std::string& name, const std::vector<std::string>& argv) {
  SpawnOptions opts;
  opts.netns = MemberNetns(name);
  return Run(argv, opts);
}

Result<pid_t> LocalAgent::StartOnHost(const std::string& name, const std::vector<std::string>& argv,
                                      const std::string& log_path) {
  SpawnOptions opts;
  opts.netns = MemberNetns(name);
  opts.stdout_path = log_path;
  return Start(argv, opts);
}

Status LocalAgent::Signal(pid_t pid, int sig) {
  if (pid <= 0) return InvalidArgument("no process");
  if (kill(pid, sig) != 0) return Unavailable("kill " + std::to_string(pid) + ": " + strerror(errno));
  return Status::Ok();
}

}  // namespace raftlab::cluster
