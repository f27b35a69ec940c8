#include <gtest/gtest.h>

#include <set>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

TEST(Checkers, RegistryNamesAreUniqueAndComplete) {
  std::set<std::string> names;
  for (const CheckerInfo& c : AllCheckers()) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    EXPECT_NE(c.fn, nullptr);
    EXPECT_NE(std::string(c.property), "");
  }
  EXPECT_EQ(names, (std::set<std::string>{"election_safety", "term_monotonic", "commit_quorum",
                                          "log_matching", "state_machine_safety", "durability",
                                          "membership", "linearizability"}));
}

TEST(Checkers, AllPassOnAHealthyRun) {
  std::vector<Verdict> verdicts = RunAllCheckers(GoodRun());
  ASSERT_EQ(verdicts.size(), AllCheckers().size());
  for (size_t i = 0; i < verdicts.size(); ++i) {
    EXPECT_EQ(verdicts[i].checker, AllCheckers()[i].name);
    EXPECT_EQ(verdicts[i].validity, Validity::kOk) << verdicts[i].checker << "\n"
                                                   << Dump(verdicts[i]);
    EXPECT_FALSE(verdicts[i].evidence.empty()) << verdicts[i].checker;
  }
  EXPECT_EQ(Overall(verdicts), Validity::kOk);
}

TEST(Checkers, OverallIsWorstWins) {
  Verdict ok, unknown, bad;
  unknown.validity = Validity::kUnknown;
  bad.validity = Validity::kViolated;
  EXPECT_EQ(Overall({}), Validity::kOk);
  EXPECT_EQ(Overall({ok, unknown}), Validity::kUnknown);
  EXPECT_EQ(Overall({unknown, bad, ok}), Validity::kViolated);
}

TEST(Checkers, AnEmptyRunIsNeverOk) {
  for (const Verdict& v : RunAllCheckers(evidence::Run{})) {
    EXPECT_NE(v.validity, Validity::kOk) << v.checker << "\n" << Dump(v);
  }
}

}  // namespace
}  // namespace raftlab::evidence
