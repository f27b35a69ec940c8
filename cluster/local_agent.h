// LocalAgent: HostAgent for this machine. A host is a network namespace rl-<name> whose eth0
// is a veth into the bridge rl-br0 (in namespace rl-br); the root namespace reaches the bridge
// through the veth rl-up. Uses the `ip` and `sysctl` tools; needs CAP_NET_ADMIN.
// Thread-safe: each call runs its own commands.
#pragma once

#include "cluster/host_agent.h"

namespace raftlab::cluster {

class LocalAgent : public HostAgent {
 public:
  Status CreateFabric() override;
  Status CreateHost(const std::string& name) override;
  Status RemoveHost(const std::string& name) override;
  Result<RunResult> RunOnHost(const std::string& name, const std::vector<std::string>& argv) override;
  Result<pid_t> StartOnHost(const std::string& name, const std::vector<std::string>& argv,
                            const std::string& log_path) override;
  Status Signal(pid_t pid, int signal) override;
};

}  // namespace raftlab::cluster
