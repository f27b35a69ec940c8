#include "driver/daemon_client.h"

#include <grpcpp/grpcpp.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/json_util.h"
#include "common/process_state.h"
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
  c->state_dir_ = state_dir;
  // raftlabd holds its lock while it lives (read from /proc/locks: a probe connection to the
  // socket would be a half-open gRPC connection that holds up raftlabd's shutdown for 5 s).
  c->daemon_pid_ = FlockHolder(state_dir + "/raftlabd.lock");
  if (std::optional<ProcessState> s = ReadProcessState(c->daemon_pid_)) c->daemon_start_ticks_ = s->start_ticks;
  else c->daemon_pid_ = 0;
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

Status DaemonClient::WaitForExit(int timeout_ms, const std::function<void(const std::string&)>& say) {
  if (daemon_pid_ <= 0) {
    // No peer credentials: fall back to raftlabd's lock, which it holds while it lives.
    int fd = open((state_dir_ + "/raftlabd.lock").c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return Status::Ok();
    bool released = false;
    for (int waited = 0; waited < timeout_ms && !released; waited += 50) {
      released = flock(fd, LOCK_EX | LOCK_NB) == 0;
      if (!released) SleepMs(50);
    }
    close(fd);
    return released ? Status::Ok() : Timeout("raftlabd still holds " + state_dir_ + "/raftlabd.lock after " +
                                             std::to_string(timeout_ms) + " ms");
  }
  const std::string who = "raftlabd (pid " + std::to_string(daemon_pid_) + ")";
  const int64_t start = MonoNowNs();
  const int64_t deadline = start + static_cast<int64_t>(timeout_ms) * 1'000'000;
  bool said = false;
  for (;;) {
    std::optional<ProcessState> s = ReadProcessState(daemon_pid_);
    if (!s || s->start_ticks != daemon_start_ticks_) return Status::Ok();   // reaped: gone
    // Exited but not reaped: reap it if it is ours (raftlabd started by this `up`); otherwise
    // its parent (init, once the `up` that started it has exited) does, and we wait for that.
    if (s->state == 'Z' && s->ppid == getpid()) (void)waitpid(daemon_pid_, nullptr, WNOHANG);
    const int64_t now = MonoNowNs();
    if (now >= deadline)
      return Timeout(who + " is still present " + std::to_string(timeout_ms) + " ms after down (state " +
                     std::string(1, s->state) + (s->state == 'Z' ? ", exited but not reaped by its parent " +
                                                                       std::to_string(s->ppid) : "") + ")");
    if (!said && now - start >= 1'000'000'000LL) {
      say("waiting for " + who + " to exit" + (s->state == 'Z' ? " (exited, not yet reaped)" : ""));
      said = true;
    }
    SleepMs(20);
  }
}

}  // namespace raftlab::driver
