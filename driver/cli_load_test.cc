// `raftlab load` flags: --help, and every bad flag is a usage error (exit 2) naming the flag,
// found before raftlabd is asked anything (the state dir here has no raftlabd).
#include <gtest/gtest.h>


#include "driver/cli_test_util.h"

namespace raftlab::driver {
namespace {

const CliForTest Cli("/tmp/cli_load_test_no_daemon");

TEST(CliLoad, HelpListsTheFlags) {
  CliRan r = Cli({"load", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* f : {"--rate", "--read-ratio", "--read-path", "--duration", "--via", "--keys", "--json", "--in-flight"})
    EXPECT_NE(r.out.find(f), std::string::npos) << f << "\n" << r.out;
  CliRan all = Cli({"--help"});
  EXPECT_NE(all.out.find("load"), std::string::npos);
}

TEST(CliLoad, BadFlagsAreUsageErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"load", "--rate", "fast"}, "--rate"},
      {{"load", "--rate", "0"}, "--rate"},
      {{"load", "--rate", "-5"}, "--rate"},
      {{"load", "--read-ratio", "1.5"}, "--read-ratio"},
      {{"load", "--read-ratio", "x"}, "--read-ratio"},
      {{"load", "--read-path", "lease"}, "lease"},
      {{"load", "--read-path", ","}, "--read-path"},
      {{"load", "--duration", "soon"}, "--duration"},
      {{"load", "--duration", "10ms"}, "--duration"},
      {{"load", "--keys", "0"}, "--keys"},
      {{"load", "--keys", "-3"}, "--keys"},
      {{"load", "--channels", "100"}, "--channels"},
      {{"load", "--timeout", "2h"}, "--timeout"},
      {{"load", "--rate", "10", "--in-flight", "4"}, "exclude"},
      {{"load", "--in-flight", "0"}, "--in-flight"},
      {{"load", "--nonesuch"}, "--nonesuch"},
      {{"load", "extra"}, "expected"},
  };
  for (const auto& [args, says] : cases) {
    CliRan r = Cli(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.code, 2) << joined << "\n" << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << joined << ": " << r.err;
  }
}

TEST(CliLoad, GoodFlagsWithoutALabSayWhatIsMissing) {
  CliRan r = Cli({"load", "--rate", "2000", "--read-ratio", "0.9", "--read-path", "linearizable,log", "--duration", "10s",
               "--via", "n2", "--keys", "100", "--json"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("raftlab load"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace raftlab::driver
