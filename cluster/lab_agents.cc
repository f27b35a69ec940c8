#include "cluster/lab_agents.h"

namespace raftlab::cluster {

LabAgents::LabAgents(std::unique_ptr<HostAgent> local, AgentConnector connector, ExitHandler on_exit)
    : connector_(std::move(connector)), on_exit_(std::move(on_exit)) {
  local_ = local.get();
  std::lock_guard<std::mutex> lock(mu_);
  Connected& c = by_address_[""];
  c.agent = std::move(local);
  c.supervisor = std::thread([this, agent = local_] { Supervise(agent); });
}

LabAgents::~LabAgents() { StopSupervisors(); }

void LabAgents::StopSupervisors() {
  stop_ = true;
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [address, c] : by_address_)
      if (c.supervisor.joinable()) threads.push_back(std::move(c.supervisor));
  }
  for (auto& t : threads) t.join();
}

void LabAgents::Supervise(HostAgent* agent) {
  while (!stop_) {
    std::optional<ProcessExit> exit = agent->NextExit(200);
    if (exit) on_exit_(agent, *exit);
  }
}

Result<HostAgent*> LabAgents::Get(const std::string& address, const std::string& token) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_address_.find(address);
    if (it != by_address_.end()) return it->second.agent.get();
  }
  if (!connector_) return Unsupported("this control plane cannot reach remote agents (asked for " + address + ")");
  Result<std::unique_ptr<HostAgent>> connected = connector_(address, token);
  if (!connected.ok()) return connected.status();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_address_.find(address);
  if (it != by_address_.end()) return it->second.agent.get();   // a concurrent caller won
  Connected& c = by_address_[address];
  c.agent = std::move(*connected);
  if (!stop_) c.supervisor = std::thread([this, agent = c.agent.get()] { Supervise(agent); });
  return c.agent.get();
}

std::vector<HostAgent*> LabAgents::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<HostAgent*> out;
  for (const auto& [address, c] : by_address_) out.push_back(c.agent.get());   // "" sorts first
  return out;
}

std::string LabAgents::AddressOf(const HostAgent* agent) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [address, c] : by_address_)
    if (c.agent.get() == agent) return address;
  return "";
}

}  // namespace raftlab::cluster
