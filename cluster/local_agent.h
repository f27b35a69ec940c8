// LocalAgent: HostAgent for hosts on the machine this process runs on, in one of two modes.
//
//  - kNamespacePerHost (the default lab): a host is a network namespace rl-<name> whose eth0
//    is a veth into the bridge rl-br0 (in namespace rl-br); the root namespace reaches the
//    bridge through the veth rl-up. Host names are n1..n9; HostIp is MemberIp(name).
//  - kThisHost (raftlab-agent): the agent process already is on the host, inside a lab
//    namespace or on a machine of its own. CreateFabric does nothing, CreateHost makes the
//    fault chain in the agent's own network namespace, processes and tools run there, and
//    HostIp is this_host_ip. Such an agent is one host: RemoveHost of any name removes the
//    chain. It refuses to touch iptables in the machine's initial network namespace unless
//    allow_initial_netns says this agent owns a real machine.
//
// Processes are children of this process, kept in a ProcessTable (process_table.h); files go
// through HostFiles (host_files.h), confined to root_dir. Uses ip, sysctl, iptables,
// raftlab-slowfs and fusermount3/umount; needs CAP_NET_ADMIN (and /dev/fuse for slow stores).
//
// Thread-safe. Slow-store mounts and unmounts are serialised among themselves.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "cluster/host_agent.h"
#include "cluster/host_files.h"
#include "cluster/process_table.h"

namespace raftlab::cluster {

struct LocalAgentOptions {
  std::string root_dir;                   // absolute: the lab's directory (state dir)
  enum class Mode { kNamespacePerHost, kThisHost } mode = Mode::kNamespacePerHost;
  std::string this_host_ip;               // kThisHost: the address HostIp answers
  std::string tool_dir;                   // where raftlab-slowfs/-delayer are; empty: beside this program
  bool allow_initial_netns = false;       // kThisHost: may own the fault chain of the initial netns
};

// True when the calling thread is in the machine's initial network namespace, or in that of
// pid 1 (a container's init) where /proc/1 can be read.
Result<bool> InInitialNetworkNamespace();

class LocalAgent : public HostAgent {
 public:
  explicit LocalAgent(LocalAgentOptions options);

  std::string RootDir() const override { return files_.root(); }
  std::string Describe() const override;

  Status CreateFabric() override;
  Status CreateHost(const std::string& host) override;
  Status RemoveHost(const std::string& host) override;
  Result<std::string> HostIp(const std::string& host) override;

  Result<RunResult> RunOnHost(const std::string& host, const std::vector<std::string>& argv) override;
  Result<ProcessRef> StartOnHost(const std::string& host, const std::vector<std::string>& argv,
                                 const std::string& log_path) override;
  Status Signal(const ProcessRef& process, int signal) override;
  Result<std::string> WaitExit(const ProcessRef& process, int timeout_ms) override;
  std::optional<ProcessExit> NextExit(int timeout_ms) override;

  Result<std::string> ReadFile(const std::string& host, const std::string& path) override;
  Result<std::vector<FileEntry>> ReadTree(const std::string& host, const std::string& dir) override;
  Status WriteFile(const std::string& host, const std::string& path, const std::string& bytes) override;
  Status MakeDirs(const std::string& host, const std::string& dir) override;
  Status MoveTree(const std::string& host, const std::string& from, const std::string& to) override;
  Status CopyFile(const std::string& host, const std::string& from, const std::string& to) override;
  Status RemoveTree(const std::string& host, const std::string& path) override;

  Result<ProcessRef> MountSlowStore(const std::string& host, const SlowStore& store) override;
  Status UnmountSlowStore(const std::string& host, const SlowStore& store, const ProcessRef& server) override;

  std::vector<std::string> RemoveLeftovers() override;

 private:
  bool this_host() const { return options_.mode == LocalAgentOptions::Mode::kThisHost; }
  Status CheckHost(const std::string& host) const;
  // The namespace a host's commands enter; "" in kThisHost mode.
  std::string NetnsOf(const std::string& host) const;
  // argv with a lab tool's name replaced by its path beside the agent.
  Result<std::vector<std::string>> ResolveTool(const std::vector<std::string>& argv) const;
  // kThisHost: Ok when this agent may change iptables in its own network namespace.
  Status MayOwnFaultChain() const;
  // Unmounts every slow store this agent mounted for `host` (every host when empty).
  std::vector<std::string> UnmountSlowStoresOf(const std::string& host);
  Status UnmountSlowStoreLocked(const std::string& mount, ProcessRef server);

  const LocalAgentOptions options_;
  const std::string tool_dir_;
  HostFiles files_;
  ProcessTable processes_;
  std::mutex slow_store_mu_;                       // serialises mounts; guards slow_stores_
  std::map<std::string, ProcessRef> slow_stores_;  // mount path -> its raftlab-slowfs
};

}  // namespace raftlab::cluster
