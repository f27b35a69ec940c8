// LabFaultContext: the FaultContext of a real lab, over cluster::Lab. Each member's host is
// reached through Lab::AgentOf(member) (the local agent, or a raftlab-agent over gRPC, also for
// a crashed lab's members from its persisted state); the active faults are saved in lab.json
// through Lab::SaveFaults. Thread-safe as Lab is.
#pragma once

#include "chaos/fault_context.h"
#include "cluster/lab.h"

namespace raftlab::chaos {

class LabFaultContext : public FaultContext {
 public:
  explicit LabFaultContext(cluster::Lab* lab) : lab_(lab) {}

  bool IsUp() const override { return lab_->IsUp(); }
  std::vector<std::string> MemberNames() const override { return lab_->MemberNames(); }
  std::string MemberAddress(const std::string& member) const override { return lab_->MemberAddress(member); }
  cluster::HostAgent* AgentOf(const std::string& member) override { return lab_->AgentOf(member); }
  Result<std::string> ResolveTarget(const std::string& spec) override { return lab_->ResolveTarget(spec); }
  Status SignalMember(const std::string& member, int signal) override { return lab_->SignalMember(member, signal); }
  bool IsRunning(const std::string& member) const override { return lab_->IsRunning(member); }
  Status RestartMember(const std::string& member) override;
  Result<std::string> FsyncControlFile(const std::string& member) const override {
    return lab_->FsyncControlFile(member);
  }
  std::string MemberDir(const std::string& member) const override;
  void Journal(const std::string& kind, const Json& fields) override;
  void SetFaultActive(const std::string& kind, const std::string& target, bool active) override;
  void SaveFaults(const Json& faults) override { lab_->SaveFaults(faults); }

 private:
  cluster::Lab* lab_;
};

}  // namespace raftlab::chaos
