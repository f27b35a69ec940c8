#include "cluster/local_agent.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cluster/leftovers.h"
#include "cluster/topology.h"
#include "common/clock.h"
#include "common/json_util.h"

namespace raftlab::cluster {
namespace {

// The lab's own programs: an agent runs the copies installed beside it.
const std::set<std::string>& LabTools() {
  static const std::set<std::string> kTools = {"raftlab-slowfs", "raftlab-delayer", "raftlab-capture"};
  return kTools;
}

std::string DirOfThisProgram() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().string();
}

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

bool Succeeds(const std::vector<std::string>& argv, const std::string& netns) {
  SpawnOptions opts;
  opts.netns = netns;
  Result<RunResult> r = Run(argv, opts);
  return r.ok() && r->ok();
}

// The one chain every fault rule goes into, jumped to from INPUT and OUTPUT, so heal can
// remove exactly the lab's rules. Idempotent.
Status EnsureFaultChain(const std::string& netns) {
  SpawnOptions opts;
  opts.netns = netns;
  if (!Succeeds({"iptables", "-w", "-n", "-L", kFaultChain}, netns))
    RL_RETURN_IF_ERROR(RunChecked({"iptables", "-w", "-N", kFaultChain}, opts));
  for (const char* hook : {"INPUT", "OUTPUT"}) {
    if (!Succeeds({"iptables", "-w", "-C", hook, "-j", kFaultChain}, netns))
      RL_RETURN_IF_ERROR(RunChecked({"iptables", "-w", "-A", hook, "-j", kFaultChain}, opts));
  }
  return Status::Ok();
}

// Removes the jumps, the chain's rules and the chain; true when there was a chain.
Result<bool> RemoveFaultChain(const std::string& netns) {
  for (const char* hook : {"INPUT", "OUTPUT"})
    for (int i = 0; i < 16 && Succeeds({"iptables", "-w", "-D", hook, "-j", kFaultChain}, netns); ++i) {}
  if (!Succeeds({"iptables", "-w", "-n", "-L", kFaultChain}, netns)) return false;
  SpawnOptions opts;
  opts.netns = netns;
  RL_RETURN_IF_ERROR(RunChecked({"iptables", "-w", "-F", kFaultChain}, opts));
  RL_RETURN_IF_ERROR(RunChecked({"iptables", "-w", "-X", kFaultChain}, opts));
  return true;
}

// The kernel gives the initial network namespace a fixed inode (PROC_NET_INIT_INO in
// include/linux/proc_ns.h, since 3.19), so the check works where /proc/1 cannot be read.
constexpr ino_t kInitialNetnsInode = 0xEFFFFFF9U;

}  // namespace

Result<bool> InInitialNetworkNamespace() {
  struct stat self{}, init{};
  if (stat("/proc/thread-self/ns/net", &self) != 0 && stat("/proc/self/ns/net", &self) != 0)
    return Internal(std::string("cannot stat /proc/self/ns/net: ") + strerror(errno));
  if (self.st_ino == kInitialNetnsInode) return true;
  // Also the namespace of this machine's (or container's) init, when this process may look.
  if (stat("/proc/1/ns/net", &init) == 0) return self.st_dev == init.st_dev && self.st_ino == init.st_ino;
  return false;
}

namespace {

bool IsMounted(const std::string& mount) {
  std::ifstream mounts("/proc/mounts");
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream fields(line);
    std::string dev, where;
    fields >> dev >> where;
    if (where == mount) return true;
  }
  return false;
}

// A FUSE mount whose server died stays as "transport endpoint not connected" until unmounted.
Status ForceUnmount(const std::string& mount) {
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"fusermount3", "-u", mount}, {"umount", mount}, {"umount", "-l", mount}}) {
    if (!IsMounted(mount)) return Status::Ok();
    (void)Run(argv);
  }
  if (IsMounted(mount)) return Internal("cannot unmount " + mount + " (fusermount3 -u and umount -l failed)");
  return Status::Ok();
}

}  // namespace

LocalAgent::LocalAgent(LocalAgentOptions options)
    : options_(std::move(options)),
      tool_dir_(options_.tool_dir.empty() ? DirOfThisProgram() : options_.tool_dir),
      files_(options_.root_dir) {}

std::string LocalAgent::Describe() const {
  if (!this_host()) return "local";
  return "local agent on this host" + (options_.this_host_ip.empty() ? "" : " (" + options_.this_host_ip + ")");
}

Status LocalAgent::CheckHost(const std::string& host) const {
  if (this_host()) {
    if (host.empty()) return InvalidArgument("empty host name");
    return Status::Ok();
  }
  if (host == kFabricHost) return Status::Ok();
  if (MemberOrdinal(host) == 0)
    return InvalidArgument("no host \"" + host + "\": the local lab's hosts are n1..n" + std::to_string(kMaxMembers));
  return Status::Ok();
}

std::string LocalAgent::NetnsOf(const std::string& host) const {
  if (this_host()) return "";
  return host == kFabricHost ? kBridgeNetns : MemberNetns(host);
}

Result<std::vector<std::string>> LocalAgent::ResolveTool(const std::vector<std::string>& argv) const {
  if (argv.empty() || argv[0].empty()) return InvalidArgument("empty command");
  if (LabTools().count(argv[0]) == 0) return argv;
  std::vector<std::string> resolved = argv;
  resolved[0] = tool_dir_ + "/" + argv[0];
  if (!IsExecutable(resolved[0]))
    return FailedPrecondition(argv[0] + " not found at " + resolved[0] +
                              " (the agent runs the lab's tools from the directory it is installed in; build them "
                              "or pass the tool directory)");
  return resolved;
}

Status LocalAgent::MayOwnFaultChain() const {
  if (options_.allow_initial_netns) return Status::Ok();
  Result<bool> initial = InInitialNetworkNamespace();
  if (!initial.ok()) return initial.status();
  if (*initial)
    return FailedPrecondition(
        "refusing to create the " + std::string(kFaultChain) +
        " chain in this machine's initial network namespace: run the agent inside a lab namespace, or, on a machine "
        "that is a lab host of its own, say so (raftlab-agent --host-network)");
  return Status::Ok();
}

Status LocalAgent::CreateFabric() {
  if (this_host()) return Status::Ok();   // the network between hosts already exists
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

Status LocalAgent::CreateHost(const std::string& host) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  if (this_host()) {
    RL_RETURN_IF_ERROR(MayOwnFaultChain());
    return EnsureFaultChain("");
  }
  const std::string ns = MemberNetns(host);
  const std::string tmp = MemberVethTemp(host);
  const std::string port = MemberBridgePort(host);
  RL_RETURN_IF_ERROR(Ip({"netns", "add", ns}));
  RL_RETURN_IF_ERROR(Ip({"link", "add", tmp, "type", "veth", "peer", "name", port}));
  RL_RETURN_IF_ERROR(Ip({"link", "set", tmp, "netns", ns}));
  RL_RETURN_IF_ERROR(Ip({"link", "set", port, "netns", kBridgeNetns}));
  RL_RETURN_IF_ERROR(Ip({"-n", ns, "link", "set", tmp, "name", kMemberIface}));
  RL_RETURN_IF_ERROR(Ip({"-n", kBridgeNetns, "link", "set", port, "master", kBridge, "up"}));
  RL_RETURN_IF_ERROR(Ip({"-n", ns, "link", "set", "lo", "up"}));
  RL_RETURN_IF_ERROR(Ip({"-n", ns, "addr", "add", Cidr(MemberIp(host)), "dev", kMemberIface}));
  RL_RETURN_IF_ERROR(Ip({"-n", ns, "link", "set", kMemberIface, "up"}));
  RL_RETURN_IF_ERROR(AllowLoopbackRange(ns, kMemberIface));
  return EnsureFaultChain(ns);
}

Status LocalAgent::RemoveHost(const std::string& host) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  (void)UnmountSlowStoresOf(host);
  (void)processes_.KillAll(host, 3000);
  if (this_host()) {
    // Never touch the initial namespace's iptables unless this agent owns that machine.
    if (!MayOwnFaultChain().ok()) return Status::Ok();
    Result<bool> removed = RemoveFaultChain("");
    return removed.ok() ? Status::Ok() : removed.status();
  }
  // Deleting the namespace destroys its veth end, whose peer in the bridge goes with it,
  // and every iptables rule and tc qdisc inside it.
  Result<RunResult> r = Run({"ip", "netns", "del", MemberNetns(host)});
  if (!r.ok()) return r.status();
  if (!r->ok() && r->err.find("No such file") == std::string::npos)
    return Internal("ip netns del " + MemberNetns(host) + ": " + r->Describe());
  return Status::Ok();
}

Result<std::string> LocalAgent::HostIp(const std::string& host) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  if (!this_host()) return MemberIp(host);
  if (options_.this_host_ip.empty()) return FailedPrecondition("this agent was given no address for its host");
  return options_.this_host_ip;
}

Result<RunResult> LocalAgent::RunOnHost(const std::string& host, const std::vector<std::string>& argv) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  Result<std::vector<std::string>> resolved = ResolveTool(argv);
  if (!resolved.ok()) return resolved.status();
  SpawnOptions opts;
  opts.netns = NetnsOf(host);
  return Run(*resolved, opts);
}

Result<ProcessRef> LocalAgent::StartOnHost(const std::string& host, const std::vector<std::string>& argv,
                                           const std::string& log_path) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  Result<std::vector<std::string>> resolved = ResolveTool(argv);
  if (!resolved.ok()) return resolved.status();
  SpawnOptions opts;
  opts.netns = NetnsOf(host);
  if (!log_path.empty()) {
    RL_RETURN_IF_ERROR(files_.CheckPath(log_path));
    RL_RETURN_IF_ERROR(files_.MakeDirs(std::filesystem::path(log_path).parent_path().string()));
    opts.stdout_path = log_path;
  }
  Result<pid_t> pid = Start(*resolved, opts);
  if (!pid.ok()) return pid.status();
  return processes_.Add(host, *pid, JoinArgv(argv).substr(0, 160));
}

Status LocalAgent::Signal(const ProcessRef& process, int signal) { return processes_.Signal(process, signal); }

Result<std::string> LocalAgent::WaitExit(const ProcessRef& process, int timeout_ms) {
  return processes_.WaitExit(process, timeout_ms);
}

std::optional<ProcessExit> LocalAgent::NextExit(int timeout_ms) { return processes_.NextExit(timeout_ms); }

Result<std::string> LocalAgent::ReadFile(const std::string& host, const std::string& path) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  return files_.ReadFile(path);
}

Result<std::vector<FileEntry>> LocalAgent::ReadTree(const std::string& host, const std::string& dir) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  return files_.ReadTree(dir);
}

Status LocalAgent::WriteFile(const std::string& host, const std::string& path, const std::string& bytes) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  return files_.WriteFile(path, bytes);
}

Status LocalAgent::MakeDirs(const std::string& host, const std::string& dir) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  return files_.MakeDirs(dir);
}

Status LocalAgent::MoveTree(const std::string& host, const std::string& from, const std::string& to) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  return files_.MoveTree(from, to);
}

Status LocalAgent::CopyFile(const std::string& host, const std::string& from, const std::string& to) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  return files_.CopyFile(from, to);
}

Status LocalAgent::RemoveTree(const std::string& host, const std::string& path) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  return files_.RemoveTree(path);
}

Result<ProcessRef> LocalAgent::MountSlowStore(const std::string& host, const SlowStore& store) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  for (const std::string* p : {&store.backing, &store.mount, &store.control_file, &store.log_path})
    RL_RETURN_IF_ERROR(files_.CheckPath(*p));
  std::lock_guard<std::mutex> lock(slow_store_mu_);
  if (auto it = slow_stores_.find(store.mount); it != slow_stores_.end()) {
    Result<std::string> ended = processes_.WaitExit(it->second, 0);
    if (ended.status().code() == Code::kTimeout && IsMounted(store.mount)) return it->second;   // already serving
    RL_RETURN_IF_ERROR(UnmountSlowStoreLocked(store.mount, it->second));
  } else if (IsMounted(store.mount)) {
    RL_RETURN_IF_ERROR(ForceUnmount(store.mount));   // an earlier agent's, its server gone
  }
  Result<std::vector<std::string>> tool = ResolveTool({"raftlab-slowfs"});
  if (!tool.ok()) return tool.status();
  if (access("/dev/fuse", R_OK | W_OK) != 0)
    return Unsupported("no usable /dev/fuse here, so no slow-disk WAL mount; fallback: none in this lab "
                       "(cgroup blkio throttling would slow the whole process, not just the WAL)");
  RL_RETURN_IF_ERROR(files_.MakeDirs(store.backing));
  RL_RETURN_IF_ERROR(files_.MakeDirs(store.mount));
  RL_RETURN_IF_ERROR(files_.WriteFile(store.control_file, "0\n"));
  Result<ProcessRef> server = StartOnHost(host,
                                          {"raftlab-slowfs", "--backing", store.backing, "--mount", store.mount,
                                           "--control", store.control_file, "--foreground"},
                                          store.log_path);
  if (!server.ok()) return server.status();
  for (int i = 0; i < 250; ++i) {
    if (IsMounted(store.mount)) {
      slow_stores_[store.mount] = *server;
      return *server;
    }
    if (processes_.WaitExit(*server, 20).ok()) break;   // it died
  }
  (void)processes_.Signal(*server, SIGKILL);
  (void)processes_.WaitExit(*server, 2000);
  (void)ForceUnmount(store.mount);
  return Unavailable("raftlab-slowfs did not mount " + store.mount + "; its log " + store.log_path + " ends:" +
                     TailOfFile(store.log_path, 5));
}

Status LocalAgent::UnmountSlowStore(const std::string& host, const SlowStore& store, const ProcessRef& server) {
  RL_RETURN_IF_ERROR(CheckHost(host));
  RL_RETURN_IF_ERROR(files_.CheckPath(store.mount));
  std::lock_guard<std::mutex> lock(slow_store_mu_);
  ProcessRef serving = server;
  if (auto it = slow_stores_.find(store.mount); !serving.valid() && it != slow_stores_.end()) serving = it->second;
  return UnmountSlowStoreLocked(store.mount, serving);
}

Status LocalAgent::UnmountSlowStoreLocked(const std::string& mount, ProcessRef server) {
  if (server.valid() && processes_.Signal(server, SIGTERM).ok()) {
    // SIGTERM lets slowfs unmount cleanly; a stuck one is killed and unmounted by hand.
    if (processes_.WaitExit(server, 2000).status().code() == Code::kTimeout) {
      (void)processes_.Signal(server, SIGKILL);
      (void)processes_.WaitExit(server, 2000);
    }
  }
  slow_stores_.erase(mount);
  return ForceUnmount(mount);
}

std::vector<std::string> LocalAgent::UnmountSlowStoresOf(const std::string& host) {
  std::lock_guard<std::mutex> lock(slow_store_mu_);
  std::vector<std::pair<std::string, ProcessRef>> mine;
  for (const auto& [mount, server] : slow_stores_)
    if (host.empty() || server.host == host) mine.push_back({mount, server});
  std::vector<std::string> lines;
  for (const auto& [mount, server] : mine) {
    Status s = UnmountSlowStoreLocked(mount, server);
    lines.push_back(s.ok() ? "unmounted " + mount + " (raftlab-slowfs of " + server.host + ")" : s.message());
  }
  return lines;
}

std::vector<std::string> LocalAgent::RemoveLeftovers() {
  std::vector<std::string> lines = UnmountSlowStoresOf("");
  for (auto& line : processes_.KillAll("", 3000)) lines.push_back(std::move(line));
  if (!this_host()) {
    // Then what no table knows of: an earlier control plane's processes, mounts, namespaces.
    for (auto& line : cluster::RemoveLeftovers(files_.root())) lines.push_back(std::move(line));
    return lines;
  }
  for (const auto& mount : FindLeftovers(files_.root()).mounts) {
    Status s = ForceUnmount(mount);
    lines.push_back(s.ok() ? "unmounted " + mount : s.message());
  }
  if (MayOwnFaultChain().ok()) {
    Result<bool> removed = RemoveFaultChain("");
    if (!removed.ok()) lines.push_back(removed.status().message());
    else if (*removed) lines.push_back("removed the " + std::string(kFaultChain) + " chain");
  }
  return lines;
}

}  // namespace raftlab::cluster
