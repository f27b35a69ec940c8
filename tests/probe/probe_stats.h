// The probe's pure core: what a batch of probe datagrams says about a path. No sockets, no
// clocks; times are parameters. Used by raftlab-probe (probe_main.cc) and its unit test.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace raftlab::probe {

// Nearest-rank percentile of `values` (q in [0,1]); 0 when empty.
inline double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  q = std::clamp(q, 0.0, 1.0);
  size_t rank = static_cast<size_t>(q * static_cast<double>(values.size()) + 0.999999);
  if (rank == 0) rank = 1;
  return values[std::min(rank, values.size()) - 1];
}

struct RttSummary {
  size_t n = 0;
  double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

inline RttSummary SummariseRtt(const std::vector<double>& rtt_ms) {
  RttSummary s;
  s.n = rtt_ms.size();
  if (rtt_ms.empty()) return s;
  s.min = *std::min_element(rtt_ms.begin(), rtt_ms.end());
  s.max = *std::max_element(rtt_ms.begin(), rtt_ms.end());
  double sum = 0;
  for (double v : rtt_ms) sum += v;
  s.mean = sum / static_cast<double>(rtt_ms.size());
  s.p50 = Percentile(rtt_ms, 0.50);
  s.p90 = Percentile(rtt_ms, 0.90);
  s.p99 = Percentile(rtt_ms, 0.99);
  return s;
}

// A probe datagram's header: magic, sequence number, sender's send time. Echoed verbatim.
struct Datagram {
  static constexpr uint32_t kMagic = 0x524c5052;   // "RLPR"
  static constexpr size_t kHeader = 16;
  uint32_t seq = 0;
  int64_t sent_ns = 0;
};

inline void Encode(const Datagram& d, std::vector<unsigned char>* buf) {
  if (buf->size() < Datagram::kHeader) buf->resize(Datagram::kHeader);
  auto put = [&](size_t at, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) (*buf)[at + static_cast<size_t>(i)] = static_cast<unsigned char>(v >> (8 * i));
  };
  put(0, Datagram::kMagic, 4);
  put(4, d.seq, 4);
  put(8, static_cast<uint64_t>(d.sent_ns), 8);
}

// False when the bytes are not a probe datagram.
inline bool Decode(const unsigned char* data, size_t len, Datagram* d) {
  if (len < Datagram::kHeader) return false;
  auto get = [&](size_t at, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | data[at + static_cast<size_t>(i)];
    return v;
  };
  if (get(0, 4) != Datagram::kMagic) return false;
  d->seq = static_cast<uint32_t>(get(4, 4));
  d->sent_ns = static_cast<int64_t>(get(8, 8));
  return true;
}

}  // namespace raftlab::probe
