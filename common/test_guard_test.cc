// The skip guard itself: it skips outside CI, fails under CI=true, and does nothing when nothing
// is missing; SharedTestdataDir names what is missing. Results are intercepted with gtest's
// ScopedFakeTestPartResultReporter so these tests themselves pass.
#include "common/test_guard.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace raftlab::testguard {
namespace {

// Sets (or unsets, for nullopt) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) setenv(name, value->c_str(), 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

void GuardOn(const std::string& missing) { RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing); }

// The test-part results the guard produced for `missing`.
std::vector<::testing::TestPartResult> ResultsOf(const std::string& missing) {
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    GuardOn(missing);
  }
  std::vector<::testing::TestPartResult> out;
  for (int i = 0; i < results.size(); ++i) out.push_back(results.GetTestPartResult(i));
  return out;
}

TEST(TestGuard, SkipsOutsideCiWithTheMessage) {
  ScopedEnv ci("CI", std::nullopt);
  std::vector<::testing::TestPartResult> r = ResultsOf("gnuplot is not installed");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].skipped());
  EXPECT_NE(std::string(r[0].message()).find("gnuplot is not installed"), std::string::npos);
}

TEST(TestGuard, CiOtherThanTrueStillSkips) {
  ScopedEnv ci("CI", "1");
  std::vector<::testing::TestPartResult> r = ResultsOf("no etcd");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].skipped());
}

TEST(TestGuard, FailsUnderCiTrue) {
  ScopedEnv ci("CI", "true");
  std::vector<::testing::TestPartResult> r = ResultsOf("no etcd");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].fatally_failed());
  std::string message = r[0].message();
  EXPECT_NE(message.find("CI=true"), std::string::npos) << message;
  EXPECT_NE(message.find("no etcd"), std::string::npos) << message;
}

TEST(TestGuard, NothingMissingDoesNothingEvenUnderCi) {
  ScopedEnv ci("CI", "true");
  EXPECT_TRUE(ResultsOf("").empty());
}

TEST(SharedTestdataDir, FreshCloneWithoutSharedNamesWhatIsMissingAndWhere) {
  ScopedEnv over("RAFTLAB_TESTGUARD_DIR", std::nullopt);
  ScopedEnv src("RAFTLAB_SOURCE_DIR", "/nonexistent/raftlab-clone");
  std::string missing;
  std::string dir = SharedTestdataDir("porcupine", "RAFTLAB_TESTGUARD_DIR", &missing);
  EXPECT_EQ(dir, "/nonexistent/shared/testdata/porcupine");
  EXPECT_NE(missing.find("/nonexistent/shared/testdata/porcupine"), std::string::npos) << missing;
  EXPECT_NE(missing.find("../shared"), std::string::npos) << missing;
  EXPECT_NE(missing.find("RAFTLAB_TESTGUARD_DIR"), std::string::npos) << missing;
}

TEST(SharedTestdataDir, NoSourceDirAndNoOverrideIsMissing) {
  ScopedEnv over("RAFTLAB_TESTGUARD_DIR", std::nullopt);
  ScopedEnv src("RAFTLAB_SOURCE_DIR", std::nullopt);
  std::string missing;
  EXPECT_EQ(SharedTestdataDir("porcupine", "RAFTLAB_TESTGUARD_DIR", &missing), "");
  EXPECT_NE(missing.find("ctest"), std::string::npos) << missing;
}

TEST(SharedTestdataDir, OverrideWinsAndAnExistingDirIsNotMissing) {
  std::string tmp = std::filesystem::temp_directory_path().string();
  ScopedEnv over("RAFTLAB_TESTGUARD_DIR", tmp);
  ScopedEnv src("RAFTLAB_SOURCE_DIR", "/nonexistent/raftlab-clone");
  std::string missing = "stale";
  EXPECT_EQ(SharedTestdataDir("porcupine", "RAFTLAB_TESTGUARD_DIR", &missing), tmp);
  EXPECT_EQ(missing, "");
}

}  // namespace
}  // namespace raftlab::testguard
