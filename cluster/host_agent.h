// HostAgent: the only door to a host. Everything the control plane does *on* the machine a
// member runs on goes through it: creating or removing the host, starting processes there and
// hearing of their exits, running tools (iptables, tc) there, reading and writing its files,
// mounting the slow WAL store, and sweeping what the lab left behind.
//
// The control plane never sees a pid: a process is a ProcessRef that only its agent can
// resolve, so an agent on another machine (remote_agent.h, over proto/agent.proto) serves the
// same calls as LocalAgent (local_agent.h) does in-process.
//
// Paths are absolute paths on the host, inside the agent's lab directory (RootDir()); an agent
// refuses a path outside it. Implementations must be thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/subprocess.h"

namespace raftlab::cluster {

// A process on one host, as its agent names it.
// The host name of the fabric itself: what runs there sees every member's traffic (the bridge
// namespace of LocalAgent's namespaces; the agent's own host for a kThisHost agent).
inline constexpr char kFabricHost[] = "fabric";

struct ProcessRef {
  std::string host;
  uint64_t id = 0;   // unique within the agent; 0: no process
  bool valid() const { return id != 0; }
  bool operator==(const ProcessRef& o) const { return host == o.host && id == o.id; }
};

struct ProcessExit {
  ProcessRef process;
  std::string status;   // "exited 0", "killed by SIGKILL"
};

// One regular file of a tree, its path relative to the tree's root.
struct FileEntry {
  std::string path;
  std::string bytes;
};

// The slow WAL store of one member: a FUSE passthrough whose fsync delay is set by writing
// milliseconds into control_file.
struct SlowStore {
  std::string backing, mount, control_file, log_path;
};

class HostAgent {
 public:
  virtual ~HostAgent() = default;

  // Where this agent keeps the lab's files on its host (member data dirs, logs, mounts).
  virtual std::string RootDir() const = 0;
  // A short readable name for messages: "local" or "agent 127.99.0.21:7070".
  virtual std::string Describe() const = 0;

  // The shared segment the hosts attach to (a no-op where the network already exists).
  virtual Status CreateFabric() = 0;
  // Makes the host for member `host` ready: its network and the lab's fault chain there.
  virtual Status CreateHost(const std::string& host) = 0;
  // Removes the host, its rules and what the lab started on it (its processes are killed;
  // their exits still come through NextExit). Removing an absent host is fine.
  virtual Status RemoveHost(const std::string& host) = 0;
  // The address the host's members listen on and are reached at.
  virtual Result<std::string> HostIp(const std::string& host) = 0;

  // Runs a tool on the host to completion (lab tools resolve as for StartOnHost). Fails only
  // when the program cannot start (naming it); a non-zero exit is in the RunResult.
  virtual Result<RunResult> RunOnHost(const std::string& host, const std::vector<std::string>& argv) = 0;
  // Starts a long-lived process on the host; its output is appended to log_path there. An
  // argv[0] naming one of the lab's own tools without a slash (raftlab-slowfs, raftlab-delayer,
  // raftlab-capture)
  // runs the agent's copy, installed beside the agent. stderr goes to the same log; log_path
  // must be inside RootDir() (its directories are created), or empty to discard the output.
  virtual Result<ProcessRef> StartOnHost(const std::string& host, const std::vector<std::string>& argv,
                                         const std::string& log_path) = 0;
  // NotFound for a process this agent never started; FailedPrecondition once it has exited
  // (an exited process's pid is never signalled).
  virtual Status Signal(const ProcessRef& process, int signal) = 0;
  // Waits up to timeout_ms for the process to exit and returns how it ended; Timeout while it
  // still runs. A process whose exit was already reported still answers with its status.
  virtual Result<std::string> WaitExit(const ProcessRef& process, int timeout_ms) = 0;
  // The next exit of any process this agent started (each reported once), waiting up to
  // timeout_ms; nullopt when none came. Every process counts: members, slow-store servers,
  // delayers, and those killed by RemoveHost, UnmountSlowStore or RemoveLeftovers. An agent
  // has ONE consumer of this stream (the lab's supervisor): an exit taken by one caller is not
  // seen by another. WaitExit does not take from the stream.
  virtual std::optional<ProcessExit> NextExit(int timeout_ms) = 0;

  virtual Result<std::string> ReadFile(const std::string& host, const std::string& path) = 0;
  // Every regular file under dir; an absent dir is an empty tree.
  virtual Result<std::vector<FileEntry>> ReadTree(const std::string& host, const std::string& dir) = 0;
  // Creates parent directories; replaces the file atomically.
  virtual Status WriteFile(const std::string& host, const std::string& path, const std::string& bytes) = 0;
  virtual Status MakeDirs(const std::string& host, const std::string& dir) = 0;
  // Moves dir `from`'s contents into `to` (across filesystems too) and removes `from`.
  virtual Status MoveTree(const std::string& host, const std::string& from, const std::string& to) = 0;
  virtual Status CopyFile(const std::string& host, const std::string& from, const std::string& to) = 0;
  virtual Status RemoveTree(const std::string& host, const std::string& path) = 0;

  // Mounts the slow store and returns once it is mounted (delay 0); the returned process
  // serves the mount.
  virtual Result<ProcessRef> MountSlowStore(const std::string& host, const SlowStore& store) = 0;
  // Unmounts it (stopping its process); idempotent.
  virtual Status UnmountSlowStore(const std::string& host, const SlowStore& store, const ProcessRef& server) = 0;

  // Kills, unmounts and removes everything the lab made through this agent, whether or not
  // the control plane that made it is still alive; one line per item removed.
  virtual std::vector<std::string> RemoveLeftovers() = 0;
};

}  // namespace raftlab::cluster
