// LatencyHistogram: a log-bucketed histogram of latencies in nanoseconds, for the load
// generator's per-kind tables (p50, p90, p99, p99.9, max) and panels.
//
// Buckets: every value below 64 ns has its own bucket; above, each power of two [2^e, 2^(e+1))
// is cut into 32 equal buckets. A bucket [low, high) is therefore at most low/32 wide. A
// percentile is the nearest-rank one (the smallest recorded value v such that at least p% of
// the values are <= v); the histogram answers with the midpoint of the bucket holding that
// value, clamped to the recorded [min, max], so the answer is within 1/64 of the true value
// (relative; exact below 64 ns, and exact for p = 0 and p = 100). Count, min, max and the sum
// are exact. Fixed size (1,888 counters), no allocation per Record.
//
// Not thread-safe: one owner records; histograms of several owners merge with Merge().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "common/json_util.h"

namespace raftlab::driver {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 5;                        // 32 buckets per power of two
  // Values below 64 ns, then 32 buckets for each power of two 2^6 .. 2^62 (int64 ends there).
  static constexpr size_t kBuckets = 64 + (62 - 6 + 1) * 32;

  void Record(int64_t ns);   // negative values count as 0
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t min_ns() const { return count_ ? min_ns_ : 0; }
  int64_t max_ns() const { return count_ ? max_ns_ : 0; }
  double mean_ns() const { return count_ ? static_cast<double>(sum_ns_) / static_cast<double>(count_) : 0; }
  // p in [0, 100]; 0 when empty.
  int64_t PercentileNs(double p) const;
  double PercentileMs(double p) const { return static_cast<double>(PercentileNs(p)) / 1e6; }

  // {"count", "min_ms", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms",
  //  "resolution": "1/32", "buckets": [[low_ns, high_ns, count], ...]} (non-empty buckets only).
  Json ToJson() const;

  // Bucket arithmetic (for panels and tests): the bucket of a value and its [low, high) bounds.
  static size_t BucketOf(int64_t ns);
  static int64_t BucketLow(size_t bucket);
  static int64_t BucketHigh(size_t bucket);

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  int64_t sum_ns_ = 0;
  int64_t min_ns_ = 0, max_ns_ = 0;
};

// The nearest rank of percentile p among n values: ceil(p/100 * n), at least 1 (n > 0).
uint64_t NearestRank(double p, uint64_t n);

}  // namespace raftlab::driver
