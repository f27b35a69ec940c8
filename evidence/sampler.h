// Sampler: polls every member's raft.status (/debug/vars) at a fixed period (default 50 ms)
// and its /metrics at a slower one (default 500 ms). Each member has its own threads, so a
// paused, restarting or partitioned member cannot delay the others, and /metrics has a thread
// of its own, so a slow page never delays that member's raft.status either; each thread keeps
// one HTTP/1.1 connection open (common/http_connection.h). Each status poll becomes a "sample"
// journal line stamped when raft.status was read; a /metrics reading made since the previous
// sample rides on it as its "metrics" object. The exporter is updated from the same samples;
// the latest sample per member is kept for `status`.
//
// The sampler threads never take their owner's locks: the id -> name map that labels peers
// comes from a MemberNames the owner publishes whole whenever its members change.
// Thread-safe: AddMember/RemoveMember/Latest/StopAll may be called from any thread;
// MemberNames::Publish/Current likewise (Current is lock-free for readers).
#pragma once

#include <atomic>
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

// An immutable etcd id -> member name map, replaced as a whole: the publisher builds a new
// map and swaps it in; readers hold the one they loaded for as long as they use it.
class MemberNames {
 public:
  using Map = std::map<uint64_t, std::string>;
  void Publish(Map names) { current_.store(std::make_shared<const Map>(std::move(names))); }
  std::shared_ptr<const Map> Current() const { return current_.load(); }   // never null

 private:
  std::atomic<std::shared_ptr<const Map>> current_{std::make_shared<const Map>()};
};

struct SamplerOptions {
  int interval_ms = 50;           // raft.status, which the checkers and most panels read
  int metrics_interval_ms = 500;  // /metrics, which only panels and the exporter read; 0: never
  int timeout_ms = 200;
};

class Sampler {
 public:
  // `names` labels the leader's progress by peer name for the exporter; it may be null and
  // must outlive the sampler.
  Sampler(Journal* journal, Exporter* exporter, SamplerOptions options, const MemberNames* names);
  ~Sampler();  // stops every thread

  void AddMember(const std::string& member, const std::string& ip, int port);
  void RemoveMember(const std::string& member);
  std::optional<RaftSample> Latest(const std::string& member) const;
  void StopAll();

 private:
  struct Target;
  void StatusLoop(Target* t);    // raft.status every interval; journals each sample
  void MetricsLoop(Target* t);   // /metrics every metrics interval, handed to the next sample
  static void Stop(Target* t);   // joins the target's threads

  Journal* journal_;
  Exporter* exporter_;
  SamplerOptions options_;
  const MemberNames* names_;
  mutable std::mutex mu_;   // targets_ and latest_ only; never held across a poll
  std::map<std::string, std::unique_ptr<Target>> targets_;
  std::map<std::string, RaftSample> latest_;
  uint64_t added_ = 0;      // members added so far (for their /metrics phase); under mu_
};

}  // namespace raftlab::evidence
