// `raftlab check run` through the CLI's command table: the flags reach the checker (a table
// that did not list --require once refused it before the checker saw it).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/cli.h"

namespace raftlab::driver {
namespace {

struct Ran {
  int code;
  std::string out, err;
};

Ran Cli(std::vector<std::string> args) {
  args.insert(args.begin(), {"--state-dir", "/tmp/cli_check_run_test_no_daemon"});
  std::ostringstream out, err;
  int code = RunCli(args, out, err);
  return {code, out.str(), err.str()};
}

// A run folder whose journal holds no event at all.
std::string EmptyRunDir() {
  const std::string dir = (std::filesystem::temp_directory_path() / "cli_check_run_test_run").string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/journal.jsonl", std::ios::trunc).flush();
  return dir;
}

TEST(CliCheckRun, RequireReachesThePolicy) {
  const std::string dir = EmptyRunDir();
  Ran r = Cli({"check", "run", dir, "--require", "durability"});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("required (--require): durability"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NOT EARNED"), std::string::npos) << r.out;
}

TEST(CliCheckRun, BadRequireIsAUsageError) {
  Ran r = Cli({"check", "run", EmptyRunDir(), "--require", "nosuch"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown checker \"nosuch\""), std::string::npos) << r.err;
}

TEST(CliCheckRun, HelpNamesRequire) {
  Ran r = Cli({"check", "run", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--require"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace raftlab::driver
