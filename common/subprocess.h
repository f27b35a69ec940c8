// Subprocess: run a program and wait for it, or start one in the background, optionally
// inside a named network namespace (/var/run/netns/NAME, entered with setns between fork
// and exec). This is the lab's only way to run external tools (ip, iptables, tc, etcd).
//
// Thread-safe: every call is independent. A background child is reaped by whoever owns its
// pid (see cluster/supervisor.h); Run() reaps only the child it started.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace raftlab {

struct RunResult {
  int exit_code = -1;        // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0; }
  // "exit 1: <stderr, trimmed>"
  std::string Describe() const;
};

struct SpawnOptions {
  std::string netns;             // empty: stay in the caller's namespace
  std::string stdout_path;       // empty: /dev/null (Start) or captured (Run)
  std::string stderr_path;       // empty: same as stdout_path
  bool new_session = false;      // setsid(): detach from the caller's terminal and group
  std::vector<std::string> env;  // extra NAME=VALUE entries
  std::string cwd;
};

// Runs argv to completion, capturing stdout and stderr. Fails only when it cannot start the
// program; a non-zero exit is reported in the RunResult.
Result<RunResult> Run(const std::vector<std::string>& argv, const SpawnOptions& opts = {});

// Runs argv and turns a non-zero exit into a Status naming the command and its stderr.
Status RunChecked(const std::vector<std::string>& argv, const SpawnOptions& opts = {});

// Starts argv in the background and returns its pid.
Result<pid_t> Start(const std::vector<std::string>& argv, const SpawnOptions& opts = {});

// Joins argv for messages: "ip -n rl-n1 link set eth0 up".
std::string JoinArgv(const std::vector<std::string>& argv);

// True when an executable file exists at path.
bool IsExecutable(const std::string& path);

}  // namespace raftlab
