#include "driver/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace raftlab::driver {

uint64_t NearestRank(double p, uint64_t n) {
  if (n == 0) return 0;
  double exact = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(n);
  // 1e-9 absorbs the rounding of p/100 * n (99.9% of 1000 is 999, not 1000).
  uint64_t rank = static_cast<uint64_t>(std::ceil(exact - 1e-9));
  return std::clamp<uint64_t>(rank, 1, n);
}

size_t LatencyHistogram::BucketOf(int64_t ns) {
  if (ns < 64) return static_cast<size_t>(std::max<int64_t>(ns, 0));
  const uint64_t v = static_cast<uint64_t>(ns);
  const int e = 63 - std::countl_zero(v);   // 2^e <= v < 2^(e+1), e >= 6
  const int shift = e - kSubBucketBits;
  return static_cast<size_t>(shift) * 32 + static_cast<size_t>(v >> shift);
}

int64_t LatencyHistogram::BucketLow(size_t bucket) {
  if (bucket < 64) return static_cast<int64_t>(bucket);
  const size_t shift = bucket / 32 - 1;     // inverse of BucketOf: bucket = shift*32 + (32..63)
  const uint64_t top = bucket - shift * 32; // 32..63
  return static_cast<int64_t>(top << shift);
}

int64_t LatencyHistogram::BucketHigh(size_t bucket) {
  if (bucket < 64) return static_cast<int64_t>(bucket) + 1;
  const size_t shift = bucket / 32 - 1;
  return BucketLow(bucket) + (int64_t{1} << shift);
}

void LatencyHistogram::Record(int64_t ns) {
  ns = std::max<int64_t>(ns, 0);
  ++counts_[BucketOf(ns)];
  if (count_ == 0 || ns < min_ns_) min_ns_ = ns;
  if (count_ == 0 || ns > max_ns_) max_ns_ = ns;
  ++count_;
  sum_ns_ += ns;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  min_ns_ = count_ == 0 ? other.min_ns_ : std::min(min_ns_, other.min_ns_);
  max_ns_ = count_ == 0 ? other.max_ns_ : std::max(max_ns_, other.max_ns_);
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
}

int64_t LatencyHistogram::PercentileNs(double p) const {
  if (count_ == 0) return 0;
  const uint64_t rank = NearestRank(p, count_);
  if (rank == 1) return min_ns_;          // the smallest value and the largest are exact
  if (rank == count_) return max_ns_;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen < rank) continue;
    const int64_t low = BucketLow(i), high = BucketHigh(i);
    const int64_t mid = low + (high - 1 - low) / 2;
    return std::clamp(mid, min_ns_, max_ns_);
  }
  return max_ns_;
}

Json LatencyHistogram::ToJson() const {
  auto ms = [](double ns) { return std::round(ns / 1e3) / 1e3; };   // microsecond precision
  Json buckets = Json::array();
  for (size_t i = 0; i < kBuckets; ++i)
    if (counts_[i] != 0) buckets.push_back({BucketLow(i), BucketHigh(i), counts_[i]});
  return {{"count", count_},
          {"min_ms", ms(static_cast<double>(min_ns()))},
          {"mean_ms", ms(mean_ns())},
          {"p50_ms", ms(static_cast<double>(PercentileNs(50)))},
          {"p90_ms", ms(static_cast<double>(PercentileNs(90)))},
          {"p99_ms", ms(static_cast<double>(PercentileNs(99)))},
          {"p999_ms", ms(static_cast<double>(PercentileNs(99.9)))},
          {"max_ms", ms(static_cast<double>(max_ns()))},
          {"resolution", "1/32"},
          {"buckets", buckets}};
}

}  // namespace raftlab::driver
