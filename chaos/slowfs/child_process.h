// ChildProcess: test and bench support for running raftlab's tool binaries
// (raftlab-slowfs, raftlab-delayer) as real child processes.
//
// Spawn() forks and execs argv with stdout and stderr appended to a log file; Terminate()
// sends SIGTERM, waits, and escalates to SIGKILL after a deadline; the destructor kills
// and reaps a child that is still running, so a failing test never leaks a process.
// Also: locating a tool binary in the build tree, polling with a deadline, mount lookup.
// Not thread-safe: one owner per ChildProcess. Syscalls: fork, execvp, kill, waitpid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace raftlab::chaos {

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  static Result<ChildProcess> Spawn(const std::vector<std::string>& argv,
                                    const std::string& log_path);

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // True once the child has exited (reaped); *wait_status gets waitpid's status.
  bool WaitExit(std::chrono::milliseconds timeout, int* wait_status = nullptr);

  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the wait status (-1 if none).
  int Terminate(std::chrono::milliseconds grace);

 private:
  pid_t pid_ = -1;
};

// $RAFTLAB_BUILD_DIR/<name>, else <dir of this executable>/../<name> (tests live in
// build/tests, benches in build/bench, tools in build/).
std::string ToolBinary(const std::string& name);

// Calls cond every 10 ms until it is true or timeout passes; returns cond's last value.
bool PollUntil(std::chrono::milliseconds timeout, const std::function<bool()>& cond);

// Whether `path` (absolute, no symlinks) is a mount point listed in /proc/self/mounts.
bool IsMountPoint(const std::string& path);

std::string ReadFileOrEmpty(const std::string& path);

}  // namespace raftlab::chaos
