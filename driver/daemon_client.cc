#include "driver/daemon_client.h"

#include <grpcpp/grpcpp.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/json_util.h"
#include "common/subprocess.h"

namespace raftlab::driver {

Result<std::unique_ptr<DaemonClient>> DaemonClient::Connect(const std::string& state_dir, int wait_ms) {
  cluster::LabPaths paths{state_dir};
  struct stat st;
  if (stat(paths.SocketPath().c_str(), &st) != 0)
    return Unavailable("raftlabd is not running (no socket at " + paths.SocketPath() + "): run `raftlab up` first");
  auto c = std::unique_ptr<DaemonClient>(new DaemonClient());
  c->channel_ = grpc::CreateChannel("unix:" + paths.SocketPath(), grpc::InsecureChannelCredentials());
  if (!c->channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::milliseconds(wait_ms)))
    return Unavailable("raftlabd does not answer on " + paths.SocketPath() +
                       " (crashed?): `raftlab down` cleans up what it left");
  c->stub_ = v1::LabControl::NewStub(c->channel_);
  return c;
}

Result<std::unique_ptr<DaemonClient>> DaemonClient::StartAndConnect(
    const std::string& state_dir, const std::string& self_path,
    const std::function<void(const std::string&)>& say) {
  std::string daemon = (std::filesystem::path(self_path).parent_path() / "raftlabd").string();
  if (!IsExecutable(daemon)) return FailedPrecondition("raftlabd not found beside raftlab at " + daemon);
  RL_RETURN_IF_ERROR(MakeDirs(state_dir));
  cluster::LabPaths paths{state_dir};
  // A socket left by a crashed raftlabd would make the wait below see a dead file.
  std::filesystem::remove(paths.SocketPath());
  SpawnOptions opts;
  opts.new_session = true;
  opts.stdout_path = paths.DaemonLog();
  opts.cwd = "/";
  Result<pid_t> pid = Start({daemon, "--state-dir=" + state_dir}, opts);
  if (!pid.ok()) return pid.status();
  say("started raftlabd (pid " + std::to_string(*pid) + ", log " + paths.DaemonLog() + ")");
  const int64_t deadline = MonoNowNs() + 10'000'000'000LL;
  while (MonoNowNs() < deadline) {
    Result<std::unique_ptr<DaemonClient>> c = Connect(state_dir, 200);
    if (c.ok()) return c;
    SleepMs(50);
  }
  return Unavailable("raftlabd did not start within 10 s; see " + paths.DaemonLog());
}

void DaemonClient::WaitForExit(const std::string& state_dir, int timeout_ms) {
  int fd = open((cluster::LabPaths{state_dir}.state_dir + "/raftlabd.lock").c_str(), O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    for (int waited = 0; waited < timeout_ms; waited += 50) {
      if (flock(fd, LOCK_EX | LOCK_NB) == 0) break;
      SleepMs(50);
    }
    close(fd);
  }
  // StartAndConnect made raftlabd our child: collect it so no zombie outlives the lab.
  while (waitpid(-1, nullptr, WNOHANG) > 0) {}
}

}  // namespace raftlab::driver
