// DelayControl: parsing of the control file and live re-reading when it changes.
#include "chaos/slowfs/delay_control.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace raftlab::chaos {
namespace {

TEST(ParseDelayMsTest, AcceptsDecimalMilliseconds) {
  EXPECT_EQ(*ParseDelayMs("1500\n"), 1500);
  EXPECT_EQ(*ParseDelayMs("  42 "), 42);
  EXPECT_EQ(*ParseDelayMs("0"), 0);
  EXPECT_EQ(*ParseDelayMs(""), 0);
  EXPECT_EQ(*ParseDelayMs("\n", 50), 50);
}

TEST(ParseDelayMsTest, RejectsAnythingElse) {
  for (const char* bad : {"-5", "1.5", "12ms", "abc", "1 2", "999999999999999"}) {
    Result<int64_t> r = ParseDelayMs(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad;
  }
}

class DelayControlFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rl-delayctl-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/delay";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& text) { std::ofstream(path_, std::ios::trunc) << text; }
  std::string dir_, path_;
};

TEST_F(DelayControlFileTest, MissingMeansDefaultAndChangesAreSeen) {
  DelayControl c(path_, 7);
  EXPECT_EQ(c.CurrentMs(), 7);
  Write("1500\n");
  EXPECT_EQ(c.CurrentMs(), 1500);
  EXPECT_EQ(c.CurrentMs(), 1500);
  Write("20\n");  // size differs: seen even within one mtime tick
  EXPECT_EQ(c.CurrentMs(), 20);
  Write("");
  EXPECT_EQ(c.CurrentMs(), 7);
  Write("oops");  // junk keeps the last good value
  EXPECT_EQ(c.CurrentMs(), 7);
  Write("300");
  EXPECT_EQ(c.CurrentMs(), 300);
  unlink(path_.c_str());
  EXPECT_EQ(c.CurrentMs(), 7);
}

TEST_F(DelayControlFileTest, EmptyPathIsFixed) {
  DelayControl c("", 50);
  EXPECT_EQ(c.CurrentMs(), 50);
}

}  // namespace
}  // namespace raftlab::chaos
