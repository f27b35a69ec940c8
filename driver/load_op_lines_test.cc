// The load generator's journal lines: what the run loader reads back, what the
// linearizability checker concludes from them (log reads judged as linearizable gets,
// serializable ones left out), outcomes (a timeout is info, never fail) and escaping.
#include "driver/load_op_lines.h"

#include <gtest/gtest.h>

#include "common/json_util.h"
#include "evidence/checkers.h"
#include "evidence/run_loader.h"

namespace raftlab::driver {
namespace {

LoadOp Put(int64_t id, int64_t client, const std::string& key, const std::string& value) {
  LoadOp op;
  op.op_id = id;
  op.client = client;
  op.write = true;
  op.key = key;
  op.value = value;
  op.via = "n1";
  return op;
}

LoadOp Get(int64_t id, int64_t client, const std::string& key, ReadPath path) {
  LoadOp op;
  op.op_id = id;
  op.client = client;
  op.path = path;
  op.key = key;
  op.via = "n2";
  return op;
}

LoadOutcome Ok(int64_t revision, const std::string& read = "", bool found = false) {
  LoadOutcome o;
  o.revision = revision;
  o.value = read;
  o.found = found;
  return o;
}

TEST(LoadOpLines, TheRunLoaderReadsThemBack) {
  const std::string w = "2026-01-01T00:00:00.000Z";
  LoadOp put = Put(1000000000001, 7, "load/k1", "c7-1000000000001");
  LoadOp lin = Get(1000000000002, 8, "load/k1", ReadPath::kLinearizable);
  LoadOp ser = Get(1000000000003, 9, "load/k1", ReadPath::kSerializable);
  LoadOp log = Get(1000000000004, 10, "load/k1", ReadPath::kLog);
  LoadOutcome timeout;
  timeout.phase = OpPhase::kInfo;
  timeout.error = "DEADLINE_EXCEEDED: Deadline Exceeded";
  std::string journal = InvokeLine(put, 100, w) + InvokeLine(lin, 101, w) + CompletionLine(put, Ok(5), 150, w) +
                        InvokeLine(ser, 160, w) + InvokeLine(log, 161, w) +
                        CompletionLine(lin, Ok(5, "c7-1000000000001", true), 170, w) +
                        CompletionLine(ser, Ok(4), 171, w) + CompletionLine(log, timeout, 300, w);
  Result<evidence::Run> run = evidence::RunFromJournal(journal);
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_EQ(run->ops.size(), 4u);
  const evidence::ClientOp& p = run->ops[0];
  EXPECT_EQ(p.op_id, 1000000000001);
  EXPECT_EQ(p.client, 7);
  EXPECT_EQ(p.f, "put");
  EXPECT_EQ(p.value, "c7-1000000000001");
  EXPECT_EQ(p.outcome, evidence::OpOutcome::kOk);
  EXPECT_EQ(p.revision, 5);
  EXPECT_EQ(p.invoke_ns, 100);
  EXPECT_EQ(p.complete_ns, 150);
  const evidence::ClientOp& l = run->ops[1];
  EXPECT_EQ(l.f, "get");
  EXPECT_FALSE(l.serializable);
  EXPECT_TRUE(l.found);
  EXPECT_EQ(l.value, "c7-1000000000001");
  EXPECT_EQ(l.via, "n2");
  EXPECT_TRUE(run->ops[2].serializable);
  EXPECT_FALSE(run->ops[2].found);
  const evidence::ClientOp& g = run->ops[3];
  EXPECT_FALSE(g.serializable) << "a log read is a linearizable read";
  EXPECT_EQ(g.outcome, evidence::OpOutcome::kUnknown);
  EXPECT_NE(g.error.find("DEADLINE"), std::string::npos);
  // Each line is JSON with the read path spelled out.
  Result<Json> j = ParseJson(InvokeLine(log, 1, w));
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["read_path"], "log");
  EXPECT_EQ((*j)["serializable"], false);
  EXPECT_EQ((*j)["kind"], "op");
  EXPECT_EQ((*j)["wall"], w);
}

TEST(LoadOpLines, LogReadsAreJudgedAsLinearizableReads) {
  const std::string w = "w";
  // put v1 completes, then a log read returns the initial (absent) value: stale, a violation.
  std::string bad = InvokeLine(Put(1, 1, "k", "v1"), 10, w) + CompletionLine(Put(1, 1, "k", "v1"), Ok(2), 20, w) +
                    InvokeLine(Get(2, 2, "k", ReadPath::kLog), 30, w) +
                    CompletionLine(Get(2, 2, "k", ReadPath::kLog), Ok(3), 40, w);
  Result<evidence::Run> run = evidence::RunFromJournal(bad);
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(evidence::CheckLinearizable(*run).validity, evidence::Validity::kViolated);
  // The same stale answer from a serializable read is allowed (left out of the history).
  std::string stale = InvokeLine(Put(1, 1, "k", "v1"), 10, w) + CompletionLine(Put(1, 1, "k", "v1"), Ok(2), 20, w) +
                      InvokeLine(Get(2, 2, "k", ReadPath::kSerializable), 30, w) +
                      CompletionLine(Get(2, 2, "k", ReadPath::kSerializable), Ok(1), 40, w) +
                      InvokeLine(Get(3, 3, "k", ReadPath::kLog), 50, w) +
                      CompletionLine(Get(3, 3, "k", ReadPath::kLog), Ok(3, "v1", true), 60, w);
  run = evidence::RunFromJournal(stale);
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(evidence::CheckLinearizable(*run).validity, evidence::Validity::kOk);
}

TEST(LoadOpLines, TimeoutsAreInfoNeverFail) {
  constexpr int kDeadline = 4, kUnavailable = 14, kInvalid = 3, kFailedPrecondition = 9, kCancelled = 1,
                kResourceExhausted = 8, kUnknown = 2;
  for (bool write : {false, true}) {
    EXPECT_EQ(ClassifyError(kDeadline, "Deadline Exceeded", write), OpPhase::kInfo);
    EXPECT_EQ(ClassifyError(kUnavailable, "etcdserver: request timed out", write), OpPhase::kInfo);
    EXPECT_EQ(ClassifyError(kUnknown, "etcdserver: request timed out, possibly due to previous leader failure", write),
              OpPhase::kInfo);
    EXPECT_EQ(ClassifyError(kCancelled, "Cancelled", write), OpPhase::kInfo);
    EXPECT_EQ(ClassifyError(kInvalid, "etcdserver: key is not provided", write), OpPhase::kFail);
    EXPECT_EQ(ClassifyError(kResourceExhausted, "etcdserver: too many requests", write), OpPhase::kFail);
    EXPECT_EQ(ClassifyError(0, "", write), OpPhase::kOk);
  }
  // A write that may have been proposed is unknown; a read that failed changed nothing.
  EXPECT_EQ(ClassifyError(kUnavailable, "etcdserver: leader changed", true), OpPhase::kInfo);
  EXPECT_EQ(ClassifyError(kUnavailable, "connection refused", false), OpPhase::kFail);
  EXPECT_EQ(ClassifyError(kFailedPrecondition, "etcdserver: rpc not supported for learner", true), OpPhase::kFail);
}

TEST(LoadOpLines, ErrorsAreEscapedIntoValidJson) {
  LoadOp op = Put(1, 1, "k", "v");
  LoadOutcome o;
  o.phase = OpPhase::kInfo;
  o.error = std::string("UNAVAILABLE: \"quoted\" back\\slash\nnewline \x01 ctrl \xff\xfe bytes");
  std::string line = CompletionLine(op, o, 5, "w");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  Result<Json> j = ParseJson(line);
  ASSERT_TRUE(j.ok()) << line;
  EXPECT_EQ((*j)["error"], "UNAVAILABLE: \"quoted\" back\\slash\nnewline \x01 ctrl ?? bytes");
  EXPECT_EQ((*j)["phase"], "info");
}

TEST(LoadOpLines, WallStamperFormatsMilliseconds) {
  // 2026-01-02T03:04:05.678Z is 1767323045678 ms after the epoch.
  WallStamper w(1'000'000'000, 1767323045678);
  EXPECT_EQ(std::string(w.At(1'000'000'000)), "2026-01-02T03:04:05.678Z");
  EXPECT_EQ(std::string(w.At(1'000'000'000 + 5'000'000)), "2026-01-02T03:04:05.683Z");
  EXPECT_EQ(std::string(w.At(1'000'000'000 + 400'000'000)), "2026-01-02T03:04:06.078Z");
  ReadPath p;
  EXPECT_TRUE(ParseReadPath("log", &p));
  EXPECT_EQ(p, ReadPath::kLog);
  EXPECT_FALSE(ParseReadPath("lease", &p));
}

}  // namespace
}  // namespace raftlab::driver
