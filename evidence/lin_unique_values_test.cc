// The unique-value path: crafted histories for each certificate it can give (and fail on),
// what it hands to the search, and twins on thousands of random unique-value histories against
// the brute force and the general search.
#include "evidence/lin_unique_values.h"

#include <gtest/gtest.h>

#include <random>

#include "evidence/lin_test_util.h"
#include "evidence/linearizability.h"

namespace raftlab::evidence {
namespace {

constexpr int64_t kNever = -1;

Operation Op(OpKind kind, int64_t call, int64_t ret) {
  static int64_t client = 0;
  Operation op;
  op.client = client++ % 7;
  op.input.kind = kind;
  op.call = call;
  if (ret != kNever) {
    op.ret = ret;
  } else {
    op.output.known = false;
  }
  return op;
}
Operation W(std::string v, int64_t call, int64_t ret) {
  Operation op = Op(OpKind::kWrite, call, ret);
  op.input.value = std::move(v);
  return op;
}
Operation R(std::optional<std::string> v, int64_t call, int64_t ret) {
  Operation op = Op(OpKind::kRead, call, ret);
  op.output.found = v.has_value();
  op.output.value = v.value_or("");
  return op;
}
Operation Cas(std::string from, std::string to, bool ok, int64_t call, int64_t ret) {
  Operation op = Op(OpKind::kCas, call, ret);
  op.input.expected = std::move(from);
  op.input.value = std::move(to);
  op.output.ok = ok;
  return op;
}
Operation Put(std::string v, int64_t call, int64_t ret) {
  Operation op = Op(OpKind::kPut, call, ret);
  op.input.value = std::move(v);
  return op;
}
Operation Append(std::string v, int64_t call, int64_t ret) {
  Operation op = Op(OpKind::kAppend, call, ret);
  op.input.value = std::move(v);
  return op;
}
Operation Get(std::optional<std::string> v, int64_t call, int64_t ret) {
  Operation op = Op(OpKind::kGet, call, ret);
  op.output.found = v.has_value();
  op.output.value = v.value_or("");
  return op;
}

UniqueValueResult Decide(const History& h) {
  std::unique_ptr<Model> model = MakeModel(h);
  std::vector<const Operation*> ops;
  for (const Operation& o : h.ops) {
    bool unknown_read = !o.output.known &&
                        (o.input.kind == OpKind::kRead || o.input.kind == OpKind::kGet);
    if (!unknown_read) ops.push_back(&o);
  }
  std::stable_sort(ops.begin(), ops.end(),
                   [](const Operation* a, const Operation* b) { return a->call < b->call; });
  return DecideUniqueValues(*model, h.model, h.empty_is_absent, ops, "the key");
}

History Reg(std::vector<Operation> ops) {
  History h;
  h.model = ModelKind::kRegister;
  h.ops = std::move(ops);
  return h;
}
History Kv(std::vector<Operation> ops) {
  History h;
  h.model = ModelKind::kKv;
  h.ops = std::move(ops);
  return h;
}

std::string Text(const UniqueValueResult& r) {
  std::string s = r.why + "\n";
  for (const std::string& l : r.report) s += l + "\n";
  return s;
}

#define EXPECT_OUTCOME(h, want)                                               \
  do {                                                                        \
    UniqueValueResult r_ = Decide(h);                                         \
    EXPECT_EQ(r_.outcome, want) << Text(r_);                                  \
    EXPECT_EQ(BruteForceLinearizable(h), want == UniqueOutcome::kOk) << Text(r_); \
  } while (0)

// ---- crafted: ok -----------------------------------------------------------------------------

TEST(UniqueValues, SequentialAndConcurrentReadsAreOk) {
  EXPECT_OUTCOME(Reg({W("1", 0, 10), R("1", 20, 30), W("2", 40, 50), R("2", 60, 70)}),
                 UniqueOutcome::kOk);
  EXPECT_OUTCOME(Reg({R(std::nullopt, 0, 5), W("1", 0, 100), R("1", 10, 20), R("1", 30, 40)}),
                 UniqueOutcome::kOk);
  EXPECT_OUTCOME(Reg({}), UniqueOutcome::kOk);
}

TEST(UniqueValues, CasLinksValuesAndFailedCasIsPlaced) {
  EXPECT_OUTCOME(Reg({W("1", 0, 10), Cas("1", "2", true, 20, 30), R("2", 40, 50),
                      Cas("1", "3", false, 45, 60)}),
                 UniqueOutcome::kOk);
  // A failed cas overlapping its expected value's writer can be placed before it.
  EXPECT_OUTCOME(Reg({Cas("1", "9", false, 0, 30), W("1", 5, 10), R("1", 40, 50)}),
                 UniqueOutcome::kOk);
  // A failed cas expecting a value nobody writes is free.
  EXPECT_OUTCOME(Reg({W("1", 0, 10), Cas("7", "9", false, 20, 30), R("1", 40, 50)}),
                 UniqueOutcome::kOk);
}

TEST(UniqueValues, TimedOutWritesMayOrMayNotTakeEffect) {
  // Unread: left out. Read: must take effect, after its call.
  EXPECT_OUTCOME(Reg({W("1", 0, kNever), R(std::nullopt, 10, 20)}), UniqueOutcome::kOk);
  EXPECT_OUTCOME(Reg({W("1", 0, kNever), R("1", 10, 20)}), UniqueOutcome::kOk);
  // A timed-out cas whose value is read pulls in the value it needs.
  EXPECT_OUTCOME(Reg({W("1", 0, 10), Cas("1", "2", true, 20, kNever), R("2", 40, 50)}),
                 UniqueOutcome::kOk);
}

TEST(UniqueValues, AppendStringsNameTheirWrites) {
  EXPECT_OUTCOME(Kv({Put("p", 0, 10), Append("a", 20, 30), Append("b", 20, 30), Get("pba", 40, 50)}),
                 UniqueOutcome::kOk);
  // An append to the empty key; an unread append followed by a put.
  EXPECT_OUTCOME(Kv({Append("a", 0, 10), Get("a", 20, 30), Append("z", 40, 50), Put("q", 60, 70),
                     Get("q", 80, 90)}),
                 UniqueOutcome::kOk);
}

// ---- crafted: violations (each certificate) ---------------------------------------------------

TEST(UniqueValues, StaleReadIsViolated) {
  UniqueValueResult r = Decide(Reg({W("1", 0, 10), W("2", 20, 30), R("1", 40, 50)}));
  EXPECT_EQ(r.outcome, UniqueOutcome::kViolated) << Text(r);
  EXPECT_NE(Text(r).find("must each come first"), std::string::npos) << Text(r);
}

TEST(UniqueValues, ZonesThatCannotBeOrderedAreViolated) {
  // Two forward zones overlapping.
  EXPECT_OUTCOME(Reg({W("1", 0, 10), W("2", 0, 10), R("1", 20, 30), R("2", 20, 30)}),
                 UniqueOutcome::kViolated);
  // A backward zone (a lone write) inside a forward zone.
  EXPECT_OUTCOME(Reg({W("1", 0, 10), W("2", 20, 30), R("1", 50, 60)}), UniqueOutcome::kViolated);
  // The empty state read after a write returned.
  EXPECT_OUTCOME(Reg({W("1", 0, 10), R(std::nullopt, 20, 30)}), UniqueOutcome::kViolated);
  // A read that returned before its write was called.
  EXPECT_OUTCOME(Reg({R("1", 0, 5), W("1", 10, 20)}), UniqueOutcome::kViolated);
  // A read of a value no one writes.
  EXPECT_OUTCOME(Reg({W("1", 0, 10), R("2", 20, 30)}), UniqueOutcome::kViolated);
}

TEST(UniqueValues, CasViolations) {
  // Two successful cas from one value.
  EXPECT_OUTCOME(Reg({W("1", 0, 10), Cas("1", "2", true, 20, 30), Cas("1", "3", true, 40, 50)}),
                 UniqueOutcome::kViolated);
  // A successful cas from a value nobody writes.
  EXPECT_OUTCOME(Reg({W("3", 0, 10), Cas("1", "2", true, 20, 30)}), UniqueOutcome::kViolated);
  // A cas chain in a circle.
  EXPECT_OUTCOME(Reg({Cas("1", "2", true, 0, 10), Cas("2", "1", true, 20, 30)}),
                 UniqueOutcome::kViolated);
  // A failed cas while the register surely held its expected value.
  UniqueValueResult r = Decide(Reg({W("1", 0, 10), Cas("1", "2", false, 20, 30), R("1", 40, 50)}));
  EXPECT_EQ(r.outcome, UniqueOutcome::kViolated) << Text(r);
  EXPECT_NE(Text(r).find("cas failed although"), std::string::npos) << Text(r);
  // The cas chain forces an order that real time contradicts.
  EXPECT_OUTCOME(Reg({W("1", 0, 10), R("2", 20, 30), Cas("1", "2", true, 40, 50)}),
                 UniqueOutcome::kViolated);
}

TEST(UniqueValues, TimedOutWriteOnceSeenCannotBeUnseen) {
  EXPECT_OUTCOME(Reg({W("1", 0, kNever), R("1", 10, 20), R(std::nullopt, 30, 40)}),
                 UniqueOutcome::kViolated);
  // A timed-out cas whose value is read needs its expected value, which nobody writes.
  EXPECT_OUTCOME(Reg({W("3", 0, 10), Cas("1", "2", true, 20, kNever), R("2", 40, 50)}),
                 UniqueOutcome::kViolated);
}

TEST(UniqueValues, AppendViolations) {
  // The append returned before the get was called, yet the get does not show it.
  EXPECT_OUTCOME(Kv({Put("p", 0, 10), Append("a", 20, 30), Get("p", 40, 50)}),
                 UniqueOutcome::kViolated);
  // Two reads disagree on what came before "b".
  EXPECT_OUTCOME(Kv({Put("p", 0, 10), Append("a", 0, 10), Append("b", 0, 10), Get("pab", 20, 30),
                     Get("pb", 20, 30)}),
                 UniqueOutcome::kViolated);
  // A string no sequence of writes produces.
  EXPECT_OUTCOME(Kv({Put("p", 0, 10), Get("px", 20, 30)}), UniqueOutcome::kViolated);
}

// ---- handed to the search --------------------------------------------------------------------

TEST(UniqueValues, HandsOverWhatItDoesNotModel) {
  EXPECT_EQ(Decide(Reg({W("1", 0, 10), W("1", 20, 30)})).outcome, UniqueOutcome::kNotApplicable);
  Operation del = Op(OpKind::kDelete, 0, 10);
  EXPECT_EQ(Decide(Kv({del})).outcome, UniqueOutcome::kNotApplicable);
  // "xy" is both a put and put "x" + append "y".
  UniqueValueResult r = Decide(Kv({Put("x", 0, 10), Put("xy", 0, 10), Append("y", 0, 10),
                                   Get("xy", 20, 30)}));
  EXPECT_EQ(r.outcome, UniqueOutcome::kNotApplicable) << Text(r);
  EXPECT_NE(r.why.find("more than one way"), std::string::npos) << r.why;
  History eia = Kv({Put("", 0, 10)});
  eia.empty_is_absent = true;
  EXPECT_EQ(Decide(eia).outcome, UniqueOutcome::kNotApplicable);
}

// ---- twins --------------------------------------------------------------------------------------

// A random history with unique values from a simulated sequential execution: each operation
// takes effect at a point inside its interval, in point order; some never return (and then
// took effect or not), and half of the histories get one observed value changed, half one interval moved.
History RandomUnique(std::mt19937& rng, bool kv, bool empty_is_absent, int max_ops = 7) {
  std::uniform_int_distribution<int> nops(1, max_ops), coin(0, 99), spread(0, 12), at(0, 6 * max_ops);
  int n = nops(rng);
  std::vector<int64_t> points;
  for (int i = 0; i < n; ++i) points.push_back(at(rng) * 2);   // even: distinct from ends below
  std::sort(points.begin(), points.end());
  History h;
  h.model = kv ? ModelKind::kKv : ModelKind::kRegister;
  h.empty_is_absent = empty_is_absent;
  KeyState state;
  std::vector<std::string> seen_values;   // every state the key held
  std::unique_ptr<Model> model = MakeModel(h);
  for (int i = 0; i < n; ++i) {
    Operation op;
    op.client = i;
    op.call = points[i] - spread(rng);
    op.ret = points[i] + spread(rng);
    int kind = coin(rng);
    std::string fresh = "v" + std::to_string(i);
    bool pending = coin(rng) < 15;
    bool effective = true;
    if (kv) {
      if (kind < 40) {
        op.input.kind = OpKind::kGet;
        pending = false;
      } else if (kind < 65) {
        op.input.kind = OpKind::kPut;
        op.input.value = fresh;
      } else {
        op.input.kind = OpKind::kAppend;
        op.input.value = "+" + std::to_string(i);
      }
    } else if (kind < 40) {
      op.input.kind = OpKind::kRead;
      pending = false;
    } else if (kind < 65) {
      op.input.kind = OpKind::kWrite;
      op.input.value = fresh;
    } else {
      op.input.kind = OpKind::kCas;
      op.input.value = fresh;
      bool hit = state.present && coin(rng) < 60;
      op.input.expected = hit ? state.value
                              : (!seen_values.empty() && coin(rng) < 70
                                     ? seen_values[size_t(coin(rng)) % seen_values.size()]
                                     : "v99");
    }
    if (pending) {
      op.ret.reset();
      op.output.known = false;
      effective = coin(rng) < 50;
    }
    if (op.input.kind == OpKind::kRead || op.input.kind == OpKind::kGet) {
      op.output.found = state.present;
      op.output.value = state.value;
    }
    if (op.input.kind == OpKind::kCas && !pending) {
      op.output.ok = state.present && state.value == op.input.expected;
    }
    if (effective) {
      KeyState next;
      if (model->Step(state, op, &next)) state = next;
    }
    if (state.present) seen_values.push_back(state.value);
    h.ops.push_back(std::move(op));
  }
  if (coin(rng) < 60) {   // corrupt one observation
    std::vector<size_t> reads;
    for (size_t i = 0; i < h.ops.size(); ++i) {
      OpKind k = h.ops[i].input.kind;
      if ((k == OpKind::kRead || k == OpKind::kGet) || (k == OpKind::kCas && h.ops[i].ret)) {
        reads.push_back(i);
      }
    }
    if (!reads.empty()) {
      Operation& r = h.ops[reads[size_t(coin(rng)) % reads.size()]];
      if (r.input.kind == OpKind::kCas) {
        r.output.ok = !r.output.ok;
      } else if (!seen_values.empty() && coin(rng) < 80) {
        r.output.found = true;
        r.output.value = seen_values[size_t(coin(rng)) % seen_values.size()];
      } else {
        r.output.found = false;
        r.output.value.clear();
      }
    }
  }
  if (coin(rng) < 50) {   // shift one interval, so real time can contradict the values
    Operation& o = h.ops[size_t(coin(rng)) % h.ops.size()];
    int64_t d = int64_t(spread(rng)) * 3 - 18;
    o.call += d;
    if (o.ret) *o.ret += d;
  }
  return h;
}

struct TwinCounts {
  int cases = 0, decided = 0, linearizable = 0, violated_decided = 0;
};

TwinCounts RunTwin(bool kv, bool empty_is_absent, int cases, uint32_t seed) {
  std::mt19937 rng(seed);
  TwinCounts t;
  LinOptions search_only;
  search_only.unique_value_path = false;
  search_only.shrink_violations = false;
  for (int c = 0; c < cases; ++c) {
    History h = RandomUnique(rng, kv, empty_is_absent);
    bool want = BruteForceLinearizable(h);
    Result<LinResult> search = CheckLinearizability(h, search_only);
    EXPECT_TRUE(search.ok());
    UniqueValueResult u = Decide(h);
    ++t.cases;
    t.linearizable += want;
    std::string dump;
    for (const Operation& op : h.ops) dump += "  " + DescribeOp(op) + "\n";
    EXPECT_EQ(search->validity, want ? Validity::kOk : Validity::kViolated) << dump;
    if (u.outcome == UniqueOutcome::kOk || u.outcome == UniqueOutcome::kViolated) {
      ++t.decided;
      t.violated_decided += u.outcome == UniqueOutcome::kViolated;
      if ((u.outcome == UniqueOutcome::kOk) != want) {
        ADD_FAILURE() << "case " << c << ": unique-value path says " << Text(u)
                      << "brute force says " << (want ? "linearizable" : "not") << "\n" << dump;
        return t;
      }
    } else {
      EXPECT_EQ(u.outcome, UniqueOutcome::kUndecided) << "values are unique here: " << u.why << "\n" << dump;
    }
  }
  return t;
}

void ExpectWellMixed(const TwinCounts& t, const char* what) {
  std::cout << "  " << what << ": " << t.cases << " histories, " << t.linearizable
            << " linearizable, " << t.decided << " decided by the unique-value path ("
            << t.violated_decided << " violated)\n";
  EXPECT_GT(t.linearizable, t.cases / 10) << what;
  EXPECT_LT(t.linearizable, t.cases - t.cases / 10) << what;
  EXPECT_GT(t.decided, t.cases * 9 / 10) << what;
}

TEST(UniqueValuesTwin, RegisterWithCasAndTimeoutsAgreesWithBruteForceAndSearch) {
  ExpectWellMixed(RunTwin(false, false, 3000, 11), "register");
}

TEST(UniqueValuesTwin, KvWithAppendsAndTimeoutsAgreesWithBruteForceAndSearch) {
  ExpectWellMixed(RunTwin(true, false, 3000, 12), "kv");
  ExpectWellMixed(RunTwin(true, true, 1000, 13), "kv, \"\" = absent");
}

// Longer histories (up to 24 operations), against the general search alone.
TEST(UniqueValuesTwin, LongerHistoriesAgreeWithTheSearch) {
  LinOptions search_only;
  search_only.unique_value_path = false;
  search_only.shrink_violations = false;
  for (bool kv : {false, true}) {
    std::mt19937 rng(kv ? 31 : 32);
    int decided = 0, ok = 0;
    for (int c = 0; c < 1500; ++c) {
      History h = RandomUnique(rng, kv, false, 24);
      Result<LinResult> search = CheckLinearizability(h, search_only);
      ASSERT_TRUE(search.ok());
      ok += search->validity == Validity::kOk;
      UniqueValueResult u = Decide(h);
      if (u.outcome != UniqueOutcome::kOk && u.outcome != UniqueOutcome::kViolated) continue;
      ++decided;
      ASSERT_EQ(u.outcome == UniqueOutcome::kOk, search->validity == Validity::kOk)
          << Text(u) << [&] {
               std::string s;
               for (const Operation& op : h.ops) s += "  " + DescribeOp(op) + "\n";
               return s;
             }();
    }
    std::cout << "  " << (kv ? "kv" : "register") << ": 1500 histories of up to 24 ops, " << ok
              << " linearizable, " << decided << " decided by the unique-value path\n";
    EXPECT_GT(decided, 1300);
    EXPECT_GT(ok, 150);
    EXPECT_LT(ok, 1350);
  }
}

// ---- scale --------------------------------------------------------------------------------------

TEST(UniqueValues, LargeHistoryIsDecidedWithoutTheSearch) {
  // 20000 sequential-simulation ops on one key, heavily overlapping: linearizable.
  std::mt19937 rng(5);
  History h;
  h.model = ModelKind::kKv;
  std::string state;
  bool present = false;
  for (int i = 0; i < 20000; ++i) {
    int64_t t = int64_t(i) * 10;
    Operation op;
    op.client = i % 50;
    op.call = t - int64_t(rng() % 400);
    op.ret = t + int64_t(rng() % 400);
    int k = int(rng() % 10);
    if (k < 4) {
      op.input.kind = OpKind::kGet;
      op.output.found = present;
      op.output.value = state;
    } else if (k < 6) {
      op.input.kind = OpKind::kPut;
      op.input.value = "p" + std::to_string(i);
      state = op.input.value;
      present = true;
    } else {
      op.input.kind = OpKind::kAppend;
      op.input.value = " a" + std::to_string(i);
      state += op.input.value;
      present = true;
    }
    h.ops.push_back(std::move(op));
  }
  Result<LinResult> r = CheckLinearizability(h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kOk) << r->evidence[0];
  EXPECT_EQ(r->keys_unique_path, 1u);
  EXPECT_EQ(r->steps, 0u);
  // One stale read late in the history is found, by the same path.
  h.ops[19000].input.kind = OpKind::kGet;
  h.ops[19000].output.found = true;
  h.ops[19000].output.value = "p100";
  r = CheckLinearizability(h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->validity, Validity::kViolated);
  EXPECT_EQ(r->keys_unique_path, 1u);
}

}  // namespace
}  // namespace raftlab::evidence
