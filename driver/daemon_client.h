// DaemonClient: the CLI's connection to raftlabd over its unix socket, and the logic that
// starts raftlabd when `up` finds none. Not thread-safe (one per CLI invocation).
#pragma once

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
  // After a successful Down: waits until raftlabd has exited (it holds an exclusive flock on
  // <state_dir>/raftlabd.lock while it lives) and reaps it if this process started it.
  static void WaitForExit(const std::string& state_dir, int timeout_ms);
  v1::LabControl::Stub* stub() { return stub_.get(); }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::LabControl::Stub> stub_;
};

}  // namespace raftlab::driver
