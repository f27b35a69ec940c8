// FaultContext: the little a fault family needs from the lab, as one narrow interface, so the
// families and the FaultManager run against a fake in unit tests (recording_agent_test_util.h)
// and against the real lab through LabFaultContext (lab_fault_context.h).
//
// Everything a family changes on a host goes through AgentOf(member): iptables and tc through
// RunOnHost, helper processes through StartOnHost/Signal/WaitExit, the fsync control file
// through ReadFile/WriteFile. Implementations must be thread-safe; the FaultManager calls them
// under its own mutex.
#pragma once

#include <string>
#include <vector>

#include "cluster/host_agent.h"
#include "common/json_util.h"
#include "common/status.h"

namespace raftlab::chaos {

class FaultContext {
 public:
  virtual ~FaultContext() = default;

  // Whether a lab is up to apply faults to (a crashed lab's state can still be reverted).
  virtual bool IsUp() const = 0;
  virtual std::vector<std::string> MemberNames() const = 0;
  // The member's address on the lab network, e.g. "127.99.0.12"; "" for an unknown member.
  virtual std::string MemberAddress(const std::string& member) const = 0;
  // The agent serving the member's host; never null (for a member of a crashed lab too).
  virtual cluster::HostAgent* AgentOf(const std::string& member) = 0;
  // "n2" | "leader" | "a-follower" -> a member name, resolved now; NotFound for an unknown name.
  virtual Result<std::string> ResolveTarget(const std::string& spec) = 0;

  // The member's etcd process.
  virtual Status SignalMember(const std::string& member, int signal) = 0;
  virtual bool IsRunning(const std::string& member) const = 0;
  // Starts it again on its own data and waits until it answers.
  virtual Status RestartMember(const std::string& member) = 0;
  // The fsync-delay control file of the member's slow WAL mount (a path on its host);
  // FailedPrecondition when its WAL is on the plain disk.
  virtual Result<std::string> FsyncControlFile(const std::string& member) const = 0;
  // A directory of the member's on its host, for helper logs.
  virtual std::string MemberDir(const std::string& member) const = 0;

  // Evidence and persistence.
  virtual void Journal(const std::string& kind, const Json& fields) = 0;
  virtual void SetFaultActive(const std::string& kind, const std::string& target, bool active) = 0;
  // Stores the active faults with the lab's state (lab.json), replacing what was there.
  virtual void SaveFaults(const Json& faults) = 0;
};

}  // namespace raftlab::chaos
