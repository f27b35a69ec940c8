// Exporter: the lab's live Prometheus endpoint (prometheus-cpp, default 127.0.0.1:9464).
// Gauges mirror the sampler's latest view of every member (raftlab_raft_term{member}, ...),
// a pass-through of a few etcd metrics, and raftlab_fault_active{kind,target}.
// Thread-safe: prometheus-cpp metrics are; the label bookkeeping has its own mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "evidence/run.h"

namespace prometheus {
class Exposer;
class Registry;
template <typename T> class Family;
class Gauge;
}  // namespace prometheus

namespace raftlab::evidence {

class Exporter {
 public:
  // Fails with kUnavailable naming the address when the port is taken.
  static Result<std::unique_ptr<Exporter>> Start(const std::string& bind_address);
  ~Exporter();

  // name_of maps etcd ids to member names for the match-index labels.
  void ObserveSample(const RaftSample& s, const std::map<std::string, double>& metrics,
                     const std::map<uint64_t, std::string>& name_of);
  // The member did not answer: it is not leader, its raft gauges stop updating.
  void ObserveDown(const std::string& member);
  void SetFaultActive(const std::string& kind, const std::string& target, bool active);
  const std::string& address() const { return address_; }

 private:
  Exporter() = default;
  prometheus::Gauge& G(prometheus::Family<prometheus::Gauge>* family, const std::map<std::string, std::string>& labels);

  std::string address_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>* term_ = nullptr;
  prometheus::Family<prometheus::Gauge>* commit_ = nullptr;
  prometheus::Family<prometheus::Gauge>* applied_ = nullptr;
  prometheus::Family<prometheus::Gauge>* match_ = nullptr;
  prometheus::Family<prometheus::Gauge>* is_leader_ = nullptr;
  prometheus::Family<prometheus::Gauge>* up_ = nullptr;
  // etcd metrics re-exported as raftlab_<etcd name>{member}, created on first sight.
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> passthrough_;
  prometheus::Family<prometheus::Gauge>* fault_active_ = nullptr;
  std::mutex mu_;
};

}  // namespace raftlab::evidence
