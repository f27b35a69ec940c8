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
                                          "membership", "linearizability", "msg_commit_rule", "msg_votes",
                                          "msg_prevote", "msg_snapshot_conf", "msg_durable_copies"}));
}

TEST(Checkers, AllPassOnAHealthyRun) {
  std::vector<Verdict> verdicts = RunAllCheckers(GoodRun());
  ASSERT_EQ(verdicts.size(), AllCheckers().size());
  for (size_t i = 0; i < verdicts.size(); ++i) {
    EXPECT_EQ(verdicts[i].checker, AllCheckers()[i].name);
    // The healthy run changes no membership: that property is not exercised, so not judged. It
    // has no messages.jsonl: the message-level checkers cannot judge.
    const bool message_level = verdicts[i].checker.rfind("msg_", 0) == 0;
    const Validity want = verdicts[i].checker == "membership" ? Validity::kNotApplicable
                          : message_level                     ? Validity::kUnknown
                                                              : Validity::kOk;
    EXPECT_EQ(verdicts[i].validity, want) << verdicts[i].checker << "\n" << Dump(verdicts[i]);
    if (want == Validity::kOk) EXPECT_GE(verdicts[i].judged, 1u) << verdicts[i].checker;
    EXPECT_FALSE(verdicts[i].evidence.empty()) << verdicts[i].checker;
  }
  EXPECT_EQ(Overall(verdicts), Validity::kUnknown);   // the message-level checkers' unknown
}

TEST(Checkers, OkThatJudgedNothingIsNotEarned) {
  static const std::vector<CheckerInfo> kLiar = {
      {"liar", "says ok on nothing", [](const evidence::Run&) {
         Verdict v;
         v.validity = Validity::kOk;
         return v;
       }}};
  std::vector<Verdict> verdicts = RunCheckers(GoodRun(), kLiar);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].validity, Validity::kUnknown);
  EXPECT_TRUE(Mentions(verdicts[0], "said ok but counted no judged instance")) << Dump(verdicts[0]);
}

TEST(Checkers, OverallIsWorstWins) {
  Verdict ok, unknown, bad;
  ok.validity = Validity::kOk;
  unknown.validity = Validity::kUnknown;
  bad.validity = Validity::kViolated;
  Verdict na;
  na.validity = Validity::kNotApplicable;
  EXPECT_EQ(Overall({}), Validity::kNotApplicable);
  EXPECT_EQ(Overall({na, na}), Validity::kNotApplicable);
  EXPECT_EQ(Overall({na, ok}), Validity::kOk);
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
