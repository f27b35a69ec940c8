// `raftlab check history`: exit codes, text and JSON output, usage errors.
#include "evidence/check_history_cli.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace raftlab::evidence {
namespace {

namespace fs = std::filesystem;

class CheckHistoryCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("check_history_cli_test." + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunCheckHistory(args, out_, err_);
  }

  fs::path dir_;
  std::ostringstream out_, err_;
};

constexpr const char* kGood =
    "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
    "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
    "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 1\t:ok\t:read\t1\n";
constexpr const char* kBad =
    "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
    "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
    "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 1\t:ok\t:read\t2\n";

TEST_F(CheckHistoryCli, LinearizableExitsZero) {
  std::string f = Write("good.log", kGood);
  EXPECT_EQ(Run({f}), 0) << err_.str();
  EXPECT_NE(out_.str().find("(jepsen): LINEARIZABLE"), std::string::npos) << out_.str();
}

TEST_F(CheckHistoryCli, ViolationExitsOneAndNamesTheOp) {
  std::string f = Write("bad.log", kBad);
  EXPECT_EQ(Run({f, "--format", "jepsen"}), 1);
  EXPECT_NE(out_.str().find("NOT LINEARIZABLE"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("client 1 read -> \"2\""), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("bad.log:3"), std::string::npos) << out_.str();
}

TEST_F(CheckHistoryCli, JsonOutput) {
  std::string f = Write("bad.log", kBad);
  EXPECT_EQ(Run({"--json", f}), 1);
  nlohmann::json j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["validity"], "violated");
  EXPECT_EQ(j["format"], "jepsen");
  EXPECT_EQ(j["ops"], 2);
  EXPECT_TRUE(j["evidence"].is_array());
}

TEST_F(CheckHistoryCli, BadInputExitsTwo) {
  std::string f = Write("broken.txt", "{:process 0, :type :invoke, :f :get, :key \"0\"\n");
  EXPECT_EQ(Run({f}), 2);
  EXPECT_NE(err_.str().find("broken.txt:1: unterminated map"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({(dir_ / "missing").string()}), 2);
  EXPECT_EQ(Run({}), 2);
  EXPECT_NE(err_.str().find("usage:"), std::string::npos);
  EXPECT_EQ(Run({f, "--format", "xml"}), 2);
  EXPECT_EQ(Run({f, "--timeout", "-1"}), 2);
  EXPECT_EQ(Run({f, "--bogus"}), 2);
}

TEST_F(CheckHistoryCli, HelpExitsZero) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_NE(out_.str().find("usage: raftlab check history FILE"), std::string::npos);
}

TEST_F(CheckHistoryCli, UnknownExitsThree) {
  // Many concurrent writes (each value twice, so the search and not the unique-value path must
  // judge it) and a read of a value nobody wrote; a tiny memory budget.
  std::string text;
  for (int i = 0; i < 18; ++i) {
    text += "INFO  jepsen.util - " + std::to_string(i) + "\t:invoke\t:write\t" + std::to_string(i % 9) + "\n";
  }
  for (int i = 0; i < 18; ++i) {
    text += "INFO  jepsen.util - " + std::to_string(i) + "\t:ok\t:write\t" + std::to_string(i % 9) + "\n";
  }
  text += "INFO  jepsen.util - 99\t:invoke\t:read\tnil\nINFO  jepsen.util - 99\t:ok\t:read\t77\n";
  std::string f = Write("crowded.log", text);
  EXPECT_EQ(Run({f, "--memory", "0.05"}), 3) << out_.str() << err_.str();
  EXPECT_NE(out_.str().find("UNKNOWN"), std::string::npos) << out_.str();
}

}  // namespace
}  // namespace raftlab::evidence
