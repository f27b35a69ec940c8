// Linearizability checker: hand-made histories with known verdicts, budgets, the journal
// conversion, and a brute-force twin that tries every order of small random histories.
#include "evidence/linearizability.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "evidence/lin_test_util.h"
#include "evidence/models.h"

namespace raftlab::evidence {
namespace {

constexpr int64_t kNever = -1;

Operation Op(int64_t client, OpKind kind, int64_t call, int64_t ret) {
  Operation op;
  op.client = client;
  op.input.kind = kind;
  op.call = call;
  if (ret != kNever) {
    op.ret = ret;
  } else {
    op.output.known = false;
  }
  op.origin = "op" + std::to_string(call);
  return op;
}
Operation Write(int64_t c, std::string v, int64_t call, int64_t ret) {
  Operation op = Op(c, OpKind::kWrite, call, ret);
  op.input.value = std::move(v);
  return op;
}
Operation Read(int64_t c, std::optional<std::string> v, int64_t call, int64_t ret) {
  Operation op = Op(c, OpKind::kRead, call, ret);
  op.output.found = v.has_value();
  op.output.value = v.value_or("");
  return op;
}
Operation Cas(int64_t c, std::string from, std::string to, bool ok, int64_t call, int64_t ret) {
  Operation op = Op(c, OpKind::kCas, call, ret);
  op.input.expected = std::move(from);
  op.input.value = std::move(to);
  op.output.ok = ok;
  return op;
}
Operation Kv(int64_t c, OpKind kind, std::string key, std::string v, int64_t call, int64_t ret) {
  Operation op = Op(c, kind, call, ret);
  op.input.key = std::move(key);
  if (kind == OpKind::kGet) {
    op.output.found = true;
    op.output.value = std::move(v);
  } else {
    op.input.value = std::move(v);
  }
  return op;
}

History Register(std::vector<Operation> ops) {
  History h;
  h.model = ModelKind::kRegister;
  h.ops = std::move(ops);
  return h;
}
History KvHistory(std::vector<Operation> ops) {
  History h;
  h.model = ModelKind::kKv;
  h.ops = std::move(ops);
  return h;
}

// The search alone: for the tests of its own report and budgets.
LinOptions SearchOnly() {
  LinOptions opt;
  opt.unique_value_path = false;
  return opt;
}

Validity Check(const History& h) {
  Result<LinResult> r = CheckLinearizability(h);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->validity : Validity::kUnknown;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

// ---- registers ------------------------------------------------------------------------------

TEST(Linearizability, EmptyHistoryIsLinearizable) {
  EXPECT_EQ(Check(Register({})), Validity::kOk);
}

TEST(Linearizability, SequentialWriteThenRead) {
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 10), Read(1, "1", 20, 30)})), Validity::kOk);
  EXPECT_EQ(Check(Register({Read(1, std::nullopt, 0, 5), Write(0, "1", 10, 20)})), Validity::kOk);
}

TEST(Linearizability, ReadOfAValueNeverWrittenFailsAndIsNamed) {
  Result<LinResult> r =
      CheckLinearizability(Register({Write(0, "1", 0, 10), Read(1, "2", 20, 30)}), SearchOnly());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kViolated);
  std::string ev = Joined(r->evidence);
  EXPECT_NE(ev.find("stuck"), std::string::npos) << ev;
  EXPECT_NE(ev.find("client 1 read -> \"2\""), std::string::npos) << ev;
  EXPECT_NE(ev.find("read \"2\" but the register holds \"1\""), std::string::npos) << ev;
  EXPECT_NE(ev.find("1. client 0 write \"1\""), std::string::npos) << ev;
}

TEST(Linearizability, StaleReadAfterCompletedWriteFails) {
  // w1 then w2 complete; a later read sees 1: not linearizable.
  Result<LinResult> r = CheckLinearizability(
      Register({Write(0, "1", 0, 10), Write(1, "2", 20, 30), Read(2, "1", 40, 50)}), SearchOnly());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kViolated);
  std::string ev = Joined(r->evidence);
  EXPECT_NE(ev.find("at most 2 of 3"), std::string::npos) << ev;
  EXPECT_NE(ev.find("client 2 read -> \"1\"  (call 40, ret 50) op40"), std::string::npos) << ev;
}

TEST(Linearizability, ConcurrentReadMaySeeOldOrNewValue) {
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 100), Read(1, "1", 10, 20)})), Validity::kOk);
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 100), Read(1, std::nullopt, 10, 20)})), Validity::kOk);
  // Two reads inside one write: new then old is impossible.
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 100), Read(1, "1", 10, 20),
                            Read(2, std::nullopt, 30, 40)})),
            Validity::kViolated);
}

TEST(Linearizability, EqualTimestampsCountAsConcurrent) {
  // The write returns at 10, the read is called at 10: either order is allowed.
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 10), Read(1, std::nullopt, 10, 20)})), Validity::kOk);
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 10), Read(1, std::nullopt, 11, 20)})),
            Validity::kViolated);
}

TEST(Linearizability, PendingWriteMayOrMayNotTakeEffect) {
  // A write that never returned: reads may see it or not...
  EXPECT_EQ(Check(Register({Write(0, "1", 0, kNever), Read(1, "1", 10, 20)})), Validity::kOk);
  EXPECT_EQ(Check(Register({Write(0, "1", 0, kNever), Read(1, std::nullopt, 10, 20)})),
            Validity::kOk);
  // ...but once seen it cannot be unseen,
  EXPECT_EQ(Check(Register({Write(0, "1", 0, kNever), Read(1, "1", 10, 20),
                            Read(2, std::nullopt, 30, 40)})),
            Validity::kViolated);
  // and it cannot take effect before it was called.
  EXPECT_EQ(Check(Register({Read(1, "1", 0, 5), Write(0, "1", 10, kNever)})), Validity::kViolated);
}

TEST(Linearizability, CompareAndSet) {
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 10), Cas(1, "1", "2", true, 20, 30),
                            Read(2, "2", 40, 50)})),
            Validity::kOk);
  // A successful cas from a value the register does not hold.
  Result<LinResult> r = CheckLinearizability(
      Register({Write(0, "3", 0, 10), Cas(1, "1", "2", true, 20, 30)}), SearchOnly());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kViolated);
  EXPECT_NE(Joined(r->evidence).find("cas succeeded but the register holds \"3\", not \"1\""),
            std::string::npos)
      << Joined(r->evidence);
  // A failed cas while the register did hold the expected value.
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 10), Cas(1, "1", "2", false, 20, 30)})),
            Validity::kViolated);
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 10), Cas(1, "5", "2", false, 20, 30),
                            Read(2, "1", 40, 50)})),
            Validity::kOk);
  // A cas with unknown outcome: its effect may or may not be seen.
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 10), Cas(1, "1", "2", true, 20, kNever),
                            Read(2, "2", 40, 50)})),
            Validity::kOk);
  EXPECT_EQ(Check(Register({Write(0, "1", 0, 10), Cas(1, "1", "2", true, 20, kNever),
                            Read(2, "1", 40, 50)})),
            Validity::kOk);
  // It cannot set 2 when the register never held 1.
  EXPECT_EQ(Check(Register({Write(0, "3", 0, 10), Cas(1, "1", "2", true, 20, kNever),
                            Read(2, "2", 40, 50)})),
            Validity::kViolated);
}

TEST(Linearizability, UnknownReadsAreDropped) {
  Operation r = Read(1, "9", 10, 20);
  r.output.known = false;   // e.g. a timed-out read
  Result<LinResult> res = CheckLinearizability(Register({Write(0, "1", 0, 5), r}));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->validity, Validity::kOk);
  EXPECT_EQ(res->dropped, 1u);
}

TEST(Linearizability, RejectsMalformedOperations) {
  EXPECT_FALSE(CheckLinearizability(Register({Write(0, "1", 10, 5)})).ok());
  Operation never = Write(0, "1", 0, kNever);
  never.output.known = true;
  EXPECT_FALSE(CheckLinearizability(Register({never})).ok());
  // A KV op in a register history.
  Result<LinResult> r = CheckLinearizability(Register({Kv(0, OpKind::kPut, "k", "v", 0, 1)}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("put"), std::string::npos);
}

// ---- kv -------------------------------------------------------------------------------------

TEST(Linearizability, KvKeysAreIndependentAndTheBadKeyIsNamed) {
  History h = KvHistory({
      Kv(0, OpKind::kPut, "a", "1", 0, 10), Kv(1, OpKind::kPut, "b", "1", 0, 10),
      Kv(0, OpKind::kAppend, "a", "2", 20, 30), Kv(1, OpKind::kGet, "b", "1", 20, 30),
      Kv(0, OpKind::kGet, "a", "12", 40, 50), Kv(1, OpKind::kGet, "b", "2", 40, 50),
  });
  Result<LinResult> r = CheckLinearizability(h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kViolated);
  EXPECT_EQ(r->partitions_total, 2u);
  std::string ev = Joined(r->evidence);
  EXPECT_NE(ev.find("key \"b\": not linearizable"), std::string::npos) << ev;
  EXPECT_EQ(ev.find("key \"a\": not"), std::string::npos) << ev;
}

TEST(Linearizability, KvAppendOrderMustMatchReads) {
  History ok = KvHistory({Kv(0, OpKind::kAppend, "k", "x", 0, 100),
                          Kv(1, OpKind::kAppend, "k", "y", 0, 100),
                          Kv(2, OpKind::kGet, "k", "yx", 110, 120)});
  EXPECT_EQ(Check(ok), Validity::kOk);
  History bad = KvHistory({Kv(0, OpKind::kAppend, "k", "x", 0, 10),
                           Kv(1, OpKind::kAppend, "k", "y", 20, 30),
                           Kv(2, OpKind::kGet, "k", "yx", 40, 50)});
  EXPECT_EQ(Check(bad), Validity::kViolated);
}

TEST(Linearizability, KvDeleteAndAbsentKeys) {
  Operation absent = Kv(2, OpKind::kGet, "k", "", 40, 50);
  absent.output.found = false;
  EXPECT_EQ(Check(KvHistory({Kv(0, OpKind::kPut, "k", "v", 0, 10),
                             Kv(1, OpKind::kDelete, "k", "", 20, 30), absent})),
            Validity::kOk);
  // Without the delete the key cannot be absent; with etcd semantics "" is not absent...
  History h = KvHistory({Kv(0, OpKind::kPut, "k", "", 0, 10), absent});
  EXPECT_EQ(Check(h), Validity::kViolated);
  // ...but in Porcupine's KV format it is.
  h.empty_is_absent = true;
  EXPECT_EQ(Check(h), Validity::kOk);
}

// ---- budgets --------------------------------------------------------------------------------

History Crowded(int n) {   // many concurrent writes, one read of a value nobody wrote
  std::vector<Operation> ops;
  for (int i = 0; i < n; ++i) ops.push_back(Write(i, std::to_string(i), 0, 100));
  ops.push_back(Read(n, "zzz", 200, 210));
  return Register(std::move(ops));
}

TEST(Linearizability, StepBudgetGivesUnknown) {
  LinOptions opt = SearchOnly();
  opt.max_steps = 10;
  Result<LinResult> r = CheckLinearizability(Crowded(12), opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kUnknown);
  EXPECT_NE(Joined(r->evidence).find("step budget of 10 exceeded"), std::string::npos);
}

TEST(Linearizability, TimeBudgetUsesTheInjectedClock) {
  int64_t fake_now = 0;
  LinOptions opt = SearchOnly();
  opt.now_ns = [&fake_now] { return fake_now += 1000000000; };   // each look: one second later
  opt.time_budget_ns = 5LL * 1000000000;
  Result<LinResult> r = CheckLinearizability(Crowded(14), opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kUnknown);
  EXPECT_NE(Joined(r->evidence).find("time budget of 5000 ms exceeded"), std::string::npos)
      << Joined(r->evidence);
}

TEST(Linearizability, MemoryBudgetGivesUnknown) {
  LinOptions opt = SearchOnly();
  opt.memory_budget_bytes = 64 * 1024;
  Result<LinResult> r = CheckLinearizability(Crowded(16), opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kUnknown);
  EXPECT_NE(Joined(r->evidence).find("memory budget"), std::string::npos) << Joined(r->evidence);
}

TEST(Linearizability, CrowdedHistoryIsJudgedWithoutBudgets) {
  EXPECT_EQ(Check(Crowded(16)), Validity::kViolated);
  Result<LinResult> r = CheckLinearizability(Crowded(16), SearchOnly());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kViolated);
  EXPECT_EQ(r->keys_search, 1u);
}

TEST(Linearizability, EachKeySaysWhichPathDecidedIt) {
  // Key a: unique values (fast path). Key b: value 1 written twice (search).
  History h = KvHistory({Kv(0, OpKind::kPut, "a", "1", 0, 10), Kv(1, OpKind::kGet, "a", "1", 20, 30),
                         Kv(0, OpKind::kPut, "b", "1", 0, 10), Kv(1, OpKind::kPut, "b", "1", 20, 30),
                         Kv(2, OpKind::kGet, "b", "1", 40, 50)});
  Result<LinResult> r = CheckLinearizability(h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kOk);
  EXPECT_EQ(r->keys_unique_path, 1u);
  EXPECT_EQ(r->keys_search, 1u);
  EXPECT_EQ(r->judged_ops, 5u);
  EXPECT_NE(r->evidence[0].find("decided 1 key by the unique-value path, 1 by search"),
            std::string::npos) << r->evidence[0];
  for (const PartitionResult& p : r->partitions) {
    EXPECT_EQ(p.path, p.key == "a" ? LinPath::kUniqueValues : LinPath::kSearch) << p.key;
    if (p.key == "b") EXPECT_NE(p.handover.find("written twice"), std::string::npos) << p.handover;
  }
}

TEST(Linearizability, ToVerdict) {
  Result<LinResult> r = CheckLinearizability(Register({Write(0, "1", 0, 10)}));
  ASSERT_TRUE(r.ok());
  Verdict v = ToVerdict(*r);
  EXPECT_EQ(v.checker, "linearizable");
  EXPECT_EQ(v.validity, Validity::kOk);
  EXPECT_EQ(v.judged, 1u);
  EXPECT_EQ(v.of, 1u);
  EXPECT_EQ(v.unit, "operations");
  EXPECT_FALSE(v.evidence.empty());
}

// ---- journal conversion -----------------------------------------------------------------------

TEST(HistoryFromClientOps, FailDroppedInfoAndPendingOpenEnded) {
  auto mk = [](int64_t id, std::string f, OpOutcome out) {
    ClientOp c;
    c.op_id = id;
    c.client = id;
    c.f = std::move(f);
    c.key = "k";
    c.value = "v" + std::to_string(id);
    c.invoke_ns = id * 10;
    c.complete_ns = out == OpOutcome::kPending ? 0 : id * 10 + 5;
    c.outcome = out;
    return c;
  };
  ClientOp get = mk(4, "get", OpOutcome::kOk);
  get.found = true;
  ClientOp stale = mk(5, "get", OpOutcome::kOk);
  stale.serializable = true;
  Result<History> h = HistoryFromClientOps({mk(1, "put", OpOutcome::kOk),
                                            mk(2, "put", OpOutcome::kFail),
                                            mk(3, "put", OpOutcome::kUnknown), get, stale,
                                            mk(6, "delete", OpOutcome::kPending)});
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->ops.size(), 4u);   // fail dropped, serializable read left out
  EXPECT_EQ(h->ops[0].ret, 15);
  EXPECT_FALSE(h->ops[1].ret.has_value());
  EXPECT_FALSE(h->ops[1].output.known);
  EXPECT_EQ(h->ops[2].output.value, "v4");
  EXPECT_EQ(h->ops[3].input.kind, OpKind::kDelete);
  EXPECT_FALSE(h->ops[3].ret.has_value());

  ClientOpConversion conv;
  conv.include_serializable_reads = true;
  EXPECT_EQ(HistoryFromClientOps({stale}, conv)->ops.size(), 1u);
  EXPECT_FALSE(HistoryFromClientOps({mk(7, "txn", OpOutcome::kOk)}).ok());
}

// ---- brute-force twin -------------------------------------------------------------------------

History RandomHistory(std::mt19937& rng, bool kv) {
  std::uniform_int_distribution<int> nops(1, 7), val(0, 2), coin(0, 9), t(0, 30), len(0, 15);
  History h;
  h.model = kv ? ModelKind::kKv : ModelKind::kRegister;
  int n = nops(rng);
  for (int i = 0; i < n; ++i) {
    Operation op;
    op.client = i;
    op.call = t(rng);
    if (coin(rng) < 2) {
      op.output.known = false;
    } else {
      op.ret = op.call + len(rng);
    }
    int kind = coin(rng);
    std::string v = std::to_string(val(rng));
    if (kv) {
      op.input.key = coin(rng) < 7 ? "a" : "b";
      if (kind < 4) {
        op.input.kind = OpKind::kGet;
        op.output.found = coin(rng) < 8;
        if (op.output.found) op.output.value = coin(rng) < 5 ? v : v + std::to_string(val(rng));
      } else if (kind < 6) {
        op.input.kind = OpKind::kPut;
        op.input.value = v;
      } else if (kind < 9) {
        op.input.kind = OpKind::kAppend;
        op.input.value = v;
      } else {
        op.input.kind = OpKind::kDelete;
      }
    } else if (kind < 4) {
      op.input.kind = OpKind::kRead;
      op.output.found = coin(rng) < 8;
      op.output.value = op.output.found ? v : "";
    } else if (kind < 7) {
      op.input.kind = OpKind::kWrite;
      op.input.value = v;
    } else {
      op.input.kind = OpKind::kCas;
      op.input.expected = v;
      op.input.value = std::to_string(val(rng));
      op.output.ok = coin(rng) < 5;
    }
    if (!op.ret) op.output.known = false;
    h.ops.push_back(std::move(op));
  }
  return h;
}

void TwinRun(bool kv, int cases) {
  std::mt19937 rng(kv ? 7 : 3);
  int linearizable = 0;
  for (int c = 0; c < cases; ++c) {
    History h = RandomHistory(rng, kv);
    bool want = BruteForceLinearizable(h);
    linearizable += want;
    Result<LinResult> r = CheckLinearizability(h);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Result<LinResult> search = CheckLinearizability(h, SearchOnly());
    ASSERT_TRUE(search.ok()) << search.status().ToString();
    ASSERT_EQ(search->validity, want ? Validity::kOk : Validity::kViolated) << "search, case " << c;
    ASSERT_EQ(r->validity, want ? Validity::kOk : Validity::kViolated)
        << "case " << c << ":\n"
        << [&] {
             std::string s;
             for (const Operation& op : h.ops) s += "  " + DescribeOp(op) + "\n";
             return s;
           }();
  }
  // Both verdicts must be well represented for the comparison to mean anything.
  EXPECT_GT(linearizable, cases / 10);
  EXPECT_LT(linearizable, cases - cases / 10);
}

TEST(LinearizabilityTwin, RegisterAgreesWithBruteForce) { TwinRun(false, 3000); }
TEST(LinearizabilityTwin, KvAgreesWithBruteForce) { TwinRun(true, 3000); }

}  // namespace
}  // namespace raftlab::evidence
