// LocalAgent without namespaces: the HostAgent contract in kThisHost mode (processes and files
// only; the suite never creates a host, so nothing touches the root namespace's iptables),
// plus what is LocalAgent's own: tool resolution, host names and addresses, and the refusal
// to own the initial network namespace's fault chain.
#include "cluster/local_agent.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "cluster/agent_contract_test.h"

namespace raftlab::cluster {
namespace {

std::unique_ptr<HostAgent> ThisHostAgent(const std::string& root) {
  LocalAgentOptions o;
  o.root_dir = root;
  o.mode = LocalAgentOptions::Mode::kThisHost;
  o.this_host_ip = "127.99.0.21";
  return std::make_unique<LocalAgent>(o);
}

INSTANTIATE_TEST_SUITE_P(LocalThisHost, AgentContractTest,
                         ::testing::Values(AgentContractParam{"LocalThisHost", "n1", ThisHostAgent}),
                         AgentContractParamName);

class LocalAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/raftlab-local-agent-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  LocalAgentOptions ThisHost() const {
    LocalAgentOptions o;
    o.root_dir = root_;
    o.mode = LocalAgentOptions::Mode::kThisHost;
    return o;
  }
  std::string root_;
};

// The initial network namespace's inode is fixed by the kernel (PROC_NET_INIT_INO).
bool InInitialNetns() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/ns/net", ec).string() == "net:[4026531833]";
}

TEST_F(LocalAgentTest, ThisHostRefusesTheInitialNamespacesFaultChain) {
  if (!InInitialNetns()) GTEST_SKIP() << "this test must run in the machine's initial network namespace";
  LocalAgent agent(ThisHost());
  Status s = agent.CreateHost("n1");
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("initial network namespace"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("--host-network"), std::string::npos) << s.ToString();
  // Removing and sweeping must not touch the initial namespace's iptables either.
  EXPECT_TRUE(agent.RemoveHost("n1").ok());
  for (const auto& line : agent.RemoveLeftovers()) EXPECT_EQ(line.find("chain"), std::string::npos) << line;
}

TEST_F(LocalAgentTest, LabToolsRunFromTheToolDirectory) {
  const std::string tools = root_ + "/tools";
  std::filesystem::create_directories(tools);
  {
    std::ofstream script(tools + "/raftlab-delayer");
    script << "#!/bin/sh\necho delayer \"$@\"\n";
  }
  std::filesystem::permissions(tools + "/raftlab-delayer", std::filesystem::perms::owner_all);
  LocalAgentOptions o = ThisHost();
  o.tool_dir = tools;
  LocalAgent agent(o);
  Result<RunResult> r = agent.RunOnHost("n1", {"raftlab-delayer", "--queue", "7"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->out, "delayer --queue 7\n");

  Result<ProcessRef> p = agent.StartOnHost("n1", {"raftlab-slowfs", "--foreground"}, "");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(p.status().message().find(tools + "/raftlab-slowfs"), std::string::npos) << p.status().ToString();
}

TEST_F(LocalAgentTest, ToolDirectoryDefaultsToBesideThisProgram) {
  LocalAgent agent(ThisHost());
  Result<RunResult> r = agent.RunOnHost("n1", {"raftlab-delayer"});
  ASSERT_FALSE(r.ok());
  const std::string beside = std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
  EXPECT_NE(r.status().message().find(beside + "/raftlab-delayer"), std::string::npos) << r.status().ToString();
}

TEST_F(LocalAgentTest, HostNamesAndAddresses) {
  LocalAgentOptions per_host;
  per_host.root_dir = root_;
  LocalAgent lab(per_host);
  EXPECT_EQ(lab.Describe(), "local");
  EXPECT_EQ(*lab.HostIp("n3"), "127.99.0.13");
  EXPECT_EQ(lab.HostIp("bogus").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(lab.StartOnHost("n0", {"true"}, "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(lab.ReadFile("", root_ + "/x").status().code(), Code::kInvalidArgument);

  LocalAgentOptions o = ThisHost();
  o.this_host_ip = "127.99.0.21";
  LocalAgent here(o);
  EXPECT_EQ(*here.HostIp("anything"), "127.99.0.21");
  EXPECT_NE(here.Describe().find("127.99.0.21"), std::string::npos);
  EXPECT_TRUE(here.CreateFabric().ok());
  LocalAgent no_ip(ThisHost());
  EXPECT_EQ(no_ip.HostIp("n1").status().code(), Code::kFailedPrecondition);
}

TEST_F(LocalAgentTest, NamespacePerHostStartFailsClearlyWithoutTheNamespace) {
  if (std::filesystem::exists("/var/run/netns/rl-n9")) GTEST_SKIP() << "a lab has rl-n9";
  LocalAgentOptions o;
  o.root_dir = root_;
  LocalAgent lab(o);
  Result<ProcessRef> p = lab.StartOnHost("n9", {"true"}, "");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("rl-n9"), std::string::npos) << p.status().ToString();
}

TEST_F(LocalAgentTest, SlowStoreRefusesPathsOutsideTheRootAndAMissingTool) {
  LocalAgentOptions o = ThisHost();
  o.tool_dir = root_ + "/no-tools";
  LocalAgent agent(o);
  SlowStore outside{"/tmp/backing", root_ + "/mnt", root_ + "/ctl", root_ + "/log"};
  EXPECT_EQ(agent.MountSlowStore("n1", outside).status().code(), Code::kInvalidArgument);
  SlowStore inside{root_ + "/backing", root_ + "/mnt", root_ + "/ctl", root_ + "/log"};
  Result<ProcessRef> p = agent.MountSlowStore("n1", inside);
  EXPECT_EQ(p.status().code(), Code::kFailedPrecondition) << p.status().ToString();
  // Unmounting what was never mounted is fine (idempotent).
  EXPECT_TRUE(agent.UnmountSlowStore("n1", inside, ProcessRef{}).ok());
}

}  // namespace
}  // namespace raftlab::cluster
