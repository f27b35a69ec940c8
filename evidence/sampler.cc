#include "evidence/sampler.h"

#include <pthread.h>

#include <chrono>
#include <condition_variable>

#include "common/clock.h"
#include "evidence/member_http.h"
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

namespace {

Result<RaftSample> PollStatus(MemberHttp& http, int timeout_ms) {
  Result<HttpReply> vars = http.Get("/debug/vars", timeout_ms);
  if (!vars.ok()) return vars.status();
  if (vars->status != 200) return Unavailable("HTTP " + std::to_string(vars->status));
  return ParseDebugVars(vars->body);
}

std::map<std::string, double> PollMetrics(MemberHttp& http, int timeout_ms) {
  Result<HttpReply> m = http.Get("/metrics", timeout_ms);
  if (!m.ok() || m->status != 200) return {};
  return ParseMetrics(m->body, SampledMetricNames());
}

}  // namespace

Sampler::Sampler(Journal* journal, Exporter* exporter, SamplerOptions options, const MemberNames* names)
    : journal_(journal), exporter_(exporter), options_(options), names_(names) {}

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
  using Clock = std::chrono::steady_clock;
  const auto period = std::chrono::milliseconds(options_.interval_ms);
  const auto metrics_period = std::chrono::milliseconds(options_.metrics_interval_ms);
  static const MemberNames::Map kNoNames;
  // Named so that per-thread CPU (bench/sampler_bench, top -H) shows the sampler apart.
  pthread_setname_np(pthread_self(), ("rl-sample-" + t->member).substr(0, 15).c_str());
  MemberHttp http(t->ip, t->port);   // one kept-alive connection for both pages
  auto next = Clock::now();
  auto next_metrics = next;   // the first good poll reads /metrics too
  while (!t->stop) {
    Result<RaftSample> sample = PollStatus(http, options_.timeout_ms);
    if (sample.ok()) {
      sample->member = t->member;
      sample->mono_ns = MonoNowNs();
      std::map<std::string, double> metrics;
      if (options_.metrics_interval_ms > 0 && Clock::now() >= next_metrics) {
        metrics = PollMetrics(http, options_.timeout_ms);
        next_metrics += metrics_period;
        if (next_metrics <= Clock::now()) next_metrics = Clock::now() + metrics_period;
      }
      journal_->Record("sample", SampleToJson(*sample, metrics));
      if (exporter_ != nullptr) {
        std::shared_ptr<const MemberNames::Map> names = names_ != nullptr ? names_->Current() : nullptr;
        exporter_->ObserveSample(*sample, metrics, names ? *names : kNoNames);
      }
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
    auto now = Clock::now();
    if (next < now) next = now;
    std::unique_lock<std::mutex> lock(t->mu);
    t->wake.wait_until(lock, next, [t] { return t->stop.load(); });
  }
}

}  // namespace raftlab::evidence
