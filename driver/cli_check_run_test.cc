// `raftlab check run` through the CLI's command table: the flags reach the checker (a table
// that did not list --require once refused it before the checker saw it).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "driver/cli_test_util.h"

namespace raftlab::driver {
namespace {

const CliForTest Cli("/tmp/cli_check_run_test_no_daemon");

// A run folder whose journal holds no event at all.
std::string EmptyRunDir() {
  const std::string dir = (std::filesystem::temp_directory_path() / "cli_check_run_test_run").string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/journal.jsonl", std::ios::trunc).flush();
  return dir;
}

TEST(CliCheckRun, RequireReachesThePolicy) {
  const std::string dir = EmptyRunDir();
  CliRan r = Cli({"check", "run", dir, "--require", "durability"});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("required (--require): durability"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NOT EARNED"), std::string::npos) << r.out;
}

TEST(CliCheckRun, BadRequireIsAUsageError) {
  CliRan r = Cli({"check", "run", EmptyRunDir(), "--require", "nosuch"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown checker \"nosuch\""), std::string::npos) << r.err;
}

TEST(CliCheckRun, HelpNamesRequire) {
  CliRan r = Cli({"check", "run", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--require"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace raftlab::driver
