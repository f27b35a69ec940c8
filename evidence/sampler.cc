#include "evidence/sampler.h"

#include <chrono>
#include <condition_variable>

#include "common/clock.h"
#include "common/http_get.h"
#include "evidence/raft_status.h"

namespace raftlab::evidence {

struct Sampler::Target {
  std::string member;
  std::string ip;
  int port = 0;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable wake;
  std::thread thread;
};

Sampler::Sampler(Journal* journal, Exporter* exporter, SamplerOptions options,
                 std::function<std::map<uint64_t, std::string>()> names)
    : journal_(journal), exporter_(exporter), options_(options), names_(std::move(names)) {}

Sampler::~Sampler() { StopAll(); }

void Sampler::AddMember(const std::string& member, const std::string& ip, int port) {
  std::lock_guard<std::mutex> lock(mu_);
  if (targets_.count(member) != 0) return;
  auto t = std::make_unique<Target>();
  t->member = member;
  t->ip = ip;
  t->port = port;
  Target* raw = t.get();
  targets_[member] = std::move(t);
  raw->thread = std::thread([this, raw] { Loop(raw); });
}

void Sampler::RemoveMember(const std::string& member) {
  std::unique_ptr<Target> t;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = targets_.find(member);
    if (it == targets_.end()) return;
    t = std::move(it->second);
    targets_.erase(it);
    latest_.erase(member);
  }
  t->stop = true;
  t->wake.notify_all();
  t->thread.join();
}

void Sampler::StopAll() {
  std::map<std::string, std::unique_ptr<Target>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(targets_);
  }
  for (auto& [name, t] : all) {
    t->stop = true;
    t->wake.notify_all();
  }
  for (auto& [name, t] : all) t->thread.join();
}

std::optional<RaftSample> Sampler::Latest(const std::string& member) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = latest_.find(member);
  if (it == latest_.end()) return std::nullopt;
  return it->second;
}

void Sampler::Loop(Target* t) {
  const auto period = std::chrono::milliseconds(options_.interval_ms);
  auto next = std::chrono::steady_clock::now();
  for (int64_t round = 0; !t->stop; ++round) {
    Result<HttpReply> vars = HttpGet(t->ip, t->port, "/debug/vars", options_.timeout_ms);
    Result<RaftSample> sample = vars.ok() && vars->status == 200
                                    ? ParseDebugVars(vars->body)
                                    : Result<RaftSample>(vars.ok() ? Unavailable("HTTP " + std::to_string(vars->status)) : vars.status());
    if (sample.ok()) {
      sample->member = t->member;
      sample->mono_ns = MonoNowNs();
      std::map<std::string, double> metrics;
      if (round % options_.metrics_every == 0) {
        Result<HttpReply> m = HttpGet(t->ip, t->port, "/metrics", options_.timeout_ms);
        if (m.ok() && m->status == 200) metrics = ParseMetrics(m->body, SampledMetricNames());
      }
      journal_->Record("sample", SampleToJson(*sample, metrics));
      if (exporter_ != nullptr) exporter_->ObserveSample(*sample, metrics, names_());
      std::lock_guard<std::mutex> lock(mu_);
      latest_[t->member] = *sample;
    } else {
      journal_->Record("sample", {{"member", t->member}, {"ok", false}, {"error", sample.status().message()}});
      if (exporter_ != nullptr) exporter_->ObserveDown(t->member);
      std::lock_guard<std::mutex> lock(mu_);
      latest_.erase(t->member);
    }
    // Fixed-rate schedule; after a slow poll, skip ahead instead of bursting.
    next += period;
    auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
    std::unique_lock<std::mutex> lock(t->mu);
    t->wake.wait_until(lock, next, [t] { return t->stop.load(); });
  }
}

}  // namespace raftlab::evidence
