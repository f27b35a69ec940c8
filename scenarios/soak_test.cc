// The soak's pure pieces: what it requires of a plan, and the failing operations it finds in a
// linearizability verdict to place the members' log lines.
#include "scenarios/soak.h"

#include <gtest/gtest.h>

#include "evidence/checkers.h"
#include "evidence/verdict_policy.h"

namespace raftlab::scenarios {
namespace {

TEST(Soak, RequiresMembershipOnlyWhenThePlanChangesIt) {
  Result<chaos::FaultPlan> with = chaos::MakeFaultPlan(SoakPlanOptions(7, 3, 60000));
  ASSERT_TRUE(with.ok());
  ASSERT_GE(chaos::MemberChanges(*with), 1);
  EXPECT_NE(SoakRequired(*with).find("membership:all"), std::string::npos);
  EXPECT_NE(SoakRequired(*with).find("linearizability"), std::string::npos);
  chaos::FaultPlan without = *with;
  std::erase_if(without.steps, [](const chaos::PlanStep& s) { return s.fault == chaos::PlanFault::kMemberChange; });
  EXPECT_EQ(SoakRequired(without).find("membership"), std::string::npos);
  for (const auto& spec : {SoakRequired(*with), SoakRequired(without)})
    EXPECT_TRUE(evidence::ParseRequirements(spec, evidence::CheckerNames()).ok()) << spec;
}

TEST(Soak, TheCatalogueSoakRequiresEveryCheckerAndIsEarnedByItsPlans) {
  const ScenarioInfo* s = FindScenario("soak");
  ASSERT_NE(s, nullptr);
  Result<std::vector<evidence::Requirement>> parsed = evidence::ParseRequirements(s->required, evidence::CheckerNames());
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  std::set<std::string> named;
  for (const auto& r : *parsed) named.insert(r.checker);
  // Every checker `check run` requires by default (the message-level ones are informative so far).
  for (const evidence::CheckerInfo& c : evidence::AllCheckers())
    if (c.required_by_default) EXPECT_TRUE(named.count(c.name)) << c.name;
  // The spec is static; every seed's plan for the catalogue's lab holds the member change it needs.
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    Result<chaos::FaultPlan> p = chaos::MakeFaultPlan(SoakPlanOptions(seed, s->cases.front().members, 60000));
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_EQ(SoakRequired(*p), s->required) << seed;
  }
}

TEST(Soak, FindsTheOpsOfTheFailingSubHistory) {
  const std::vector<std::string> evidence = {
      "judged 40 of 41 operations on 2 keys: decided 2 keys by the unique-value path, 0 by search",
      "key soak/k3: not linearizable: a read of c7-12 before c7-12 was written",
      "  minimal failing sub-history of key soak/k3: 2 of 17 operations; without any one of them ...:",
      "    client 7 put soak/k3 c7-12 -> ok  (call 100, ret 200) op 31",
      "    client 9 get soak/k3 -> c7-12  (call 50, ret 90) op 28",
      "key soak/k4: op 99 is not part of it",
  };
  EXPECT_EQ(FailingSubHistoryOpIds(evidence), (std::vector<int64_t>{31, 28}));
  EXPECT_TRUE(FailingSubHistoryOpIds({"judged 3 of 3 operations: ok"}).empty());
}

// The same on the checker's own words: a read that misses a write acknowledged before it began.
TEST(Soak, FindsTheOpsOfARealViolation) {
  evidence::Run run;
  auto op = [&](int64_t id, int64_t client, const std::string& f, const std::string& value, bool found, int64_t from_ms,
                int64_t to_ms) {
    evidence::ClientOp o;
    o.op_id = id;
    o.client = client;
    o.f = f;
    o.key = "soak/k1";
    o.value = value;
    o.found = found;
    o.via = "n1";
    o.invoke_ns = from_ms * 1'000'000;
    o.complete_ns = to_ms * 1'000'000;
    o.outcome = evidence::OpOutcome::kOk;
    run.ops.push_back(o);
  };
  op(11, 1, "put", "c1-1", false, 0, 10);
  op(12, 2, "get", "c1-1", true, 12, 14);
  op(13, 3, "put", "c3-1", false, 20, 30);
  op(14, 2, "get", "", false, 40, 50);   // the key reads as absent after two acknowledged puts
  evidence::Verdict v = evidence::CheckLinearizable(run);
  ASSERT_EQ(v.validity, evidence::Validity::kViolated);
  std::vector<int64_t> ids = FailingSubHistoryOpIds(v.evidence);
  std::string text;
  for (const auto& line : v.evidence) text += line + "\n";
  ASSERT_FALSE(ids.empty()) << text;
  EXPECT_NE(std::find(ids.begin(), ids.end(), 14), ids.end()) << text;
  for (int64_t id : ids) EXPECT_TRUE(id >= 11 && id <= 14) << id << "\n" << text;
}

}  // namespace
}  // namespace raftlab::scenarios
