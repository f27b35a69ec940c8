#include "evidence/sample_gaps.h"

#include <gtest/gtest.h>

namespace raftlab::evidence {
namespace {

constexpr int64_t kMs = 1'000'000;

void Add(evidence::Run* run, const std::string& member, int64_t mono_ns) {
  RaftSample s;
  s.member = member;
  s.mono_ns = mono_ns;
  run->samples.push_back(s);
}

TEST(SampleGaps, EmptyRunHasNoMembers) { EXPECT_TRUE(SampleGaps(evidence::Run{}, 0).empty()); }

TEST(SampleGaps, EvenSeriesHasEqualMedianAndLargestGap) {
  evidence::Run run;
  for (int i = 0; i < 5; ++i) Add(&run, "n1", 1000 * kMs + i * 50 * kMs);
  auto gaps = SampleGaps(run, 1000 * kMs);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].member, "n1");
  EXPECT_EQ(gaps[0].samples, 5u);
  EXPECT_DOUBLE_EQ(gaps[0].first_s, 0.0);
  EXPECT_DOUBLE_EQ(gaps[0].last_s, 0.2);
  EXPECT_DOUBLE_EQ(gaps[0].median_gap_ms, 50.0);
  EXPECT_DOUBLE_EQ(gaps[0].max_gap_ms, 50.0);
}

TEST(SampleGaps, FindsTheStallAndWhereItWas) {
  evidence::Run run;
  // n1 every 50 ms from t=0 to t=1 s except a stall from 0.40 to 0.75 s.
  for (int64_t t = 0; t <= 1000; t += 50)
    if (t <= 400 || t >= 750) Add(&run, "n1", t * kMs);
  auto gaps = SampleGaps(run, 0);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_DOUBLE_EQ(gaps[0].max_gap_ms, 350.0);
  EXPECT_DOUBLE_EQ(gaps[0].max_gap_from_s, 0.4);
  EXPECT_DOUBLE_EQ(gaps[0].max_gap_to_s, 0.75);
  EXPECT_DOUBLE_EQ(gaps[0].median_gap_ms, 50.0);
  EXPECT_EQ(DescribeSampleGaps(gaps[0]),
            "n1: 15 samples 0.000-1.000s, median gap 50.0 ms, largest 350.0 ms (0.400-0.750s)");
}

TEST(SampleGaps, TimesAreRelativeToTheOriginGiven) {
  evidence::Run run;
  Add(&run, "n1", 5000 * kMs);
  Add(&run, "n1", 5100 * kMs);
  auto gaps = SampleGaps(run, 4000 * kMs);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_DOUBLE_EQ(gaps[0].first_s, 1.0);
  EXPECT_DOUBLE_EQ(gaps[0].max_gap_from_s, 1.0);
  EXPECT_DOUBLE_EQ(gaps[0].max_gap_to_s, 1.1);
}

TEST(SampleGaps, MembersAreJudgedApartInNaturalOrder) {
  evidence::Run run;
  // Interleaved as a journal would have them; n2 stalls, n1 and n10 do not.
  for (int64_t t = 0; t <= 500; t += 50) {
    Add(&run, "n10", t * kMs + 1);
    Add(&run, "n1", t * kMs + 2);
    if (t == 0 || t == 500) Add(&run, "n2", t * kMs + 3);
  }
  auto gaps = SampleGaps(run, 0);
  ASSERT_EQ(gaps.size(), 3u);
  EXPECT_EQ(gaps[0].member, "n1");
  EXPECT_EQ(gaps[1].member, "n2");
  EXPECT_EQ(gaps[2].member, "n10");
  EXPECT_DOUBLE_EQ(gaps[0].max_gap_ms, 50.0);
  EXPECT_DOUBLE_EQ(gaps[1].max_gap_ms, 500.0);
  EXPECT_EQ(gaps[1].samples, 2u);
  EXPECT_DOUBLE_EQ(gaps[2].max_gap_ms, 50.0);
}

TEST(SampleGaps, OutOfOrderSamplesAreSortedFirst) {
  evidence::Run run;
  Add(&run, "n1", 100 * kMs);
  Add(&run, "n1", 0);
  Add(&run, "n1", 30 * kMs);
  auto gaps = SampleGaps(run, 0);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_DOUBLE_EQ(gaps[0].max_gap_ms, 70.0);   // not 100 - 0 read backwards, nor negative
  EXPECT_DOUBLE_EQ(gaps[0].median_gap_ms, 50.0);   // (30 + 70) / 2
  EXPECT_DOUBLE_EQ(gaps[0].first_s, 0.0);
  EXPECT_DOUBLE_EQ(gaps[0].last_s, 0.1);
}

TEST(SampleGaps, SingleSampleHasNoGap) {
  evidence::Run run;
  Add(&run, "n3", 2000 * kMs);
  auto gaps = SampleGaps(run, 0);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].samples, 1u);
  EXPECT_DOUBLE_EQ(gaps[0].max_gap_ms, 0.0);
  EXPECT_DOUBLE_EQ(gaps[0].median_gap_ms, 0.0);
  EXPECT_EQ(DescribeSampleGaps(gaps[0]), "n3: 1 sample at 2.000s, no gap to measure");
}

}  // namespace
}  // namespace raftlab::evidence
