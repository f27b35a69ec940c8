// Test doubles for the chaos layer, shared by every fault unit test (no root needed):
//
// RecordingAgent: a HostAgent that records every call (RunOnHost argv, StartOnHost argv,
// Signal, WaitExit, ReadFile, WriteFile) as one line in `calls`, and answers iptables and tc
// from a small model of each host's RAFTLAB-FAULTS chain and root qdisc, the way the real
// tools do (-D of an absent rule exits 1, `tc qdisc del` with none exits 2), so revert
// tolerance is exercised, not assumed. FailNext() makes matching commands fail on purpose.
//
// FakeFaultContext: a FaultContext over a RecordingAgent with members n1..nN at 127.99.0.1N,
// a settable leader, and member signals/restarts recorded in the same `calls` log.
// Not thread-safe; for single-threaded tests.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "chaos/fault_context.h"
#include "cluster/host_agent.h"

namespace raftlab::chaos::testing {

class RecordingAgent : public cluster::HostAgent {
 public:
  std::vector<std::string> calls;        // "n1: iptables -w -A ...", "start n2: raftlab-delayer ...", ...
  bool netem_supported = true;
  bool next_process_exits_at_start = false;

  // The next `times` RunOnHost/WriteFile calls whose line contains `needle` fail (exit 1).
  void FailNext(const std::string& needle, int times = 1) { failures_.push_back({needle, times}); }
  // Rules now in the host's RAFTLAB-FAULTS chain, each as its rendered match and target.
  std::vector<std::string> Rules(const std::string& host) const;
  std::string RootQdisc(const std::string& host) const;   // "" for the default
  bool Running(const cluster::ProcessRef& p) const;
  std::map<std::pair<std::string, std::string>, std::string> files;   // (host, path) -> bytes
  // Calls recorded from `from` on (for "what did the second revert run").
  std::vector<std::string> CallsSince(size_t from) const { return {calls.begin() + static_cast<long>(from), calls.end()}; }

  std::string RootDir() const override { return "/lab"; }
  std::string Describe() const override { return "recording"; }
  Status CreateFabric() override { return Status::Ok(); }
  Status CreateHost(const std::string&) override { return Status::Ok(); }
  Status RemoveHost(const std::string&) override { return Status::Ok(); }
  Result<std::string> HostIp(const std::string& host) override;
  Result<RunResult> RunOnHost(const std::string& host, const std::vector<std::string>& argv) override;
  Result<cluster::ProcessRef> StartOnHost(const std::string& host, const std::vector<std::string>& argv,
                                          const std::string& log_path) override;
  Status Signal(const cluster::ProcessRef& process, int signal) override;
  Result<std::string> WaitExit(const cluster::ProcessRef& process, int timeout_ms) override;
  std::optional<cluster::ProcessExit> NextExit(int) override { return std::nullopt; }
  Result<std::string> ReadFile(const std::string& host, const std::string& path) override;
  Result<std::vector<cluster::FileEntry>> ReadTree(const std::string&, const std::string&) override {
    return std::vector<cluster::FileEntry>{};
  }
  Status WriteFile(const std::string& host, const std::string& path, const std::string& bytes) override;
  Status MakeDirs(const std::string&, const std::string&) override { return Status::Ok(); }
  Status MoveTree(const std::string&, const std::string&, const std::string&) override { return Status::Ok(); }
  Status CopyFile(const std::string&, const std::string&, const std::string&) override { return Status::Ok(); }
  Status RemoveTree(const std::string&, const std::string&) override { return Status::Ok(); }
  Result<cluster::ProcessRef> MountSlowStore(const std::string&, const cluster::SlowStore&) override {
    return Unsupported("not in the recording agent");
  }
  Status UnmountSlowStore(const std::string&, const cluster::SlowStore&, const cluster::ProcessRef&) override {
    return Status::Ok();
  }
  std::vector<std::string> RemoveLeftovers() override { return {}; }

 private:
  bool Injected(const std::string& line);
  RunResult Iptables(const std::string& host, const std::vector<std::string>& argv);
  RunResult Tc(const std::string& host, const std::vector<std::string>& argv);

  struct Failure {
    std::string needle;
    int times;
  };
  std::vector<Failure> failures_;
  std::map<std::string, std::multiset<std::string>> rules_;
  std::map<std::string, std::string> qdisc_;
  std::map<uint64_t, std::string> exited_;   // process id -> how it ended
  std::set<uint64_t> running_;
  uint64_t next_process_ = 1;
};

class FakeFaultContext : public FaultContext {
 public:
  explicit FakeFaultContext(int members);
  RecordingAgent agent;
  std::string leader = "n1";
  bool up = true;
  bool slow_wal = true;
  std::set<std::string> stopped;                 // members whose etcd is not running
  int fail_restarts = 0;                         // the next N RestartMember calls fail
  std::vector<std::pair<std::string, Json>> journal;
  std::vector<Json> saved;                       // every SaveFaults, in order
  std::map<std::string, bool> fault_active;      // "kind/target" -> active

  bool IsUp() const override { return up; }
  std::vector<std::string> MemberNames() const override { return members_; }
  std::string MemberAddress(const std::string& member) const override;
  cluster::HostAgent* AgentOf(const std::string&) override { return &agent; }
  Result<std::string> ResolveTarget(const std::string& spec) override;
  Status SignalMember(const std::string& member, int signal) override;
  bool IsRunning(const std::string& member) const override { return stopped.count(member) == 0; }
  Status RestartMember(const std::string& member) override;
  Result<std::string> FsyncControlFile(const std::string& member) const override;
  std::string MemberDir(const std::string& member) const override { return "/lab/" + member; }
  void Journal(const std::string& kind, const Json& fields) override { journal.push_back({kind, fields}); }
  void SetFaultActive(const std::string& kind, const std::string& target, bool active) override {
    fault_active[kind + "/" + target] = active;
  }
  void SaveFaults(const Json& faults) override { saved.push_back(faults); }

 private:
  std::vector<std::string> members_;
};

}  // namespace raftlab::chaos::testing
