// `raftlab restart` flags: --help names the timing flags, and a bad value is a usage error
// (exit 2) naming the flag, found before raftlabd is asked anything (no raftlabd here).
#include <gtest/gtest.h>


#include "driver/cli_test_util.h"

namespace raftlab::driver {
namespace {

const CliForTest Cli("/tmp/cli_restart_test_no_daemon");

TEST(CliRestart, HelpListsTheTimingFlags) {
  CliRan r = Cli({"restart", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* f : {"--wal-dir", "--election-ms", "--heartbeat-ms", "election >= 5 x heartbeat"})
    EXPECT_NE(r.out.find(f), std::string::npos) << f << "\n" << r.out;
}

TEST(CliRestart, BadTimingIsAUsageError) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"restart", "n1", "--election-ms", "slow"}, "--election-ms"},
      {{"restart", "n1", "--election-ms", "-5"}, "--election-ms"},
      {{"restart", "n1", "--heartbeat-ms", "1.5"}, "--heartbeat-ms"},
      {{"restart", "n1", "--election-ms", "60000"}, "50000"},
  };
  for (const auto& [args, named] : cases) {
    CliRan r = Cli(args);
    EXPECT_EQ(r.code, 2) << args[2] << " " << args[3] << ": " << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
  }
  // A good value gets as far as asking raftlabd (none here: exit 1, not a usage error).
  EXPECT_EQ(Cli({"restart", "n1", "--election-ms", "5000"}).code, 1);
}

}  // namespace
}  // namespace raftlab::driver
