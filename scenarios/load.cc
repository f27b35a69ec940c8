#include "scenarios/load.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "common/clock.h"

namespace raftlab::scenarios {

double LoadStats::Percentile(double p) const {
  if (ok_latency_ms.empty()) return 0;
  std::vector<double> v = ok_latency_ms;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double LoadStats::LongestPutGapMs(int64_t from_ns, int64_t to_ns) const {
  std::vector<int64_t> acks = put_ok_mono_ns;   // appended by several clients: nearly sorted
  std::sort(acks.begin(), acks.end());
  int64_t longest = 0, previous = from_ns;
  for (int64_t t : acks) {
    if (t <= from_ns || t > to_ns) continue;
    longest = std::max(longest, t - previous);
    previous = t;
  }
  longest = std::max(longest, to_ns - previous);
  return static_cast<double>(longest) / 1e6;
}

std::string LoadStats::Summary() const {
  char buf[256];
  double rate = duration_s > 0 ? ops / duration_s : 0;
  double max = ok_latency_ms.empty() ? 0 : *std::max_element(ok_latency_ms.begin(), ok_latency_ms.end());
  snprintf(buf, sizeof buf,
           "%d ops (%d put ok, %d get ok, %d errors) in %.1f s, %.0f/s; ok latency p50 %.1f ms, p99 %.1f ms, max %.1f ms",
           ops, puts_ok, gets_ok, failed, duration_s, rate, Percentile(50), Percentile(99), max);
  return buf;
}

LoadGenerator::LoadGenerator(v1::LabControl::Stub* stub, LoadOptions options)
    : stub_(stub), options_(std::move(options)) {}

LoadGenerator::~LoadGenerator() { (void)Stop(); }

void LoadGenerator::Start() {
  start_ns_ = MonoNowNs();
  for (int i = 0; i < options_.clients; ++i) threads_.emplace_back([this, i] { Client(i); });
}

LoadStats LoadGenerator::Stop() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  return Snapshot();
}

LoadStats LoadGenerator::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  LoadStats s = stats_;
  if (start_ns_ != 0) s.duration_s = static_cast<double>(MonoNowNs() - start_ns_) / 1e9;
  return s;
}

void LoadGenerator::Client(int index) {
  std::mt19937_64 rng(options_.seed * 1000003ULL + static_cast<uint64_t>(index));
  const int64_t client_id = options_.first_client_id + index;
  const int64_t end_ns = start_ns_ + static_cast<int64_t>(options_.max_ms) * 1'000'000;
  std::uniform_real_distribution<double> coin(0, 1);
  for (int seq = 1; !stop_ && MonoNowNs() < end_ns; ++seq) {
    if (issued_.fetch_add(1) >= options_.max_ops) break;
    std::string via = options_.via.empty() ? "" : options_.via[rng() % options_.via.size()];
    std::string key = options_.key_prefix + std::to_string(rng() % static_cast<uint64_t>(std::max(1, options_.keys)));
    bool read = coin(rng) < options_.read_fraction;
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(options_.timeout_ms + 5000));
    const int64_t t0 = MonoNowNs();
    grpc::Status s;
    if (read) {
      v1::GetRequest req;
      req.set_key(key);
      req.set_via(via);
      req.set_serializable(options_.serializable_reads);
      req.set_timeout_ms(static_cast<uint32_t>(options_.timeout_ms));
      req.set_client(client_id);
      v1::GetReply reply;
      s = stub_->Get(&call, req, &reply);
    } else {
      v1::PutRequest req;
      req.set_key(key);
      req.set_value("c" + std::to_string(client_id) + "-" + std::to_string(seq));
      req.set_via(via);
      req.set_timeout_ms(static_cast<uint32_t>(options_.timeout_ms));
      req.set_client(client_id);
      v1::PutReply reply;
      s = stub_->Put(&call, req, &reply);
    }
    const int64_t done_ns = MonoNowNs();
    const double ms = static_cast<double>(done_ns - t0) / 1e6;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.ops;
      if (s.ok()) {
        ++stats_.ok;
        ++(read ? stats_.gets_ok : stats_.puts_ok);
        stats_.ok_latency_ms.push_back(ms);
        if (!read) stats_.put_ok_mono_ns.push_back(done_ns);
      } else {
        ++stats_.failed;
      }
    }
    if (options_.think_ms > 0 && !stop_) SleepMs(options_.think_ms);
  }
}

}  // namespace raftlab::scenarios
