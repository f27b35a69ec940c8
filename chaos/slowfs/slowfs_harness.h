// SlowfsMount: a raftlab-slowfs instance on a fresh temporary directory, for tests and
// the bench (not used by the lab itself, which launches the binary from chaos/).
//
// Create() makes /tmp/rl-slowfs-XXXXXX/{backing,mnt} and a control file path, starts
// raftlab-slowfs --foreground as a child and waits until the mount appears. The
// destructor always cleans up: SIGTERM (clean unmount), lazy umount if the mount is still
// there, SIGKILL, then removes the temporary directory once nothing is mounted on it.
// Not thread-safe; one owner.
#pragma once

#include <memory>
#include <string>

#include "chaos/slowfs/child_process.h"
#include "common/status.h"

namespace raftlab::chaos {

class SlowfsMount {
 public:
  static Result<std::unique_ptr<SlowfsMount>> Create();
  ~SlowfsMount();

  const std::string& root() const { return root_; }
  const std::string& backing() const { return backing_; }
  const std::string& mount() const { return mount_; }
  const std::string& control() const { return control_; }
  const std::string& log() const { return log_; }

  // Replaces the control file atomically (write + rename) with "<ms>\n".
  Status SetDelayMs(long ms);

  // Stops the filesystem; returns the wait status of raftlab-slowfs (-1 if not running).
  // Afterwards the mount is gone, by a clean exit or by force.
  int Stop();

 private:
  SlowfsMount() = default;
  std::string root_, backing_, mount_, control_, log_;
  ChildProcess process_;
};

}  // namespace raftlab::chaos
