// The scenario policy on fake verdict sets: which verdicts must be earned, and the exit codes
// `scenario run`, `lab` and `check run` share.
#include "evidence/verdict_policy.h"

#include <gtest/gtest.h>

namespace raftlab::evidence {
namespace {

Verdict V(const std::string& checker, Validity validity, uint64_t judged = 0, uint64_t of = 0) {
  Verdict v;
  v.checker = checker;
  v.validity = validity;
  v.judged = judged;
  v.of = of;
  v.unit = "things";
  return v;
}

const std::vector<std::string> kKnown = {"durability", "commit_quorum", "membership", "log_matching"};

TEST(VerdictPolicy, AllRequiredOkPasses) {
  auto req = ParseRequirements("durability:all,commit_quorum:5", kKnown);
  ASSERT_TRUE(req.ok());
  PolicyResult r = ApplyPolicy({V("durability", Validity::kOk, 7, 7), V("commit_quorum", Validity::kOk, 5)}, *req);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.passed);
  EXPECT_TRUE(r.standings[0].earned);
  EXPECT_TRUE(r.standings[1].earned);
}

TEST(VerdictPolicy, RequiredUnknownExits3) {
  auto req = ParseRequirements("durability", kKnown);
  ASSERT_TRUE(req.ok());
  PolicyResult r = ApplyPolicy({V("durability", Validity::kUnknown)}, *req);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.standings[0].shortfall, "required, but unknown");
}

TEST(VerdictPolicy, RequiredNotApplicableExits3) {
  auto req = ParseRequirements("membership", kKnown);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(ApplyPolicy({V("membership", Validity::kNotApplicable)}, *req).exit_code, 3);
}

TEST(VerdictPolicy, RequiredViolatedExits1) {
  auto req = ParseRequirements("durability,commit_quorum", kKnown);
  ASSERT_TRUE(req.ok());
  PolicyResult r = ApplyPolicy({V("durability", Validity::kViolated, 3, 3), V("commit_quorum", Validity::kUnknown)}, *req);
  EXPECT_EQ(r.exit_code, 1);   // a violation outranks the unearned verdict
}

TEST(VerdictPolicy, InformativeUnknownStillPasses) {
  auto req = ParseRequirements("durability", kKnown);
  ASSERT_TRUE(req.ok());
  PolicyResult r = ApplyPolicy({V("durability", Validity::kOk, 2, 2), V("membership", Validity::kUnknown),
                                V("log_matching", Validity::kNotApplicable)},
                               *req);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.standings[1].required);
  EXPECT_EQ(r.summary, "1 required: 1 earned; 2 informative (1 not_applicable, 1 unknown)");
}

TEST(VerdictPolicy, InformativeViolationFails) {
  PolicyResult r = ApplyPolicy({V("membership", Validity::kViolated, 1)}, {});
  EXPECT_EQ(r.exit_code, 1);
}

TEST(VerdictPolicy, OkBelowTheMinimumIsNotEarned) {
  auto req = ParseRequirements("commit_quorum:5,durability:all", kKnown);
  ASSERT_TRUE(req.ok());
  PolicyResult r = ApplyPolicy({V("commit_quorum", Validity::kOk, 2, 9), V("durability", Validity::kOk, 6, 7)}, *req);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.standings[0].shortfall, "required at least 5, judged 2 of 9 things");
  EXPECT_EQ(r.standings[1].shortfall, "required every instance, judged 6 of 7 things");
}

TEST(VerdictPolicy, RequiredCheckerThatNeverRanIsNotEarned) {
  auto req = ParseRequirements("durability", kKnown);
  ASSERT_TRUE(req.ok());
  PolicyResult r = ApplyPolicy({V("membership", Validity::kOk, 1)}, *req);
  EXPECT_EQ(r.exit_code, 3);
  ASSERT_EQ(r.missing.size(), 1u);
  EXPECT_EQ(r.missing[0], "durability");
}

TEST(VerdictPolicy, ParseRejectsBadItems) {
  EXPECT_FALSE(ParseRequirements("", kKnown).ok());
  EXPECT_FALSE(ParseRequirements("durability,", kKnown).ok());
  EXPECT_FALSE(ParseRequirements("durabilty", kKnown).ok());
  EXPECT_FALSE(ParseRequirements("durability:0", kKnown).ok());
  EXPECT_FALSE(ParseRequirements("durability:x", kKnown).ok());
  EXPECT_FALSE(ParseRequirements("durability,durability", kKnown).ok());
  auto bad = ParseRequirements("nosuch", kKnown);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown checker \"nosuch\""), std::string::npos);
}

TEST(VerdictPolicy, FormatRoundTrips) {
  auto req = ParseRequirements("durability:all,commit_quorum:5,log_matching", kKnown);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(FormatRequirements(*req), "durability:all,commit_quorum:5,log_matching");
}

}  // namespace
}  // namespace raftlab::evidence
