// ProcessTable: the processes one agent started, named by ProcessRef ids instead of pids,
// and the one place their exits are collected.
//
// A reaper thread waits on exactly the pids in the table (pidfd + poll; never waitpid(-1), so
// a Run() elsewhere in the process keeps its own child) and keeps each exit status, so
// WaitExit answers after the exit too, and queues each exit once for NextExit. A pid is
// reaped and signalled only under the table's mutex, so Signal never reaches a reused pid:
// until the reaper collects it, an exited child stays a zombie holding its pid.
//
// Thread-safe. The destructor stops the reaper; processes still running are left running
// (a crashed or restarted control plane finds them through its leftover sweep).
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/host_agent.h"
#include "common/status.h"

namespace raftlab::cluster {

// How a waitpid status reads in messages and exits: "exited 3", "killed by SIGKILL".
std::string DescribeWaitStatus(int wait_status);

class ProcessTable {
 public:
  ProcessTable();
  ~ProcessTable();
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  // Takes ownership of a child of this process (from Start()); `what` names it in messages.
  ProcessRef Add(const std::string& host, pid_t pid, const std::string& what);

  // NotFound for a ref this table never issued; FailedPrecondition once the process exited.
  Status Signal(const ProcessRef& process, int signal);
  // See HostAgent::WaitExit.
  Result<std::string> WaitExit(const ProcessRef& process, int timeout_ms);
  // See HostAgent::NextExit.
  std::optional<ProcessExit> NextExit(int timeout_ms);

  // The processes of `host` (every host when empty) that have not exited, with their `what`.
  std::vector<std::pair<ProcessRef, std::string>> Running(const std::string& host) const;
  // SIGKILLs them and waits (up to timeout_ms in all) for their exits; one line per process
  // killed: "killed n1 process 3 (etcd --name n1 ...)".
  std::vector<std::string> KillAll(const std::string& host, int timeout_ms);

 private:
  struct Entry {
    std::string host;
    pid_t pid = 0;
    int pidfd = -1;          // -1: the kernel has no pidfd_open; the reaper polls this pid
    std::string what;
    std::optional<std::string> exit_status;
  };

  void ReapLoop();
  // Collects every child in the table that has exited. Caller holds mu_.
  void ReapExitedLocked();
  void Wake();

  mutable std::mutex mu_;
  std::condition_variable exited_;       // an entry got its exit_status
  std::map<uint64_t, Entry> entries_;
  std::deque<ProcessExit> exit_queue_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  int wake_fd_ = -1;                     // eventfd: the set of pidfds changed, or stop
  std::thread reaper_;
};

}  // namespace raftlab::cluster
