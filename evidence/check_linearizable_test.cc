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

}  // namespace
}  // namespace raftlab::evidence
