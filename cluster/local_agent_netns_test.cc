// LocalAgent on real namespaces (label netns; needs root): a kNamespacePerHost host is a
// namespace rl-n1 on the lab bridge where its processes run, RemoveHost kills them and
// deletes it, and RemoveLeftovers leaves nothing the leftover sweep could find. A kThisHost
// agent running inside rl-n1 owns that namespace's fault chain, idempotently. The slow store
// mounts, serves and unmounts.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cluster/leftovers.h"
#include "cluster/local_agent.h"
#include "cluster/topology.h"
#include "common/clock.h"
#include "common/privileges.h"
#include "common/test_guard.h"

namespace raftlab::cluster {
namespace {

// The machine-wide lock the lab harness (tests/lab_harness.h) takes around every lab.
constexpr char kLabsLock[] = "/tmp/raftlab-labs.lock";

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool IsMounted(const std::string& mount) {
  std::ifstream mounts("/proc/mounts");
  for (std::string line; std::getline(mounts, line);)
    if (line.find(" " + mount + " ") != std::string::npos) return true;
  return false;
}

int CountLines(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

class LocalAgentNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Status s = CheckNetAdmin(); !s.ok()) RAFTLAB_SKIP_OR_FAIL_UNDER_CI(s.message());
    lock_fd_ = open(kLabsLock, O_CREAT | O_RDWR | O_CLOEXEC, 0666);
    if (lock_fd_ >= 0) flock(lock_fd_, LOCK_EX);
    ASSERT_FALSE(std::filesystem::exists("/var/run/netns/" + std::string(kBridgeNetns)))
        << "a lab is up on this machine (namespace rl-br exists): take it down first";
    char tmpl[] = "/tmp/raftlab-agent-netns-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    work_ = tmpl;
    LocalAgentOptions o;
    o.root_dir = work_ + "/state";
    if (const char* build = std::getenv("RAFTLAB_BUILD_DIR")) o.tool_dir = build;
    tool_dir_ = o.tool_dir;
    agent_ = std::make_unique<LocalAgent>(o);
    ASSERT_TRUE(agent_->MakeDirs("n1", agent_->RootDir()).ok());
    Status fabric = agent_->CreateFabric();
    ASSERT_TRUE(fabric.ok()) << fabric.ToString();
    Status host = agent_->CreateHost("n1");
    ASSERT_TRUE(host.ok()) << host.ToString();
  }

  void TearDown() override {
    if (agent_ != nullptr) {
      for (const auto& line : agent_->RemoveLeftovers()) std::cout << "  removed: " << line << "\n";
      Leftovers left = FindLeftovers(agent_->RootDir());
      std::string what;
      for (const auto& d : left.descriptions) what += "\n  " + d;
      EXPECT_TRUE(left.empty()) << "left behind:" << what;
      EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + std::string(kBridgeNetns)));
      agent_.reset();
    }
    std::error_code ec;
    if (!work_.empty()) std::filesystem::remove_all(work_, ec);
    if (lock_fd_ >= 0) close(lock_fd_);
  }

  std::string State(const std::string& rel) const { return agent_->RootDir() + "/" + rel; }

  int lock_fd_ = -1;
  std::string work_, tool_dir_;
  std::unique_ptr<LocalAgent> agent_;
};

TEST_F(LocalAgentNetnsTest, HostProcessesRunInTheHostsNamespaceAndGoWithIt) {
  Result<RunResult> id = agent_->RunOnHost("n1", {"ip", "netns", "identify"});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(Trimmed(id->out), "rl-n1");
  Result<RunResult> chain = agent_->RunOnHost("n1", {"iptables", "-w", "-S", "INPUT"});
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(CountLines(chain->out, std::string("-j ") + kFaultChain), 1) << chain->out;

  const std::string log = State("members/n1/probe.log");
  Result<ProcessRef> p = agent_->StartOnHost(
      "n1", {"sh", "-c", "ip netns identify; ip -o -4 addr show dev eth0; exec sleep 30"}, log);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::string text;
  for (int i = 0; i < 100 && text.find(MemberIp("n1")) == std::string::npos; ++i) {
    SleepMs(20);
    text = agent_->ReadFile("n1", log).ok() ? *agent_->ReadFile("n1", log) : "";
  }
  EXPECT_EQ(text.rfind("rl-n1\n", 0), 0u) << text;
  EXPECT_NE(text.find(MemberIp("n1") + "/24"), std::string::npos) << text;
  EXPECT_EQ(agent_->WaitExit(*p, 100).status().code(), Code::kTimeout);

  ASSERT_TRUE(agent_->RemoveHost("n1").ok());
  Result<std::string> how = agent_->WaitExit(*p, 0);
  ASSERT_TRUE(how.ok()) << "RemoveHost left the host's process running";
  EXPECT_EQ(*how, "killed by SIGKILL");
  std::optional<ProcessExit> exit = agent_->NextExit(1000);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->process, *p);
  EXPECT_FALSE(std::filesystem::exists("/var/run/netns/rl-n1"));
  EXPECT_TRUE(agent_->RemoveHost("n1").ok()) << "removing a removed host must be fine";
}

TEST_F(LocalAgentNetnsTest, ThisHostAgentInsideANamespaceOwnsItsFaultChain) {
  std::string failure;
  std::thread inside([&] {
    int fd = open("/var/run/netns/rl-n1", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
      failure = "cannot enter rl-n1";
      return;
    }
    close(fd);
    LocalAgentOptions o;
    o.root_dir = work_ + "/here";
    o.mode = LocalAgentOptions::Mode::kThisHost;
    o.this_host_ip = MemberIp("n1");
    LocalAgent here(o);
    auto input_jumps = [&] {
      Result<RunResult> r = here.RunOnHost("n1", {"iptables", "-w", "-S", "INPUT"});
      return r.ok() ? CountLines(r->out, std::string("-j ") + kFaultChain) : -1;
    };
    Result<RunResult> id = here.RunOnHost("n1", {"ip", "netns", "identify"});
    if (!id.ok() || Trimmed(id->out) != "rl-n1") failure += "RunOnHost did not run in rl-n1; ";
    // The per-host agent made the chain already; making it again changes nothing.
    for (int i = 0; i < 2; ++i)
      if (Status s = here.CreateHost("n1"); !s.ok()) failure += "CreateHost: " + s.ToString() + "; ";
    if (input_jumps() != 1) failure += "expected one INPUT jump, saw " + std::to_string(input_jumps()) + "; ";
    if (Status s = here.RemoveHost("n1"); !s.ok()) failure += "RemoveHost: " + s.ToString() + "; ";
    if (input_jumps() != 0) failure += "RemoveHost left an INPUT jump; ";
    if (here.RunOnHost("n1", {"iptables", "-w", "-n", "-L", kFaultChain})->ok()) failure += "chain still there; ";
    if (Status s = here.CreateHost("n1"); !s.ok()) failure += "CreateHost again: " + s.ToString() + "; ";
    std::vector<std::string> removed = here.RemoveLeftovers();
    if (CountLines(JoinArgv(removed), kFaultChain) != 1) failure += "RemoveLeftovers did not remove the chain; ";
  });
  inside.join();
  EXPECT_EQ(failure, "");
  // The agent's thread changed only rl-n1: the root namespace has no such chain.
  Result<RunResult> root = raftlab::Run({"iptables", "-w", "-n", "-L", kFaultChain});
  ASSERT_TRUE(root.ok());
  EXPECT_FALSE(root->ok()) << "the root namespace has a " << kFaultChain << " chain";
}

TEST_F(LocalAgentNetnsTest, SlowStoreMountsServesAndUnmounts) {
  if (access("/dev/fuse", R_OK | W_OK) != 0) RAFTLAB_SKIP_OR_FAIL_UNDER_CI("no usable /dev/fuse");
  if (!IsExecutable(tool_dir_ + "/raftlab-slowfs"))
    RAFTLAB_SKIP_OR_FAIL_UNDER_CI("no raftlab-slowfs in " + tool_dir_ + " (build it, run through ctest)");
  const std::string dir = State("members/n1");
  SlowStore store{dir + "/wal-backing", dir + "/wal-slow", dir + "/fsync-delay-ms", dir + "/slowfs.log"};
  Result<ProcessRef> server = agent_->MountSlowStore("n1", store);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_TRUE(IsMounted(store.mount));
  EXPECT_EQ(*agent_->ReadFile("n1", store.control_file), "0\n");
  ASSERT_TRUE(agent_->WriteFile("n1", store.mount + "/0.wal", "entries").ok());
  EXPECT_EQ(*agent_->ReadFile("n1", store.backing + "/0.wal"), "entries");
  Result<ProcessRef> again = agent_->MountSlowStore("n1", store);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *server) << "mounting a mounted store must return its server";

  ASSERT_TRUE(agent_->UnmountSlowStore("n1", store, *server).ok());
  EXPECT_FALSE(IsMounted(store.mount));
  EXPECT_TRUE(agent_->WaitExit(*server, 0).ok()) << "its server still runs";
  EXPECT_TRUE(agent_->UnmountSlowStore("n1", store, *server).ok()) << "unmount must be idempotent";

  // A store left mounted goes with its host.
  Result<ProcessRef> second = agent_->MountSlowStore("n1", store);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(*second, *server);
  ASSERT_TRUE(agent_->RemoveHost("n1").ok());
  EXPECT_FALSE(IsMounted(store.mount));
  EXPECT_TRUE(agent_->WaitExit(*second, 0).ok());
}

}  // namespace
}  // namespace raftlab::cluster
