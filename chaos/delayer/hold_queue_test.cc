// HoldQueue: order, timing, bound and statistics of the delayer's packet FIFO.
#include "chaos/delayer/hold_queue.h"

#include <gtest/gtest.h>

namespace raftlab::chaos {
namespace {

constexpr int64_t kMs = 1000000;

TEST(HoldQueueTest, ReleasesInArrivalOrderAfterDelay) {
  HoldQueue q(10);
  ASSERT_TRUE(q.Push(1, 0));
  ASSERT_TRUE(q.Push(2, 10 * kMs));
  ASSERT_TRUE(q.Push(3, 20 * kMs));
  std::vector<uint32_t> out;
  q.PopDue(49 * kMs, 50 * kMs, &out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(q.NextDueIn(49 * kMs, 50 * kMs), 1 * kMs);
  q.PopDue(60 * kMs, 50 * kMs, &out);
  EXPECT_EQ(out, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(q.NextDueIn(60 * kMs, 50 * kMs), 10 * kMs);
  q.PopDue(70 * kMs, 50 * kMs, &out);
  EXPECT_EQ(out, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(q.NextDueIn(70 * kMs, 50 * kMs), -1);
  EXPECT_EQ(q.stats().held, 3u);
  EXPECT_EQ(q.stats().total_hold_ns, (60 + 50 + 50) * kMs);
  EXPECT_EQ(q.stats().max_hold_ns, 60 * kMs);
  EXPECT_EQ(q.stats().max_depth, 3u);
}

TEST(HoldQueueTest, ShrinkingDelayNeverReorders) {
  HoldQueue q(10);
  ASSERT_TRUE(q.Push(1, 0));
  ASSERT_TRUE(q.Push(2, 5 * kMs));
  std::vector<uint32_t> out;
  q.PopDue(10 * kMs, 0, &out);  // delay dropped to 0: both due, in order
  EXPECT_EQ(out, (std::vector<uint32_t>{1, 2}));
}

TEST(HoldQueueTest, OverflowIsCountedNotHeld) {
  HoldQueue q(2);
  EXPECT_TRUE(q.Push(1, 0));
  EXPECT_TRUE(q.Push(2, 0));
  EXPECT_FALSE(q.Push(3, 0));
  EXPECT_EQ(q.size(), 2u);
  std::vector<uint32_t> out;
  q.PopAll(1 * kMs, &out);
  EXPECT_EQ(out, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(q.stats().packets, 3u);
  EXPECT_EQ(q.stats().overflow, 1u);
  EXPECT_EQ(FormatHoldStats(q.stats()),
            "packets=3 held=2 mean_hold_ms=1.00 max_hold_ms=1.00 overflow=1 max_depth=2");
}

}  // namespace
}  // namespace raftlab::chaos
