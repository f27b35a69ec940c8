#include <gtest/gtest.h>

#include "evidence/check_test_util.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

MembershipRecord Members(int64_t ms, std::vector<std::string> voters,
                         std::vector<std::string> learners = {}) {
  MembershipRecord m;
  m.mono_ns = Ms(ms);
  m.voters = std::move(voters);
  m.learners = std::move(learners);
  return m;
}

TEST(Membership, OneVoterAtATimePasses) {
  evidence::Run run = GoodRun();
  run.memberships = {Members(0, {"n1", "n2", "n3"}), Members(1000, {"n1", "n2", "n3"}, {"n4"}),
                     Members(2000, {"n1", "n2", "n3", "n4"}),
                     Members(3000, {"n1", "n2", "n3", "n4", "n5"}),
                     Members(4000, {"n1", "n2", "n3", "n4"})};
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "initial at t=0.000s: {n1,n2,n3} (3 voters, quorum 2, tolerates 1 "
                          "failures)"))
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "step 1 at t=1.000s: voters unchanged (learners n4)")) << Dump(v);
  EXPECT_TRUE(Mentions(v, "step 2 at t=2.000s: +n4 -> {n1,n2,n3,n4} (4 voters, quorum 3, "
                          "tolerates 1 failures); overlap 2 + 3 > |old ∪ new| = 4"))
      << Dump(v);
  EXPECT_TRUE(Mentions(v, "step 4 at t=4.000s: -n5 -> {n1,n2,n3,n4}")) << Dump(v);
}

TEST(Membership, JumpOfTwoVotersFails) {
  evidence::Run run = GoodRun();
  run.memberships = {Members(0, {"n1", "n2", "n3"}),
                     Members(1000, {"n1", "n2", "n3", "n4", "n5"})};
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kViolated) << Dump(v);
  EXPECT_TRUE(Mentions(v, "step 1 at t=1.000s: +n4 +n5 -> {n1,n2,n3,n4,n5} (5 voters, quorum 3, "
                          "tolerates 2 failures); overlap 2 + 3 <= |old ∪ new| = 5: 2 voters "
                          "changed at once, from {n1,n2,n3}; majorities of old and new can be "
                          "disjoint"))
      << Dump(v);
}

TEST(Membership, WalConfChangesAreListed) {
  evidence::Run run = GoodRun();
  LogEntry cc = Entry(5, 2, "conf_change");
  cc.type = EntryType::kConfChange;
  cc.request.conf_type = "AddLearnerNode";
  cc.request.conf_name = "n4";
  cc.request.conf_is_learner = true;
  run.logs["n1"].entries.push_back(cc);
  run.logs["n1"].hard_states.push_back({2, kN1, 5});
  Verdict v = CheckMembership(run);
  EXPECT_EQ(v.validity, Validity::kOk) << Dump(v);
  EXPECT_TRUE(Mentions(v, "WAL n1 index 5 term 2: AddLearnerNode n4 (learner)")) << Dump(v);
}

TEST(Membership, NoRecordsIsUnknown) {
  evidence::Run run = GoodRun();
  run.memberships.clear();
  EXPECT_EQ(CheckMembership(run).validity, Validity::kUnknown);
}

}  // namespace
}  // namespace raftlab::evidence
