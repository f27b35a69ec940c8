// HostAgent: everything the control plane does *on a host* goes through this interface:
// create or remove the host (its network namespace and link to the lab bridge), start and
// signal processes on it, and run tools (iptables, tc) inside it.
//
// LocalAgent (local_agent.h) acts on this machine's namespaces. A remote agent serving the
// same calls over gRPC would let one control plane drive members on several machines.
// Implementations must be thread-safe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "common/subprocess.h"

namespace raftlab::cluster {

class HostAgent {
 public:
  virtual ~HostAgent() = default;

  // The shared segment all hosts attach to (bridge + the control plane's uplink).
  virtual Status CreateFabric() = 0;
  // A host named `name` (member name) with its address on the fabric.
  virtual Status CreateHost(const std::string& name) = 0;
  virtual Status RemoveHost(const std::string& name) = 0;
  // Runs a tool inside the host's namespace to completion.
  virtual Result<RunResult> RunOnHost(const std::string& name, const std::vector<std::string>& argv) = 0;
  // Starts a long-lived process inside the host's namespace; output appended to log_path.
  virtual Result<pid_t> StartOnHost(const std::string& name, const std::vector<std::string>& argv,
                                    const std::string& log_path) = 0;
  virtual Status Signal(pid_t pid, int signal) = 0;
};

}  // namespace raftlab::cluster
