// LatencyHistogram against a brute-force nearest-rank percentile on random data: every
// percentile the tables print is within the documented resolution (1/64 of the true value).
#include "driver/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace raftlab::driver {
namespace {

int64_t BruteForcePercentile(std::vector<int64_t> v, double p) {
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()) - 1e-9));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

void ExpectWithinResolution(const std::vector<int64_t>& values, const LatencyHistogram& h, const char* what) {
  for (double p : {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.99, 100.0}) {
    const int64_t truth = BruteForcePercentile(values, p);
    const int64_t got = h.PercentileNs(p);
    const double tolerance = static_cast<double>(truth) / 64.0 + 0.5;
    EXPECT_LE(std::abs(static_cast<double>(got - truth)), tolerance)
        << what << " p" << p << ": histogram " << got << " ns, brute force " << truth << " ns";
  }
  EXPECT_EQ(h.PercentileNs(0), *std::min_element(values.begin(), values.end())) << what;
  EXPECT_EQ(h.PercentileNs(100), *std::max_element(values.begin(), values.end())) << what;
}

TEST(LatencyHistogram, PercentilesMatchBruteForceOnRandomData) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 40; ++round) {
    const size_t n = 1 + rng() % 20000;
    std::vector<int64_t> values;
    LatencyHistogram h;
    // Log-normal latencies around 1 ms with a long tail, a few very small and very large ones.
    std::lognormal_distribution<double> lat(std::log(1e6), 1.0 + (round % 4) * 0.5);
    for (size_t i = 0; i < n; ++i) {
      int64_t v = static_cast<int64_t>(lat(rng));
      if (rng() % 50 == 0) v = static_cast<int64_t>(rng() % 200);           // tiny (exact buckets)
      if (rng() % 500 == 0) v = static_cast<int64_t>(rng() % (int64_t{1} << 40));   // huge
      values.push_back(v);
      h.Record(v);
    }
    ExpectWithinResolution(values, h, ("round " + std::to_string(round)).c_str());
    EXPECT_EQ(h.count(), n);
  }
}

TEST(LatencyHistogram, UniformAndConstantData) {
  std::mt19937_64 rng(7);
  std::vector<int64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100000; ++i) {
    int64_t v = 1000 + static_cast<int64_t>(rng() % 50'000'000);
    values.push_back(v);
    h.Record(v);
  }
  ExpectWithinResolution(values, h, "uniform");
  LatencyHistogram c;
  for (int i = 0; i < 1000; ++i) c.Record(123456789);
  for (double p : {0.0, 50.0, 99.9, 100.0}) EXPECT_EQ(c.PercentileNs(p), 123456789) << p;   // clamped to min = max
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
  std::mt19937_64 rng(3);
  LatencyHistogram a, b, all;
  std::vector<int64_t> values;
  for (int i = 0; i < 5000; ++i) {
    int64_t v = static_cast<int64_t>(rng() % 10'000'000);
    (i % 3 ? a : b).Record(v);
    all.Record(v);
    values.push_back(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min_ns(), all.min_ns());
  EXPECT_EQ(a.max_ns(), all.max_ns());
  for (double p : {50.0, 90.0, 99.0, 99.9}) EXPECT_EQ(a.PercentileNs(p), all.PercentileNs(p)) << p;
  ExpectWithinResolution(values, a, "merged");
}

TEST(LatencyHistogram, BucketsTileTheLineAndAreNarrow) {
  // Every value lies in its bucket; consecutive buckets touch; width <= low/32 above 64 ns.
  for (size_t b = 0; b + 1 < LatencyHistogram::kBuckets; ++b) {
    ASSERT_EQ(LatencyHistogram::BucketHigh(b), LatencyHistogram::BucketLow(b + 1)) << b;
    const int64_t low = LatencyHistogram::BucketLow(b), high = LatencyHistogram::BucketHigh(b);
    ASSERT_EQ(LatencyHistogram::BucketOf(low), b);
    ASSERT_EQ(LatencyHistogram::BucketOf(high - 1), b);
    if (low >= 64) ASSERT_LE(high - low, low / 32) << b;
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(INT64_MAX), LatencyHistogram::kBuckets - 1);
  EXPECT_EQ(LatencyHistogram::BucketOf(-5), 0u);
}

TEST(LatencyHistogram, EmptyAndJson) {
  LatencyHistogram h;
  EXPECT_EQ(h.PercentileNs(50), 0);
  EXPECT_EQ(h.ToJson()["count"], 0);
  h.Record(2'000'000);
  h.Record(4'000'000);
  Json j = h.ToJson();
  EXPECT_EQ(j["count"], 2);
  EXPECT_DOUBLE_EQ(j["max_ms"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(j["p50_ms"].get<double>(), 2.0);
  ASSERT_EQ(j["buckets"].size(), 2u);
  EXPECT_EQ(j["buckets"][0][2], 1);
  EXPECT_EQ(NearestRank(99.9, 1000), 999u);
  EXPECT_EQ(NearestRank(50, 1), 1u);
}

}  // namespace
}  // namespace raftlab::driver
