#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace raftlab {
namespace {

// argv/envp prepared before fork: the child may only make async-signal-safe calls.
struct ExecPlan {
  std::vector<std::string> storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

ExecPlan MakePlan(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
  ExecPlan plan;
  for (const auto& a : argv) plan.argv.push_back(const_cast<char*>(a.c_str()));
  plan.argv.push_back(nullptr);
  for (char** e = environ; *e != nullptr; ++e) plan.envp.push_back(*e);
  for (const auto& e : extra_env) plan.envp.push_back(const_cast<char*>(e.c_str()));
  plan.envp.push_back(nullptr);
  return plan;
}

[[noreturn]] void ChildFail(int status_fd, int err) {
  (void)!write(status_fd, &err, sizeof err);
  _exit(127);
}

// Forks; in the child enters the namespace, wires stdio, execs. Exec failures come back
// through a close-on-exec pipe so the caller gets a real error instead of exit 127.
Result<pid_t> ForkExec(const std::vector<std::string>& argv, const SpawnOptions& opts,
                       int out_fd, int err_fd) {
  if (argv.empty()) return InvalidArgument("empty command");
  int ns_fd = -1;
  if (!opts.netns.empty()) {
    std::string path = "/var/run/netns/" + opts.netns;
    ns_fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) return NotFound("network namespace " + opts.netns + ": " + strerror(errno));
  }
  int status_pipe[2];
  if (pipe2(status_pipe, O_CLOEXEC) != 0) {
    if (ns_fd >= 0) close(ns_fd);
    return Internal(std::string("pipe: ") + strerror(errno));
  }
  ExecPlan plan = MakePlan(argv, opts.env);
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(status_pipe[0]); close(status_pipe[1]); close(null_fd);
    if (ns_fd >= 0) close(ns_fd);
    return Internal(std::string("fork: ") + strerror(e));
  }
  if (pid == 0) {
    close(status_pipe[0]);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (opts.new_session) setsid();
    if (ns_fd >= 0 && setns(ns_fd, CLONE_NEWNET) != 0) ChildFail(status_pipe[1], errno);
    if (!opts.cwd.empty() && chdir(opts.cwd.c_str()) != 0) ChildFail(status_pipe[1], errno);
    dup2(null_fd, 0);
    dup2(out_fd >= 0 ? out_fd : null_fd, 1);
    dup2(err_fd >= 0 ? err_fd : (out_fd >= 0 ? out_fd : null_fd), 2);
    execvpe(plan.argv[0], plan.argv.data(), plan.envp.data());
    ChildFail(status_pipe[1], errno);
  }
  close(status_pipe[1]);
  close(null_fd);
  if (ns_fd >= 0) close(ns_fd);
  int child_errno = 0;
  ssize_t n;
  do { n = read(status_pipe[0], &child_errno, sizeof child_errno); } while (n < 0 && errno == EINTR);
  close(status_pipe[0]);
  if (n == sizeof child_errno) {
    waitpid(pid, nullptr, 0);
    return Unavailable("cannot start " + argv[0] + (opts.netns.empty() ? "" : " in " + opts.netns) +
                       ": " + strerror(child_errno));
  }
  return pid;
}

int OpenOutput(const std::string& path) {
  if (path.empty()) return -1;
  return open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

std::string RunResult::Describe() const {
  std::string what = signal != 0 ? "signal " + std::to_string(signal) : "exit " + std::to_string(exit_code);
  std::string detail = Trim(err.empty() ? out : err);
  return detail.empty() ? what : what + ": " + detail;
}

std::string JoinArgv(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

Result<RunResult> Run(const std::vector<std::string>& argv, const SpawnOptions& opts) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Internal("pipe failed");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]); close(out_pipe[1]);
    return Internal("pipe failed");
  }
  Result<pid_t> pid = ForkExec(argv, opts, out_pipe[1], err_pipe[1]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (!pid.ok()) {
    close(out_pipe[0]); close(err_pipe[0]);
    return pid.status();
  }
  RunResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (waitpid(*pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

Status RunChecked(const std::vector<std::string>& argv, const SpawnOptions& opts) {
  Result<RunResult> r = Run(argv, opts);
  if (!r.ok()) return r.status();
  if (!r->ok()) {
    std::string where = opts.netns.empty() ? "" : " (in " + opts.netns + ")";
    return Internal("`" + JoinArgv(argv) + "`" + where + " failed: " + r->Describe());
  }
  return Status::Ok();
}

Result<pid_t> Start(const std::vector<std::string>& argv, const SpawnOptions& opts) {
  int out_fd = OpenOutput(opts.stdout_path);
  int err_fd = opts.stderr_path.empty() ? -1 : OpenOutput(opts.stderr_path);
  Result<pid_t> pid = ForkExec(argv, opts, out_fd, err_fd);
  if (out_fd >= 0) close(out_fd);
  if (err_fd >= 0) close(err_fd);
  return pid;
}

}  // namespace raftlab
