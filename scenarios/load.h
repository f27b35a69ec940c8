// LoadGenerator: a seeded client workload for scenarios. N client threads each run a bounded
// loop of puts (every value unique: "c<client>-<seq>") and gets over a few shared keys, each op
// through a member picked from `via` by the client's own seeded generator, as control-plane
// Put/Get RPCs with the client's id and a short timeout, so raftlabd journals every op as
// invoke + ok/fail/info (the history the linearizability checker judges). It stops at
// max_ops (all clients together), after max_ms, or on Stop(), whichever comes first, and
// records the latency of every completed op.
//
// Threads: one per client, started by Start() and joined by Stop() or the destructor. The
// gRPC stub is shared (gRPC stubs are thread-safe); the stats are behind a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "proto/raftlab.grpc.pb.h"

namespace raftlab::scenarios {

struct LoadOptions {
  int clients = 2;
  std::vector<std::string> via;        // members to send through; empty: any (raftlabd picks the leader)
  double read_fraction = 0.3;
  bool serializable_reads = false;
  int keys = 4;                        // shared keys <key_prefix>0..keys-1
  std::string key_prefix = "load/k";
  int max_ops = 1000;                  // all clients together
  int max_ms = 60000;
  int timeout_ms = 1500;               // per op
  int think_ms = 20;                   // pause between a client's ops
  int64_t first_client_id = 100;       // client ids first_client_id, +1, ...
  uint64_t seed = 1;
};

struct LoadStats {
  int ops = 0, ok = 0, failed = 0;     // failed: any error (timeouts included)
  int puts_ok = 0, gets_ok = 0;
  std::vector<double> ok_latency_ms;   // completed ok ops
  std::vector<int64_t> put_ok_mono_ns; // when each acknowledged put returned (MonoNowNs)
  double duration_s = 0;

  double Percentile(double p) const;   // over ok_latency_ms; 0 when empty
  // The longest stretch of [from_ns, to_ns] without an acknowledged put, in ms: up to the
  // first ack in the window, between two successive acks, or after the last one (the whole
  // window when none landed in it). A write stall, whether the puts failed or hung.
  double LongestPutGapMs(int64_t from_ns, int64_t to_ns) const;
  // "412 ops (300 put ok, 100 get ok, 12 errors) in 10.2 s, 40/s; ok latency p50 3.1 ms p99 12 ms max 40 ms"
  std::string Summary() const;
};

class LoadGenerator {
 public:
  LoadGenerator(v1::LabControl::Stub* stub, LoadOptions options);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  void Start();
  // Stops the clients (each finishes its op in flight) and returns the totals.
  LoadStats Stop();
  LoadStats Snapshot() const;

 private:
  void Client(int index);

  v1::LabControl::Stub* stub_;
  LoadOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<int> issued_{0};
  int64_t start_ns_ = 0;
  mutable std::mutex mu_;
  LoadStats stats_;
  std::vector<std::thread> threads_;
};

}  // namespace raftlab::scenarios
