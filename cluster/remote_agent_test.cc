// RemoteAgent over the wire: A1's HostAgent contract suite against a LocalAgent (kThisHost)
// served by an in-process AgentService on 127.0.0.1 and reached only through
// ConnectRemoteAgent; plus what only the wire can get wrong: the token, an unreachable agent,
// files above gRPC's 4 MB message limit, errors keeping their code and message.
#include "cluster/remote_agent.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "cluster/agent_contract_test.h"
#include "cluster/agent_service.h"
#include "cluster/local_agent.h"

namespace raftlab::cluster {
namespace {

constexpr char kToken[] = "lab-token-for-tests";

// A LocalAgent in kThisHost mode on root_dir, served on a free 127.0.0.1 port.
class ServedLocalAgent {
 public:
  explicit ServedLocalAgent(const std::string& root_dir)
      : local_(LocalAgentOptions{root_dir, LocalAgentOptions::Mode::kThisHost, "127.0.0.1", "", false}),
        service_(&local_, kToken) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~ServedLocalAgent() {
    service_.Stop();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  HostAgent* local() { return &local_; }

 private:
  LocalAgent local_;
  AgentService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// The contract suite's agent: a RemoteAgent that also owns the server it talks to, so the
// suite's agent_.reset() takes both down. Every call goes over gRPC.
class RemoteOverServedLocal final : public HostAgent {
 public:
  RemoteOverServedLocal(std::unique_ptr<ServedLocalAgent> served, std::unique_ptr<HostAgent> remote)
      : served_(std::move(served)), remote_(std::move(remote)) {}
  ~RemoteOverServedLocal() override { remote_.reset(); }

  std::string RootDir() const override { return remote_->RootDir(); }
  std::string Describe() const override { return remote_->Describe(); }
  Status CreateFabric() override { return remote_->CreateFabric(); }
  Status CreateHost(const std::string& h) override { return remote_->CreateHost(h); }
  Status RemoveHost(const std::string& h) override { return remote_->RemoveHost(h); }
  Result<std::string> HostIp(const std::string& h) override { return remote_->HostIp(h); }
  Result<RunResult> RunOnHost(const std::string& h, const std::vector<std::string>& argv) override {
    return remote_->RunOnHost(h, argv);
  }
  Result<ProcessRef> StartOnHost(const std::string& h, const std::vector<std::string>& argv,
                                 const std::string& log) override {
    return remote_->StartOnHost(h, argv, log);
  }
  Status Signal(const ProcessRef& p, int sig) override { return remote_->Signal(p, sig); }
  Result<std::string> WaitExit(const ProcessRef& p, int ms) override { return remote_->WaitExit(p, ms); }
  std::optional<ProcessExit> NextExit(int ms) override { return remote_->NextExit(ms); }
  Result<std::string> ReadFile(const std::string& h, const std::string& p) override { return remote_->ReadFile(h, p); }
  Result<std::vector<FileEntry>> ReadTree(const std::string& h, const std::string& d) override {
    return remote_->ReadTree(h, d);
  }
  Status WriteFile(const std::string& h, const std::string& p, const std::string& b) override {
    return remote_->WriteFile(h, p, b);
  }
  Status MakeDirs(const std::string& h, const std::string& d) override { return remote_->MakeDirs(h, d); }
  Status MoveTree(const std::string& h, const std::string& f, const std::string& t) override {
    return remote_->MoveTree(h, f, t);
  }
  Status CopyFile(const std::string& h, const std::string& f, const std::string& t) override {
    return remote_->CopyFile(h, f, t);
  }
  Status RemoveTree(const std::string& h, const std::string& p) override { return remote_->RemoveTree(h, p); }
  Result<ProcessRef> MountSlowStore(const std::string& h, const SlowStore& s) override {
    return remote_->MountSlowStore(h, s);
  }
  Status UnmountSlowStore(const std::string& h, const SlowStore& s, const ProcessRef& p) override {
    return remote_->UnmountSlowStore(h, s, p);
  }
  std::vector<std::string> RemoveLeftovers() override { return remote_->RemoveLeftovers(); }

 private:
  std::unique_ptr<ServedLocalAgent> served_;
  std::unique_ptr<HostAgent> remote_;
};

std::unique_ptr<HostAgent> MakeRemoteAgent(const std::string& root) {
  auto served = std::make_unique<ServedLocalAgent>(root);
  Result<std::unique_ptr<HostAgent>> remote = ConnectRemoteAgent(served->address(), kToken, 5000);
  if (!remote.ok()) {
    ADD_FAILURE() << remote.status().ToString();
    return nullptr;
  }
  return std::make_unique<RemoteOverServedLocal>(std::move(served), std::move(*remote));
}

INSTANTIATE_TEST_SUITE_P(RemoteOverGrpc, AgentContractTest,
                         ::testing::Values(AgentContractParam{"RemoteOverGrpc", "n1", MakeRemoteAgent}),
                         AgentContractParamName);

class RemoteAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/raftlab-remote-agent-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    served_ = std::make_unique<ServedLocalAgent>(root_);
  }
  void TearDown() override {
    if (served_) (void)served_->local()->RemoveLeftovers();
    served_.reset();
    std::filesystem::remove_all(root_);
  }
  std::unique_ptr<HostAgent> Connect() {
    Result<std::unique_ptr<HostAgent>> agent = ConnectRemoteAgent(served_->address(), kToken, 5000);
    EXPECT_TRUE(agent.ok()) << agent.status().ToString();
    return agent.ok() ? std::move(*agent) : nullptr;
  }

  std::string root_;
  std::unique_ptr<ServedLocalAgent> served_;
};

TEST_F(RemoteAgentTest, WrongTokenIsRefusedAtConnect) {
  Result<std::unique_ptr<HostAgent>> agent = ConnectRemoteAgent(served_->address(), "not-the-lab-token", 5000);
  ASSERT_FALSE(agent.ok());
  EXPECT_EQ(agent.status().code(), Code::kPermissionDenied);
  EXPECT_NE(agent.status().message().find("agent " + served_->address() + " refused the token"), std::string::npos)
      << agent.status().message();
  EXPECT_NE(agent.status().message().find("not this agent's"), std::string::npos) << agent.status().message();
}

TEST_F(RemoteAgentTest, CallsWithoutTheTokenAreUnauthenticated) {
  auto stub = agent_pb::Agent::NewStub(grpc::CreateChannel(served_->address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  agent_pb::LeftoversReply reply;
  grpc::Status s = stub->RemoveLeftovers(&ctx, agent_pb::Nothing(), &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(s.error_message().find("no 'authorization: Bearer <token>'"), std::string::npos) << s.error_message();
}

TEST_F(RemoteAgentTest, UnreachableAgentIsUnavailableNamingTheAddress) {
  std::string address = served_->address();
  served_.reset();   // nothing listens there any more
  Result<std::unique_ptr<HostAgent>> agent = ConnectRemoteAgent(address, kToken, 500);
  ASSERT_FALSE(agent.ok());
  EXPECT_EQ(agent.status().code(), Code::kUnavailable);
  EXPECT_NE(agent.status().message().find("agent " + address + " is unreachable"), std::string::npos)
      << agent.status().message();
}

TEST_F(RemoteAgentTest, BadAddressIsInvalidArgument) {
  for (const char* address : {"", "127.0.0.1", "127.0.0.1:0", "http://127.0.0.1:7070", "unix:/tmp/x:1"}) {
    Result<std::unique_ptr<HostAgent>> agent = ConnectRemoteAgent(address, kToken, 500);
    ASSERT_FALSE(agent.ok()) << address;
    EXPECT_EQ(agent.status().code(), Code::kInvalidArgument) << address << ": " << agent.status().ToString();
  }
}

TEST_F(RemoteAgentTest, DescribesItselfByAddressAndReportsTheAgentsRoot) {
  std::unique_ptr<HostAgent> agent = Connect();
  ASSERT_NE(agent, nullptr);
  EXPECT_EQ(agent->Describe(), "agent " + served_->address());
  EXPECT_EQ(agent->RootDir(), root_);
}

TEST_F(RemoteAgentTest, ReadTreeReassemblesFilesAboveTheMessageLimitExactly) {
  std::unique_ptr<HostAgent> agent = Connect();
  ASSERT_NE(agent, nullptr);
  // 9 MiB + 3 bytes of noise: more than two 4 MB messages, not a whole number of chunks.
  std::string wal(9 * 1024 * 1024 + 3, '\0');
  std::mt19937 rng(12);
  for (char& c : wal) c = static_cast<char>(rng());
  std::filesystem::create_directories(root_ + "/n1/member/wal");
  std::ofstream(root_ + "/n1/member/wal/0000000000000000-0000000000000000.wal", std::ios::binary) << wal;
  std::ofstream(root_ + "/n1/member/wal/0.tmp", std::ios::binary);   // empty

  Result<std::vector<FileEntry>> tree = agent->ReadTree("n1", root_ + "/n1/member");
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  std::map<std::string, std::string> files;
  for (FileEntry& f : *tree) files[f.path] = std::move(f.bytes);
  ASSERT_EQ(files.size(), 2u);
  ASSERT_EQ(files.count("wal/0000000000000000-0000000000000000.wal"), 1u);
  EXPECT_EQ(files["wal/0000000000000000-0000000000000000.wal"].size(), wal.size());
  EXPECT_TRUE(files["wal/0000000000000000-0000000000000000.wal"] == wal) << "the bytes differ";
  EXPECT_EQ(files["wal/0.tmp"], "");

  // The same file by ReadFile, and written back through WriteFile's chunks.
  Result<std::string> one = agent->ReadFile("n1", root_ + "/n1/member/wal/0000000000000000-0000000000000000.wal");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_TRUE(*one == wal);
  ASSERT_TRUE(agent->WriteFile("n1", root_ + "/n1/copy.wal", wal).ok());
  Result<std::string> local = served_->local()->ReadFile("n1", root_ + "/n1/copy.wal");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_TRUE(*local == wal);
}

TEST_F(RemoteAgentTest, AgentErrorsKeepTheirCodeAndMessage) {
  std::unique_ptr<HostAgent> agent = Connect();
  ASSERT_NE(agent, nullptr);
  for (const std::string& path : {root_ + "/absent", std::string("/etc/passwd")}) {
    Result<std::string> local = served_->local()->ReadFile("n1", path);
    Result<std::string> remote = agent->ReadFile("n1", path);
    ASSERT_FALSE(local.ok()) << path;
    ASSERT_FALSE(remote.ok()) << path;
    EXPECT_EQ(remote.status().code(), local.status().code()) << path;
    EXPECT_EQ(remote.status().message(), local.status().message()) << path;
  }
}

TEST_F(RemoteAgentTest, AnAgentGoneAwayMidSessionNamesItselfAndTheCall) {
  std::unique_ptr<HostAgent> agent = Connect();
  ASSERT_NE(agent, nullptr);
  std::string address = served_->address();
  (void)served_->local()->RemoveLeftovers();
  served_.reset();
  Status s = agent->MakeDirs("n1", root_ + "/x");
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("agent " + address + ", MakeDirs: unreachable"), std::string::npos) << s.message();
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(agent->NextExit(300).has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(290)) << "a poll loop would spin";
}

}  // namespace
}  // namespace raftlab::cluster
