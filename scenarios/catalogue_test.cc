// The catalogue's declarations: every scenario names the verdicts it must earn, and each
// requirement names a real checker with a sane minimum.
#include <gtest/gtest.h>

#include "evidence/checkers.h"
#include "evidence/verdict_policy.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {
namespace {

TEST(Catalogue, EveryScenarioDeclaresParseableRequirements) {
  for (const ScenarioInfo& s : Catalogue()) {
    ASSERT_FALSE(s.required.empty()) << s.name << " declares no required verdicts";
    auto parsed = evidence::ParseRequirements(s.required, evidence::CheckerNames());
    ASSERT_TRUE(parsed.ok()) << s.name << ": " << parsed.status().message();
    EXPECT_GE(parsed->size(), 5u) << s.name;
    bool durability_all = false;
    for (const auto& r : *parsed) durability_all = durability_all || (r.checker == "durability" && r.all);
    EXPECT_TRUE(durability_all) << s.name << ": every scenario writes, so every acked put must be judged";
    for (const LabSpec& c : s.cases) {
      if (c.required.empty()) continue;
      auto own = evidence::ParseRequirements(c.required, evidence::CheckerNames());
      EXPECT_TRUE(own.ok()) << s.name << " case " << c.run_name << ": " << own.status().message();
    }
  }
}

TEST(Catalogue, PrevoteOffCaseRequiresTwoElections) {
  const ScenarioInfo* s = FindScenario("prevote");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->cases.size(), 2u);
  EXPECT_FALSE(s->cases[0].pre_vote);
  EXPECT_TRUE(s->cases[1].pre_vote);
  EXPECT_NE(s->cases[0].required.find("election_safety:2"), std::string::npos);
}

TEST(Catalogue, MembershipRequiresEveryConfChange) {
  const ScenarioInfo* s = FindScenario("membership");
  ASSERT_NE(s, nullptr);
  auto parsed = evidence::ParseRequirements(s->required, evidence::CheckerNames());
  ASSERT_TRUE(parsed.ok());
  bool all = false;
  for (const auto& r : *parsed) all = all || (r.checker == "membership" && r.all);
  EXPECT_TRUE(all);
}

}  // namespace
}  // namespace raftlab::scenarios
