// `raftlab soak` refuses bad input with exit 2 before any lab comes up (no root needed here),
// and documents itself.
#include <gtest/gtest.h>

#include <filesystem>

#include "chaos/fault_plan.h"
#include "common/json_util.h"
#include "driver/cli_test_util.h"

namespace raftlab::driver {
namespace {

const CliForTest Cli(::testing::TempDir() + "/soak-cli-state");

std::string WritePlan(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  EXPECT_TRUE(WriteFileAtomic(path, text).ok());
  return path;
}

TEST(SoakCli, HelpNamesTheFlagsAndExitCodes) {
  CliRan r = Cli({"soak", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"--duration", "--seed", "--plan", "--members", "--out", "--json", "plan.json", "2 bad input"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
}

TEST(SoakCli, BadInputIsExit2BeforeAnyLab) {
  CliRan shortest = Cli({"soak", "--duration", "5s"});
  EXPECT_EQ(shortest.code, 2);
  EXPECT_NE(shortest.err.find("too short"), std::string::npos) << shortest.err;
  EXPECT_EQ(Cli({"soak", "--duration", "soon"}).code, 2);
  EXPECT_EQ(Cli({"soak", "--members", "12"}).code, 2);
  EXPECT_EQ(Cli({"soak", "--rate", "0"}).code, 2);
  CliRan missing = Cli({"soak", "--plan", ::testing::TempDir() + "/no-such-plan.json"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no-such-plan.json"), std::string::npos) << missing.err;
  CliRan bad = Cli({"soak", "--plan", WritePlan("bad-plan.json", R"({"format":"raftlab-fault-plan/1","seed":1,"members":3,
      "duration_ms":30000,"steps":[{"at_ms":1000,"duration_ms":2000,"fault":"flood","target":"leader"}]})")});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("steps[0].fault: unknown fault 'flood'"), std::string::npos) << bad.err;
  Result<chaos::FaultPlan> made = chaos::MakeFaultPlan({.seed = 3, .members = 3, .duration_ms = 60000});
  ASSERT_TRUE(made.ok());
  const std::string good = WritePlan("good-plan.json", chaos::FaultPlanToJson(*made).dump(2));
  CliRan both = Cli({"soak", "--plan", good, "--duration", "1m"});
  EXPECT_EQ(both.code, 2);
  EXPECT_NE(both.err.find("drop --duration"), std::string::npos) << both.err;
  CliRan size = Cli({"soak", "--plan", good, "--members", "5"});
  EXPECT_EQ(size.code, 2);
  EXPECT_NE(size.err.find("made for 3 members"), std::string::npos) << size.err;
}

}  // namespace
}  // namespace raftlab::driver
