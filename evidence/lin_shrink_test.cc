// The shrinker: its output still fails and is 1-minimal (removing any one operation, with the
// reads it leaves without a source, makes it linearizable), on crafted and random histories.
#include "evidence/lin_shrink.h"

#include <gtest/gtest.h>

#include <random>

#include "evidence/lin_test_util.h"

namespace raftlab::evidence {
namespace {

Operation Op(int64_t client, OpKind kind, std::string value, int64_t call, int64_t ret) {
  Operation op;
  op.client = client;
  op.input.kind = kind;
  op.call = call;
  op.ret = ret;
  if (kind == OpKind::kRead || kind == OpKind::kGet) {
    op.output.found = !value.empty();
    op.output.value = value;
  } else {
    op.input.value = value;
  }
  op.origin = "line " + std::to_string(call);
  return op;
}

History Sub(const History& h, const std::vector<size_t>& idx) {
  History s;
  s.model = h.model;
  s.empty_is_absent = h.empty_is_absent;
  for (size_t i : idx) s.ops.push_back(h.ops[i]);
  return s;
}

// The shrinker's promise, checked with the brute force (small results only).
void ExpectFailingAndOneMinimal(const History& h, const ShrunkHistory& s) {
  ASSERT_TRUE(s.minimal) << s.not_minimal_why;
  History sub = Sub(h, s.ops);
  EXPECT_FALSE(BruteForceLinearizable(sub));
  for (size_t i = 0; i < s.ops.size(); ++i) {
    std::vector<size_t> rest = RemoveWithDependents(h, s.ops, {s.ops[i]});
    EXPECT_TRUE(BruteForceLinearizable(Sub(h, rest)))
        << "removing " << DescribeOp(h.ops[s.ops[i]]) << " still fails";
  }
}

TEST(LinShrink, StaleReadAmongNoiseShrinksToItsThreeOperations) {
  History h;
  h.model = ModelKind::kRegister;
  for (int i = 0; i < 40; ++i) {   // noise: write i, read i, sequential
    h.ops.push_back(Op(1, OpKind::kWrite, "n" + std::to_string(i), 100 * i, 100 * i + 10));
    h.ops.push_back(Op(2, OpKind::kRead, "n" + std::to_string(i), 100 * i + 20, 100 * i + 30));
  }
  // After all that: write a, write b, then a stale read of a.
  h.ops.push_back(Op(3, OpKind::kWrite, "a", 5000, 5010));
  h.ops.push_back(Op(3, OpKind::kWrite, "b", 5020, 5030));
  h.ops.push_back(Op(4, OpKind::kRead, "a", 5040, 5050));
  ShrunkHistory s = ShrinkViolation(h, LinOptions{});
  ASSERT_EQ(s.ops.size(), 3u);
  EXPECT_EQ(h.ops[s.ops[0]].input.value, "a");
  EXPECT_EQ(h.ops[s.ops[1]].input.value, "b");
  EXPECT_EQ(h.ops[s.ops[2]].output.value, "a");
  ExpectFailingAndOneMinimal(h, s);
  std::vector<std::string> lines = DescribeShrunk(h, s, "key \"k\"");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[0].find("minimal failing sub-history of key \"k\": 3 of 83 operations"),
            std::string::npos) << lines[0];
  EXPECT_NE(lines[3].find("client 4 read -> \"a\"  (call 5040, ret 5050) line 5040"),
            std::string::npos) << lines[3];
}

TEST(LinShrink, RemovingAWriteTakesTheReadsThatSawOnlyIt) {
  History h;
  h.model = ModelKind::kRegister;
  h.ops = {Op(1, OpKind::kWrite, "a", 0, 10), Op(2, OpKind::kRead, "a", 20, 30),
           Op(1, OpKind::kWrite, "b", 40, 50), Op(2, OpKind::kRead, "b", 60, 70)};
  Operation cas;
  cas.input.kind = OpKind::kCas;
  cas.input.expected = "b";
  cas.input.value = "c";
  cas.call = 80;
  cas.ret = 90;
  h.ops.push_back(cas);
  h.ops.push_back(Op(2, OpKind::kRead, "c", 100, 110));
  // Dropping write b drops the read of b and the cas from b, and so the read of c.
  EXPECT_EQ(RemoveWithDependents(h, {0, 1, 2, 3, 4, 5}, {2}), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(RemoveWithDependents(h, {0, 1, 2, 3, 4, 5}, {1}), (std::vector<size_t>{0, 2, 3, 4, 5}));
  // With appends, a get depends on every write its string shows.
  History kv;
  kv.model = ModelKind::kKv;
  kv.ops = {Op(1, OpKind::kPut, "p", 0, 10), Op(1, OpKind::kAppend, "x", 20, 30),
            Op(2, OpKind::kGet, "px", 40, 50), Op(2, OpKind::kGet, "p", 5, 15)};
  EXPECT_EQ(RemoveWithDependents(kv, {0, 1, 2, 3}, {1}), (std::vector<size_t>{0, 3}));
}

TEST(LinShrink, BudgetLeavesAFailingButUnprovenResult) {
  History h;
  h.model = ModelKind::kRegister;
  h.ops = {Op(1, OpKind::kWrite, "a", 0, 10), Op(1, OpKind::kWrite, "b", 20, 30),
           Op(2, OpKind::kRead, "a", 40, 50)};
  LinOptions opt;
  opt.shrink_max_checks = 2;
  ShrunkHistory s = ShrinkViolation(h, opt);
  EXPECT_FALSE(s.minimal);
  EXPECT_NE(s.not_minimal_why.find("2 checks"), std::string::npos) << s.not_minimal_why;
  EXPECT_FALSE(BruteForceLinearizable(Sub(h, s.ops)));
}

// Random small histories, values drawn from a few (so both paths of the checker are used),
// with deletes in kv ones.
History Random(std::mt19937& rng, bool kv) {
  std::uniform_int_distribution<int> nops(2, 7), val(0, 3), coin(0, 9), t(0, 30), len(0, 12);
  History h;
  h.model = kv ? ModelKind::kKv : ModelKind::kRegister;
  int n = nops(rng);
  for (int i = 0; i < n; ++i) {
    int64_t call = t(rng);
    int kind = coin(rng);
    std::string v = std::to_string(val(rng));
    Operation op;
    if (kv) {
      op = Op(i, kind < 4 ? OpKind::kGet : kind < 6 ? OpKind::kPut : kind < 9 ? OpKind::kAppend : OpKind::kDelete,
              kind < 4 ? (coin(rng) < 2 ? "" : v) : kind < 9 ? v : "", call, call + len(rng));
    } else if (kind < 4) {
      op = Op(i, OpKind::kRead, coin(rng) < 2 ? "" : v, call, call + len(rng));
    } else if (kind < 8) {
      op = Op(i, OpKind::kWrite, v, call, call + len(rng));
    } else {
      op = Op(i, OpKind::kCas, std::to_string(val(rng)), call, call + len(rng));
      op.input.expected = v;
      op.output.ok = coin(rng) < 5;
    }
    if (coin(rng) < 2 && op.input.kind != OpKind::kRead && op.input.kind != OpKind::kGet) {
      op.ret.reset();
      op.output.known = false;
    }
    h.ops.push_back(std::move(op));
  }
  return h;
}

// The removal keeps linearizability monotone: from a linearizable history, removing any one
// operation with its dependents leaves a linearizable history (so a failing sub-history is a
// genuine witness against the whole).
TEST(LinShrink, RemovalWithDependentsKeepsLinearizableHistoriesLinearizable) {
  for (bool kv : {false, true}) {
    std::mt19937 rng(kv ? 41 : 42);
    int tried = 0;
    for (int c = 0; c < 3000; ++c) {
      History h = Random(rng, kv);
      if (!BruteForceLinearizable(h)) continue;
      std::vector<size_t> all(h.ops.size());
      for (size_t i = 0; i < all.size(); ++i) all[i] = i;
      for (size_t i = 0; i < all.size(); ++i) {
        ++tried;
        ASSERT_TRUE(BruteForceLinearizable(Sub(h, RemoveWithDependents(h, all, {i}))))
            << "removing op " << i << " of\n" << [&] {
                 std::string s;
                 for (const Operation& op : h.ops) s += "  " + DescribeOp(op) + "\n";
                 return s;
               }();
      }
    }
    EXPECT_GT(tried, 1000);
  }
}

TEST(LinShrink, RandomViolationsShrinkToOneMinimalFailingHistories) {
  for (bool kv : {false, true}) {
    std::mt19937 rng(kv ? 21 : 22);
    int shrunk = 0;
    for (int c = 0; c < 1500; ++c) {
      History h = Random(rng, kv);
      if (BruteForceLinearizable(h)) continue;
      ShrunkHistory s = ShrinkViolation(h, LinOptions{});
      ++shrunk;
      ExpectFailingAndOneMinimal(h, s);
      if (HasFailure()) {
        for (const Operation& op : h.ops) std::cout << "  " << DescribeOp(op) << "\n";
        return;
      }
    }
    std::cout << "  " << (kv ? "kv" : "register") << ": " << shrunk << " violations shrunk\n";
    EXPECT_GT(shrunk, 200);
  }
}

}  // namespace
}  // namespace raftlab::evidence
