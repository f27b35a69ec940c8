// raftlab-agent: the remote side of the HostAgent seam. It serves this host (a LocalAgent in
// kThisHost mode, files under --state-dir) to a raftlab control plane over gRPC
// (cluster/agent_service.h), on exactly the --listen address, to callers holding the lab's
// token. On SIGTERM/SIGINT it stops serving, sweeps what the lab left here, and exits 0.
// Progress and one line per change it makes go to stderr.
#include <grpcpp/grpcpp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "cluster/agent_flags.h"
#include "cluster/agent_service.h"
#include "cluster/agent_token.h"
#include "cluster/local_agent.h"

namespace {

using namespace raftlab;
using namespace raftlab::cluster;

int g_signal_pipe[2] = {-1, -1};

void OnSignal(int sig) {
  unsigned char b = static_cast<unsigned char>(sig);
  [[maybe_unused]] ssize_t n = write(g_signal_pipe[1], &b, 1);
}

std::mutex g_log_mu;
void Log(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_log_mu);
  std::cerr << "raftlab-agent: " << line << std::endl;
}

int Fail(int code, const std::string& message) {
  Log(message);
  return code;
}

// Installs the handlers before any thread starts; returns the signal that arrived.
int WaitForStopSignal() {
  unsigned char b = 0;
  while (read(g_signal_pipe[0], &b, 1) < 0 && errno == EINTR) {
  }
  return b;
}

Status InstallStopSignals() {
  if (pipe2(g_signal_pipe, O_CLOEXEC) != 0) return Internal(std::string("pipe: ") + std::strerror(errno));
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGTERM, &sa, nullptr) != 0 || sigaction(SIGINT, &sa, nullptr) != 0) {
    return Internal(std::string("sigaction: ") + std::strerror(errno));
  }
  return Status::Ok();
}

int Run(const AgentFlags& flags) {
  Result<std::string> token = ReadTokenFile(flags.token_file);
  if (!token.ok()) return Fail(2, token.status().message());

  std::error_code ec;
  std::filesystem::create_directories(flags.state_dir, ec);
  if (ec) return Fail(1, "--state-dir " + flags.state_dir + ": " + ec.message());
  chmod(flags.state_dir.c_str(), 0700);

  Status signals = InstallStopSignals();
  if (!signals.ok()) return Fail(1, signals.message());

  LocalAgentOptions options;
  options.root_dir = flags.state_dir;
  options.mode = LocalAgentOptions::Mode::kThisHost;
  options.this_host_ip = flags.host_ip;
  options.allow_initial_netns = flags.host_network;   // tool_dir empty: beside this program
  LocalAgent agent(options);
  AgentService service(&agent, *token, Log);

  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(flags.listen, grpc::InsecureServerCredentials(), &bound_port);
  // gRPC sets SO_REUSEPORT by default: a second agent on the same address would then share it
  // silently instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return Fail(1, "cannot listen on " + flags.listen +
                       ": the address is in use or not configured on any interface here");
  }
  Log("serving " + agent.RootDir() + " on " + flags.listen + " (members reached at " + flags.host_ip + ")" +
      (flags.host_network ? ", owning this machine's network" : ""));

  int sig = WaitForStopSignal();
  Log(std::string("got ") + strsignal(sig) + ": stopping");
  service.Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  for (const std::string& line : agent.RemoveLeftovers()) Log("removed " + line);
  Log("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Result<AgentFlags> flags = ParseAgentFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (!flags.ok()) return Fail(2, flags.status().message());
  if (flags->help) {
    std::cout << AgentUsage();
    return 0;
  }
  return Run(*flags);
}
