// Sampler: polls every member's /debug/vars (raft.status) and /metrics at a fixed period
// (default 50 ms), one thread per member so a paused or partitioned member cannot delay the
// others. Each poll becomes a "sample" journal line and updates the exporter; the latest
// sample per member is kept for `status`.
// Thread-safe: AddMember/RemoveMember/Latest may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "evidence/exporter.h"
#include "evidence/journal.h"
#include "evidence/run.h"

namespace raftlab::evidence {

struct SamplerOptions {
  int interval_ms = 50;
  int metrics_every = 1;   // read /metrics on every Nth poll
  int timeout_ms = 200;
};

class Sampler {
 public:
  // names() returns the current etcd id -> member name map (for labels and lead names).
  Sampler(Journal* journal, Exporter* exporter, SamplerOptions options,
          std::function<std::map<uint64_t, std::string>()> names);
  ~Sampler();  // stops every thread

  void AddMember(const std::string& member, const std::string& ip, int port);
  void RemoveMember(const std::string& member);
  std::optional<RaftSample> Latest(const std::string& member) const;
  void StopAll();

 private:
  struct Target;
  void Loop(Target* t);

  Journal* journal_;
  Exporter* exporter_;
  SamplerOptions options_;
  std::function<std::map<uint64_t, std::string>()> names_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Target>> targets_;
  std::map<std::string, RaftSample> latest_;
};

}  // namespace raftlab::evidence
