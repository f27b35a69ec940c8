// LoadStats::LongestPutGapMs: the write-stall measure the prevote scenario publishes.
#include <gtest/gtest.h>

#include "scenarios/load.h"

namespace raftlab::scenarios {
namespace {

constexpr int64_t kMs = 1'000'000;

LoadStats Acks(std::vector<int64_t> ms) {
  LoadStats s;
  for (int64_t t : ms) s.put_ok_mono_ns.push_back(t * kMs);
  return s;
}

TEST(LongestPutGap, TheLongestStretchBetweenSuccessiveAcks) {
  EXPECT_DOUBLE_EQ(Acks({110, 130, 900, 920}).LongestPutGapMs(100 * kMs, 1000 * kMs), 770);
}

TEST(LongestPutGap, CountsFromTheWindowsStartAndToItsEnd) {
  EXPECT_DOUBLE_EQ(Acks({700, 710}).LongestPutGapMs(100 * kMs, 800 * kMs), 600);   // before the first ack
  EXPECT_DOUBLE_EQ(Acks({110, 120}).LongestPutGapMs(100 * kMs, 900 * kMs), 780);   // after the last one
}

TEST(LongestPutGap, IgnoresAcksOutsideTheWindowAndOrder) {
  // Acks before and after the window do not shorten the stall inside it; clients append out of order.
  EXPECT_DOUBLE_EQ(Acks({950, 50, 400, 90, 1200}).LongestPutGapMs(100 * kMs, 1000 * kMs), 550);
}

TEST(LongestPutGap, NoAckIsAStallOfTheWholeWindow) {
  EXPECT_DOUBLE_EQ(Acks({}).LongestPutGapMs(100 * kMs, 350 * kMs), 250);
  EXPECT_DOUBLE_EQ(Acks({10, 2000}).LongestPutGapMs(100 * kMs, 350 * kMs), 250);
}

}  // namespace
}  // namespace raftlab::scenarios
