#include "cluster/process_table.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/clock.h"

namespace raftlab::cluster {
namespace {

// A pollable handle on the child (Linux >= 5.3); -1 where the kernel lacks it.
int OpenPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// Without pidfds the reaper looks at the table this often.
constexpr int kFallbackPollMs = 20;

std::string Name(const ProcessRef& p) { return p.host + " process " + std::to_string(p.id); }

}  // namespace

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return "exited " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    const char* abbrev = sigabbrev_np(sig);
    return abbrev != nullptr ? std::string("killed by SIG") + abbrev : "killed by signal " + std::to_string(sig);
  }
  return "ended with wait status " + std::to_string(wait_status);
}

ProcessTable::ProcessTable() {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  reaper_ = std::thread([this] { ReapLoop(); });
}

ProcessTable::~ProcessTable() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  Wake();
  exited_.notify_all();
  reaper_.join();
  for (auto& [id, e] : entries_)
    if (e.pidfd >= 0) close(e.pidfd);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void ProcessTable::Wake() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
}

ProcessRef ProcessTable::Add(const std::string& host, pid_t pid, const std::string& what) {
  ProcessRef ref;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ref = ProcessRef{host, next_id_++};
    Entry e;
    e.host = host;
    e.pid = pid;
    e.pidfd = OpenPidfd(pid);
    e.what = what;
    entries_.emplace(ref.id, std::move(e));
  }
  Wake();   // the reaper's poll set changed
  return ref;
}

void ProcessTable::ReapExitedLocked() {
  for (auto& [id, e] : entries_) {
    if (e.exit_status) continue;
    int status = 0;
    pid_t r = waitpid(e.pid, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) continue;
    // ECHILD: someone else reaped our child; the pid is no longer ours to signal either way.
    e.exit_status = r == e.pid ? DescribeWaitStatus(status) : "exited (status lost: reaped elsewhere)";
    if (e.pidfd >= 0) {
      close(e.pidfd);
      e.pidfd = -1;
    }
    exit_queue_.push_back(ProcessExit{ProcessRef{e.host, id}, *e.exit_status});
    exited_.notify_all();
  }
}

void ProcessTable::ReapLoop() {
  std::vector<pollfd> fds;
  for (;;) {
    bool need_fallback_poll = false;
    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      for (const auto& [id, e] : entries_) {
        if (e.exit_status) continue;
        if (e.pidfd >= 0) fds.push_back(pollfd{e.pidfd, POLLIN, 0});
        else need_fallback_poll = true;
      }
    }
    if (wake_fd_ < 0) need_fallback_poll = true;
    int n = poll(fds.data(), fds.size(), need_fallback_poll ? kFallbackPollMs : -1);
    if (n < 0 && errno != EINTR) SleepMs(kFallbackPollMs);   // never spin on a broken poll
    if (fds[0].revents & POLLIN) {
      uint64_t count;
      (void)!read(wake_fd_, &count, sizeof count);
    }
    std::lock_guard<std::mutex> lock(mu_);
    ReapExitedLocked();
  }
}

Status ProcessTable::Signal(const ProcessRef& process, int signal) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(process.id);
  if (it == entries_.end() || it->second.host != process.host)
    return NotFound("no " + Name(process) + " was started by this agent");
  ReapExitedLocked();
  const Entry& e = it->second;
  if (e.exit_status)
    return FailedPrecondition(Name(process) + " (" + e.what + ") already " + *e.exit_status + "; not signalled");
  // Under mu_, so the reaper cannot collect the pid (and the kernel cannot reuse it) meanwhile.
  if (kill(e.pid, signal) != 0)
    return Internal("kill " + std::string(sigabbrev_np(signal) ? sigabbrev_np(signal) : "?") + " " + Name(process) +
                    ": " + strerror(errno));
  return Status::Ok();
}

Result<std::string> ProcessTable::WaitExit(const ProcessRef& process, int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = entries_.find(process.id);
  if (it == entries_.end() || it->second.host != process.host)
    return NotFound("no " + Name(process) + " was started by this agent");
  const Entry& e = it->second;   // std::map: stays valid while other entries are added
  exited_.wait_for(lock, std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms),
                   [&] { return e.exit_status.has_value() || stopping_; });
  if (e.exit_status) return *e.exit_status;
  return Timeout(Name(process) + " (" + e.what + ") still running after " + std::to_string(timeout_ms) + " ms");
}

std::optional<ProcessExit> ProcessTable::NextExit(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  exited_.wait_for(lock, std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms),
                   [&] { return !exit_queue_.empty() || stopping_; });
  if (exit_queue_.empty()) return std::nullopt;
  ProcessExit next = std::move(exit_queue_.front());
  exit_queue_.pop_front();
  return next;
}

std::vector<std::pair<ProcessRef, std::string>> ProcessTable::Running(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<ProcessRef, std::string>> out;
  for (const auto& [id, e] : entries_)
    if (!e.exit_status && (host.empty() || e.host == host)) out.push_back({ProcessRef{e.host, id}, e.what});
  return out;
}

std::vector<std::string> ProcessTable::KillAll(const std::string& host, int timeout_ms) {
  std::vector<std::string> lines;
  auto running = Running(host);
  for (const auto& [ref, what] : running) (void)Signal(ref, SIGKILL);
  const int64_t deadline = MonoNowNs() + static_cast<int64_t>(timeout_ms) * 1'000'000;
  for (const auto& [ref, what] : running) {
    const int left_ms = static_cast<int>(std::max<int64_t>(0, (deadline - MonoNowNs()) / 1'000'000));
    Result<std::string> how = WaitExit(ref, left_ms);
    lines.push_back((how.ok() ? "killed " : "could not kill ") + Name(ref) + " (" + what + ")" +
                    (how.ok() ? "" : ": " + how.status().message()));
  }
  return lines;
}

}  // namespace raftlab::cluster
