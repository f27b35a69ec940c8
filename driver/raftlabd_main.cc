// raftlabd: the lab's control plane. Serves proto/raftlab.proto on a unix socket (0600) in the
// state directory, owns the Lab, and exits after `down` (or on SIGTERM/SIGINT, taking the lab
// down first). `raftlab up` starts it when it is not running.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "chaos/lab_fault_context.h"
#include "cluster/lab.h"
#include "cluster/local_agent.h"
#include "cluster/remote_agent.h"
#include "common/json_util.h"
#include "driver/lab_service.h"

namespace {

std::mutex g_mu;
std::condition_variable g_cv;
bool g_exit = false;

void RequestExit() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_exit = true;
  g_cv.notify_all();
}

}  // namespace

int main(int argc, char** argv) {
  std::string state_dir = raftlab::cluster::DefaultStateDir();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--state-dir=", 0) == 0) state_dir = a.substr(12);
    else if (a == "--state-dir" && i + 1 < argc) state_dir = argv[++i];
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: raftlabd [--state-dir DIR]\n"
                   "The raftlab control plane; normally started by `raftlab up`.\n";
      return 0;
    } else {
      std::cerr << "raftlabd: unknown argument " << a << "\n";
      return 2;
    }
  }
  // Descriptors inherited from whoever started `raftlab up` (e.g. `flock LOCK raftlab up`) would
  // stay open as long as the control plane lives, holding that caller's locks: close them.
  close_range(3, ~0U, 0);
  state_dir = std::filesystem::absolute(state_dir).lexically_normal().string();
  if (geteuid() != 0) {
    std::cerr << "raftlabd: must run as root (it creates network namespaces)\n";
    return 1;
  }
  if (raftlab::Status s = raftlab::MakeDirs(state_dir); !s.ok()) {
    std::cerr << "raftlabd: " << s.ToString() << "\n";
    return 1;
  }
  chmod(state_dir.c_str(), 0700);
  // One control plane per state directory.
  std::string lock_path = state_dir + "/raftlabd.lock";
  int lock_fd = open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    std::cerr << "raftlabd: another raftlabd owns " << state_dir << "\n";
    return 1;
  }

  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);   // inherited by every thread; handled below
  signal(SIGPIPE, SIG_IGN);

  raftlab::cluster::LabPaths paths{state_dir};
  raftlab::cluster::LocalAgentOptions local;
  local.root_dir = state_dir;   // member dirs, logs and mounts live under the state dir
  // `up --agent NAME=ADDR` members are reached over gRPC through raftlab-agent.
  raftlab::cluster::AgentConnector connect_agent = [](const std::string& address, const std::string& token) {
    return raftlab::cluster::ConnectRemoteAgent(address, token, 5000);
  };
  raftlab::cluster::Lab lab(paths, std::make_unique<raftlab::cluster::LocalAgent>(local), connect_agent);
  raftlab::chaos::LabFaultContext fault_context(&lab);
  raftlab::chaos::FaultManager faults(&fault_context);
  raftlab::driver::LabService service(&lab, &faults, RequestExit);

  std::string socket_path = paths.SocketPath();
  unlink(socket_path.c_str());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket_path, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    std::cerr << "raftlabd: cannot listen on " << socket_path << "\n";
    return 1;
  }
  chmod(socket_path.c_str(), 0600);
  std::cerr << "raftlabd: serving on unix:" << socket_path << " (pid " << getpid() << ")\n";

  std::thread signal_waiter([&sigs] {
    int sig = 0;
    sigwait(&sigs, &sig);
    std::cerr << "raftlabd: signal " << sig << ", taking the lab down\n";
    RequestExit();
  });
  signal_waiter.detach();

  {
    std::unique_lock<std::mutex> lock(g_mu);
    g_cv.wait(lock, [] { return g_exit; });
  }
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (lab.IsUp()) (void)service.TakeDown();
  unlink(socket_path.c_str());
  std::cerr << "raftlabd: exit\n";
  return 0;
}
