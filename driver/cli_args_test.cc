#include "driver/cli_args.h"

#include <gtest/gtest.h>

namespace raftlab::driver {
namespace {

const std::vector<FlagSpec> kSpecs = {{"via", true, ""}, {"json", false, ""}, {"members", true, ""}};

TEST(ParseArgs, FlagsAndPositionals) {
  Result<ParsedArgs> p = ParseArgs({"k", "--via", "n2", "v", "--json", "--members=5"}, kSpecs);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->positional, (std::vector<std::string>{"k", "v"}));
  EXPECT_EQ(p->Get("via"), "n2");
  EXPECT_TRUE(p->Has("json"));
  EXPECT_EQ(*p->GetInt("members", 3), 5);
}

TEST(ParseArgs, RepeatedFlagKeepsEveryValue) {
  Result<ParsedArgs> p = ParseArgs({"--via", "n1", "--via=n2", "--via", "n3"}, kSpecs);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->GetAll("via"), (std::vector<std::string>{"n1", "n2", "n3"}));
  EXPECT_EQ(p->Get("via"), "n3");
  EXPECT_TRUE(p->GetAll("members").empty());
}

TEST(ParseArgs, ErrorsNameTheFlag) {
  Result<ParsedArgs> unknown = ParseArgs({"--bogus"}, kSpecs);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("--bogus"), std::string::npos);
  EXPECT_FALSE(ParseArgs({"--via"}, kSpecs).ok());
  EXPECT_FALSE(ParseArgs({"--json=1"}, kSpecs).ok());
  Result<ParsedArgs> bad_int = ParseArgs({"--members", "three"}, kSpecs);
  ASSERT_TRUE(bad_int.ok());
  EXPECT_FALSE(bad_int->GetInt("members", 3).ok());
}

TEST(ParseDurationMs, Units) {
  EXPECT_EQ(*ParseDurationMs("80ms"), 80);
  EXPECT_EQ(*ParseDurationMs("1.5s"), 1500);
  EXPECT_EQ(*ParseDurationMs("250"), 250);
  EXPECT_EQ(*ParseDurationMs("5m"), 300000);
  EXPECT_EQ(*ParseDurationMs("1.5min"), 90000);
  EXPECT_FALSE(ParseDurationMs("fast").ok());
  EXPECT_FALSE(ParseDurationMs("10h").ok());
}

}  // namespace
}  // namespace raftlab::driver
