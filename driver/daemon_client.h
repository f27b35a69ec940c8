// DaemonClient: the CLI's connection to raftlabd over its unix socket, the logic that starts
// raftlabd when `up` finds none, and the wait for it to be gone after `down`. Reads /proc
// (raftlabd's pid from /proc/locks: it flocks <state_dir>/raftlabd.lock while it lives). Not
// thread-safe (one per CLI invocation or scenario).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "proto/raftlab.grpc.pb.h"

namespace raftlab::driver {

class DaemonClient {
 public:
  // Connects if raftlabd answers on <state_dir>/raftlabd.sock within wait_ms.
  static Result<std::unique_ptr<DaemonClient>> Connect(const std::string& state_dir, int wait_ms);
  // Starts raftlabd (beside `self_path`) detached, then connects; progress via `say`.
  static Result<std::unique_ptr<DaemonClient>> StartAndConnect(const std::string& state_dir,
                                                               const std::string& self_path,
                                                               const std::function<void(const std::string&)>& say);
  // After a successful Down: waits until raftlabd has exited and is gone from the process
  // table, reaping it when this process started it (else its parent, init, does), so nothing
  // of it, not even a <defunct> entry, outlives `down`. Says once what it waits for when that
  // takes longer than a second; Timeout naming the pid and its state after timeout_ms.
  Status WaitForExit(int timeout_ms, const std::function<void(const std::string&)>& say);
  // raftlabd's pid, from the holder of its lock at Connect (0 when unknown).
  pid_t daemon_pid() const { return daemon_pid_; }
  v1::LabControl::Stub* stub() { return stub_.get(); }

 private:
  std::string state_dir_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::LabControl::Stub> stub_;
  pid_t daemon_pid_ = 0;
  uint64_t daemon_start_ticks_ = 0;   // with the pid, names that one process (pids are reused)
};

}  // namespace raftlab::driver
