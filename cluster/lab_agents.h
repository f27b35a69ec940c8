// LabAgents: the HostAgents a lab's members run on. The local agent always; a remote agent
// for each address `up --agent NAME=ADDR` names (or a crashed lab's lab.json recorded),
// connected once through the injected connector and kept until the LabAgents is destroyed,
// so a HostAgent* handed out stays valid for the Lab's lifetime.
//
// It is also the only consumer of the agents' exit streams: one supervisor thread per agent
// takes each NextExit and hands it to `on_exit`.
//
// Thread-safe. The map of agents has its own mutex, never held across a connect (an RPC) or
// an exit handler.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/host_agent.h"
#include "common/status.h"

namespace raftlab::cluster {

// Connects to the raftlab-agent at HOST:PORT with the lab's token.
using AgentConnector =
    std::function<Result<std::unique_ptr<HostAgent>>(const std::string& address, const std::string& token)>;

class LabAgents {
 public:
  using ExitHandler = std::function<void(HostAgent* agent, const ProcessExit& exit)>;

  LabAgents(std::unique_ptr<HostAgent> local, AgentConnector connector, ExitHandler on_exit);
  ~LabAgents();   // stops the supervisors

  HostAgent* local() const { return local_; }
  // The agent at `address` ("": the local one), connected on first use with `token`.
  Result<HostAgent*> Get(const std::string& address, const std::string& token);
  // Every agent connected so far, the local one first.
  std::vector<HostAgent*> All() const;
  // The address an agent was connected at ("" for the local one).
  std::string AddressOf(const HostAgent* agent) const;
  // Joins the supervisor threads; no exit is handled afterwards.
  void StopSupervisors();

 private:
  struct Connected {
    std::unique_ptr<HostAgent> agent;
    std::thread supervisor;
  };
  void Supervise(HostAgent* agent);

  AgentConnector connector_;
  ExitHandler on_exit_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::map<std::string, Connected> by_address_;   // "" is the local agent
  HostAgent* local_ = nullptr;
};

}  // namespace raftlab::cluster
