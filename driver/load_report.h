// LoadReport: what one load generator run asked for and what it got, per op kind ("put",
// "get/linearizable", "get/serializable", "get/log"): counts and a latency histogram of the ok
// ops. Rates count ops over the active time, from the first invoke to the last completion
// (idle time before or after the load does not dilute them). Rendered as a table (CLI,
// transcripts) and as JSON (load.json in the run folder; panels read its buckets).
//
// Pure data and formatting. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "driver/latency_histogram.h"

namespace raftlab::driver {

struct KindStats {
  uint64_t ok = 0, fail = 0, info = 0;
  LatencyHistogram ok_latency;
  uint64_t completed() const { return ok + fail + info; }
};

struct LoadReport {
  // What was asked.
  double target_rate = 0;                 // ops/s; 0 in closed-loop mode
  int in_flight = 0;                      // closed-loop mode: ops kept in flight
  double read_ratio = 0;
  std::vector<std::string> read_paths;
  int64_t duration_ms = 0;
  int keys = 0;
  std::vector<std::string> via;           // members
  int channels = 0;                       // gRPC channels in all
  int timeout_ms = 0;
  // What happened.
  uint64_t issued = 0, ok = 0, fail = 0, info = 0;
  uint64_t skipped = 0;                   // arrivals not issued: max_in_flight reached
  uint64_t clients = 0;                   // logical client ids used
  int64_t first_invoke_ns = 0, last_complete_ns = 0;   // CLOCK_MONOTONIC
  LatencyHistogram schedule_lag;          // issue time minus scheduled arrival time
  double cpu_s = 0;                       // the generator's process, user + system
  double wall_s = 0;                      // Start to the last completion
  std::map<std::string, KindStats> kinds;
  std::map<std::string, uint64_t> errors; // "<kind> <phase>: <message>" -> count
  std::string journal_path;
  uint64_t journal_lines = 0, journal_writes = 0, journal_lost = 0;

  uint64_t completed() const { return ok + fail + info; }
  double ActiveSeconds() const;
  double Rate() const;                    // completed / ActiveSeconds
  double KindRate(const std::string& kind) const;
  double CpuPercent() const;              // of one core, over wall_s
};

// "put", or "get/<path>".
std::string KindName(bool write, const std::string& read_path);

// A title line, then one row per kind: ok, fail, info, rate/s, p50, p90, p99, p99.9, max (ms).
std::string LoadTable(const LoadReport& r);
Json LoadJson(const LoadReport& r);

// The target was sustained: the rate reached (1 - slack) of the target, no arrival was
// skipped, every op returned ok. `why` (may be null) says what fell short.
bool Sustained(const LoadReport& r, double slack, std::string* why);

}  // namespace raftlab::driver
