// raftlab-agent's command line and token file: where it may listen, what it refuses.
#include "cluster/agent_flags.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "cluster/agent_token.h"

namespace raftlab::cluster {
namespace {

Result<AgentFlags> Parse(std::vector<std::string> args) { return ParseAgentFlags(args); }

TEST(AgentFlags, LoopbackListenWithDefaults) {
  Result<AgentFlags> f = Parse({"--listen", "127.99.0.21:7070", "--token-file", "/t"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->listen_ip, "127.99.0.21");
  EXPECT_EQ(f->port, 7070);
  EXPECT_EQ(f->host_ip, "127.99.0.21");
  EXPECT_EQ(f->state_dir, "/var/lib/raftlab-agent");
  EXPECT_FALSE(f->host_network);
}

TEST(AgentFlags, WildcardsRefusedEvenWithAllowRemote) {
  for (const char* listen : {"0.0.0.0:7070", "[::]:7070"}) {
    Result<AgentFlags> f = Parse({"--listen", listen, "--token-file", "/t", "--allow-remote"});
    ASSERT_FALSE(f.ok()) << listen;
    EXPECT_NE(f.status().message().find("every address"), std::string::npos) << f.status().message();
  }
}

TEST(AgentFlags, NonLoopbackNeedsAllowRemote) {
  Result<AgentFlags> f = Parse({"--listen", "10.0.0.5:7070", "--token-file", "/t"});
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("--allow-remote"), std::string::npos) << f.status().message();
  EXPECT_TRUE(Parse({"--listen", "10.0.0.5:7070", "--token-file", "/t", "--allow-remote"}).ok());
  EXPECT_FALSE(Parse({"--listen", "[::1]:7070", "--token-file", "/t"}).ok());
  EXPECT_TRUE(Parse({"--listen", "[fd00::1]:7070", "--token-file", "/t", "--allow-remote"}).ok());
}

TEST(AgentFlags, BadInputNamesTheProblem) {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {{"--token-file", "/t"}, "--listen ADDR:PORT is required"},
           {{"--listen", "127.0.0.1:7070"}, "--token-file F is required"},
           {{"--listen", "localhost:7070", "--token-file", "/t"}, "not a numeric IPv4 address"},
           {{"--listen", "127.0.0.1", "--token-file", "/t"}, "no ADDR:PORT"},
           {{"--listen", "127.0.0.1:0", "--token-file", "/t"}, "port is not a number from 1 to 65535"},
           {{"--listen", "127.0.0.1:70000", "--token-file", "/t"}, "port is not a number"},
           {{"--listen", "127.0.0.1:7070", "--token-file", "/t", "--state-dir", "rel"}, "absolute path"},
           {{"--listen", "127.0.0.1:7070", "--token-file", "/t", "--host-ip", "h1"}, "--host-ip 'h1'"},
           {{"--listen", "127.0.0.1:7070", "--token-file"}, "--token-file needs a value"},
           {{"--listen", "127.0.0.1:7070", "--token-file", "/t", "--bogus"}, "unknown argument '--bogus'"},
       }) {
    Result<AgentFlags> f = Parse(c.args);
    ASSERT_FALSE(f.ok()) << c.expect;
    EXPECT_EQ(f.status().code(), Code::kInvalidArgument);
    EXPECT_NE(f.status().message().find(c.expect), std::string::npos) << f.status().message();
  }
}

TEST(AgentFlags, HelpWinsOverMissingFlags) {
  Result<AgentFlags> f = Parse({"--help"});
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->help);
  EXPECT_NE(AgentUsage().find("--allow-remote"), std::string::npos);
}

class TokenFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("agent-token-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& bytes, mode_t mode) {
    std::string path = (dir_ / "token").string();
    std::ofstream(path, std::ios::trunc) << bytes;
    chmod(path.c_str(), mode);
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(TokenFileTest, OwnerOnlyTokenIsReadTrimmed) {
  Result<std::string> t = ReadTokenFile(Write("s3cret-lab-token\n", 0600));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, "s3cret-lab-token");
}

TEST_F(TokenFileTest, GroupOrWorldAccessIsRefusedWithTheMode) {
  for (mode_t mode : {0640, 0604, 0620}) {
    Result<std::string> t = ReadTokenFile(Write("tok", mode));
    ASSERT_FALSE(t.ok()) << std::oct << mode;
    EXPECT_EQ(t.status().code(), Code::kPermissionDenied);
    EXPECT_NE(t.status().message().find("chmod 600"), std::string::npos) << t.status().message();
  }
}

TEST_F(TokenFileTest, EmptyOrMissingIsRefused) {
  Result<std::string> empty = ReadTokenFile(Write(" \n", 0600));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("is empty"), std::string::npos) << empty.status().message();
  Result<std::string> missing = ReadTokenFile((dir_ / "absent").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("No such file"), std::string::npos) << missing.status().message();
}

TEST(TokensEqual, ComparesWholeTokens) {
  EXPECT_TRUE(TokensEqual("abc", "abc"));
  EXPECT_FALSE(TokensEqual("abd", "abc"));
  EXPECT_FALSE(TokensEqual("ab", "abc"));
  EXPECT_FALSE(TokensEqual("abcabc", "abc"));   // a prefix repeated is not the token
  EXPECT_FALSE(TokensEqual("", "abc"));
}

}  // namespace
}  // namespace raftlab::cluster
