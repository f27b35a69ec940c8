#include "evidence/exporter.h"

#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <exception>

namespace raftlab::evidence {

Result<std::unique_ptr<Exporter>> Exporter::Start(const std::string& bind_address) {
  std::unique_ptr<Exporter> e(new Exporter());
  e->address_ = bind_address;
  try {
    e->exposer_ = std::make_unique<prometheus::Exposer>(bind_address);
  } catch (const std::exception& ex) {
    return Unavailable("cannot serve metrics on " + bind_address + " (port in use?): " + ex.what());
  }
  e->registry_ = std::make_shared<prometheus::Registry>();
  auto family = [&](const char* name, const char* help) {
    return &prometheus::BuildGauge().Name(name).Help(help).Register(*e->registry_);
  };
  e->term_ = family("raftlab_raft_term", "Raft term of each member, from /debug/vars");
  e->commit_ = family("raftlab_raft_commit_index", "Raft commit index of each member");
  e->applied_ = family("raftlab_raft_applied_index", "Raft applied index of each member");
  e->match_ = family("raftlab_raft_match_index", "Match index of each peer as the leader sees it");
  e->is_leader_ = family("raftlab_raft_is_leader", "1 when the member is the Raft leader");
  e->up_ = family("raftlab_member_up", "1 when the member answered the last sample");
  e->fault_active_ = family("raftlab_fault_active", "1 while a fault of this kind is applied to target");
  e->exposer_->RegisterCollectable(e->registry_);
  return e;
}

Exporter::~Exporter() = default;

prometheus::Gauge& Exporter::G(prometheus::Family<prometheus::Gauge>* family,
                               const std::map<std::string, std::string>& labels) {
  return family->Add(labels);
}

void Exporter::ObserveSample(const RaftSample& s, const std::map<std::string, double>& metrics,
                             const std::map<uint64_t, std::string>& name_of) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::map<std::string, std::string> who = {{"member", s.member}};
  G(term_, who).Set(static_cast<double>(s.term));
  G(commit_, who).Set(static_cast<double>(s.commit));
  G(applied_, who).Set(static_cast<double>(s.applied));
  G(is_leader_, who).Set(s.state == "StateLeader" ? 1 : 0);
  G(up_, who).Set(1);
  for (const auto& [peer, p] : s.progress) {
    auto it = name_of.find(peer);
    if (it == name_of.end() || it->second == s.member) continue;
    G(match_, {{"leader", s.member}, {"peer", it->second}}).Set(static_cast<double>(p.match));
  }
  for (const auto& [name, value] : metrics) {
    auto& family = passthrough_[name];
    if (family == nullptr)
      family = &prometheus::BuildGauge().Name("raftlab_" + name).Help("etcd's " + name + " as sampled by the lab").Register(*registry_);
    G(family, who).Set(value);
  }
}

void Exporter::ObserveDown(const std::string& member) {
  std::lock_guard<std::mutex> lock(mu_);
  G(up_, {{"member", member}}).Set(0);
  G(is_leader_, {{"member", member}}).Set(0);
}

void Exporter::SetFaultActive(const std::string& kind, const std::string& target, bool active) {
  std::lock_guard<std::mutex> lock(mu_);
  G(fault_active_, {{"kind", kind}, {"target", target}}).Set(active ? 1 : 0);
}

}  // namespace raftlab::evidence
