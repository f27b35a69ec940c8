#include <gtest/gtest.h>

#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {

ClientOp Op(int64_t id, int64_t client, const std::string& f, const std::string& value, int64_t invoke,
            int64_t complete, OpOutcome outcome, bool found = true) {
  ClientOp op;
  op.op_id = id;
  op.client = client;
  op.f = f;
  op.key = "k";
  op.value = value;
  op.found = found;
  op.invoke_ns = invoke;
  op.complete_ns = complete;
  op.outcome = outcome;
  return op;
}

TEST(CheckLinearizable, SequentialWritesAndReadsPass) {
  evidence::Run run;
  run.ops = {Op(1, 1, "put", "a", 0, 10, OpOutcome::kOk), Op(2, 2, "get", "a", 20, 30, OpOutcome::kOk),
             Op(3, 1, "put", "b", 40, 50, OpOutcome::kOk), Op(4, 2, "get", "b", 60, 70, OpOutcome::kOk)};
  Verdict v = CheckLinearizable(run);
  EXPECT_EQ(v.validity, Validity::kOk);
}

TEST(CheckLinearizable, StaleReadAfterAcknowledgedWriteFails) {
  evidence::Run run;
  // b is acknowledged at 50; a later read returns the older a: not linearizable.
  run.ops = {Op(1, 1, "put", "a", 0, 10, OpOutcome::kOk), Op(2, 1, "put", "b", 40, 50, OpOutcome::kOk),
             Op(3, 2, "get", "a", 60, 70, OpOutcome::kOk)};
  Verdict v = CheckLinearizable(run);
  EXPECT_EQ(v.validity, Validity::kViolated);
  std::string all;
  for (const auto& e : v.evidence) all += e + "\n";
  EXPECT_NE(all.find("k"), std::string::npos) << all;
}

TEST(CheckLinearizable, TimedOutWriteMayTakeEffectLater) {
  evidence::Run run;
  // The put of b timed out (unknown): a read of b afterwards is fine, so is a read of a.
  run.ops = {Op(1, 1, "put", "a", 0, 10, OpOutcome::kOk), Op(2, 1, "put", "b", 20, 0, OpOutcome::kUnknown),
             Op(3, 2, "get", "a", 30, 40, OpOutcome::kOk), Op(4, 2, "get", "b", 50, 60, OpOutcome::kOk)};
  EXPECT_EQ(CheckLinearizable(run).validity, Validity::kOk);
}

TEST(CheckLinearizable, FirstLineCountsOperationsAndPaths) {
  evidence::Run run;
  run.ops = {Op(1, 1, "put", "a", 0, 10, OpOutcome::kOk), Op(2, 2, "get", "a", 20, 30, OpOutcome::kOk),
             Op(3, 1, "put", "b", 40, 50, OpOutcome::kFail)};
  Verdict v = CheckLinearizable(run);
  EXPECT_EQ(v.validity, Validity::kOk);
  EXPECT_EQ(v.judged, 2u);
  EXPECT_EQ(v.of, 2u);
  EXPECT_EQ(v.unit, "operations");
  ASSERT_FALSE(v.evidence.empty());
  EXPECT_EQ(v.evidence[0].rfind("judged 2 of 2 operations on 1 keys", 0), 0u) << v.evidence[0];
  EXPECT_NE(v.evidence[0].find("decided 1 key by the unique-value path, 0 by search"),
            std::string::npos) << v.evidence[0];
}

TEST(CheckLinearizable, NoClientOperationsIsNotApplicable) {
  evidence::Run run;
  Verdict v = CheckLinearizable(run);
  EXPECT_EQ(v.validity, Validity::kNotApplicable);
  EXPECT_NE(v.evidence[0].find("no client operations"), std::string::npos) << v.evidence[0];
}

TEST(CheckLinearizable, ThinHistoriesAreNotApplicable) {
  // replicate: 3 ops on 3 keys.
  evidence::Run replicate;
  for (int i = 0; i < 3; ++i) {
    ClientOp op = Op(i + 1, 1, i == 2 ? "get" : "put", "v", i * 10, i * 10 + 5, OpOutcome::kOk);
    op.key = "k" + std::to_string(i);
    replicate.ops.push_back(op);
  }
  EXPECT_EQ(CheckLinearizable(replicate).validity, Validity::kNotApplicable);
  // slow-disk: 51 writes on 51 keys, no reads.
  evidence::Run slow;
  for (int i = 0; i < 51; ++i) {
    ClientOp op = Op(i + 1, 1, "put", "v" + std::to_string(i), i * 10, i * 10 + 5, OpOutcome::kOk);
    op.key = "k" + std::to_string(i);
    slow.ops.push_back(op);
  }
  Verdict v = CheckLinearizable(slow);
  EXPECT_EQ(v.validity, Validity::kNotApplicable);
  EXPECT_EQ(v.judged, 0u);
  EXPECT_NE(v.evidence[0].find("too thin"), std::string::npos) << v.evidence[0];
  // Writes on one key and reads on another are thin too; a write and a read on one key are not.
  evidence::Run apart;
  apart.ops = {Op(1, 1, "put", "a", 0, 10, OpOutcome::kOk), Op(2, 2, "get", "a", 20, 30, OpOutcome::kOk)};
  apart.ops[1].key = "other";
  apart.ops[1].found = false;
  EXPECT_EQ(CheckLinearizable(apart).validity, Validity::kNotApplicable);
  apart.ops[1].key = "k";
  apart.ops[1].found = true;
  EXPECT_EQ(CheckLinearizable(apart).validity, Validity::kOk);
}

TEST(CheckLinearizable, ViolationListsAMinimalSubHistory) {
  evidence::Run run;
  run.ops = {Op(1, 1, "put", "a", 0, 10, OpOutcome::kOk), Op(2, 1, "put", "b", 40, 50, OpOutcome::kOk),
             Op(3, 2, "get", "a", 60, 70, OpOutcome::kOk), Op(4, 3, "get", "b", 80, 90, OpOutcome::kOk),
             Op(5, 3, "put", "c", 100, 110, OpOutcome::kOk)};
  Verdict v = CheckLinearizable(run);
  EXPECT_EQ(v.validity, Validity::kViolated);
  std::string all;
  for (const auto& e : v.evidence) all += e + "\n";
  EXPECT_NE(all.find("minimal failing sub-history of key \"k\": 3 of 5 operations"),
            std::string::npos) << all;
  EXPECT_NE(all.find("client 2 get \"k\" -> \"a\"  (call 60, ret 70) op 3"), std::string::npos) << all;
}

}  // namespace
}  // namespace raftlab::evidence
