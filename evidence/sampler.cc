#include "evidence/sampler.h"

#include <pthread.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <optional>

#include "common/clock.h"
#include "common/http_connection.h"
#include "evidence/raft_status.h"

namespace raftlab::evidence {

struct Sampler::Target {
  std::string member;
  std::string ip;
  int port = 0;
  std::chrono::milliseconds metrics_phase{0};   // spreads the members' /metrics reads apart
  std::atomic<bool> stop{false};
  std::mutex mu;                    // guards the metrics hand-over below; waits use it too
  std::condition_variable wake;
  std::optional<std::map<std::string, double>> fresh_metrics;   // read, not yet journaled
  std::chrono::steady_clock::time_point fresh_metrics_at;
  std::thread status_thread, metrics_thread;
};

namespace {

using Clock = std::chrono::steady_clock;
const HttpConnection::Options kSamplerHttp{.user_agent = "raftlab-sampler", .keep_alive = true};

// Sleeps until `next` (then advanced by `period`; after a slow round it skips ahead instead
// of bursting) or until the target stops; false once it stops.
bool WaitForNextRound(std::mutex& mu, std::condition_variable& wake, const std::atomic<bool>& stop,
                      Clock::time_point* next, Clock::duration period) {
  *next += period;
  const auto now = Clock::now();
  if (*next < now) *next = now;
  std::unique_lock<std::mutex> lock(mu);
  return !wake.wait_until(lock, *next, [&] { return stop.load(); });
}

Result<RaftSample> PollStatus(HttpConnection& http, int timeout_ms) {
  Result<HttpReply> vars = http.Get("/debug/vars", timeout_ms);
  if (!vars.ok()) return vars.status();
  if (vars->status != 200) return Unavailable("HTTP " + std::to_string(vars->status));
  return ParseDebugVars(vars->body);
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
  // The k-th member reads /metrics k x 0.618 periods after the first, so five etcds do not
  // render their 200 KB pages at the same moment.
  t->metrics_phase = std::chrono::milliseconds(
      static_cast<int64_t>(options_.metrics_interval_ms * std::fmod(0.618 * static_cast<double>(added_++), 1.0)));
  Target* raw = t.get();
  targets_[member] = std::move(t);
  raw->status_thread = std::thread([this, raw] { StatusLoop(raw); });
  if (options_.metrics_interval_ms > 0) raw->metrics_thread = std::thread([this, raw] { MetricsLoop(raw); });
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
  Stop(t.get());
}

void Sampler::Stop(Target* t) {
  {
    std::lock_guard<std::mutex> lock(t->mu);
    t->stop = true;
  }
  t->wake.notify_all();
  t->status_thread.join();
  if (t->metrics_thread.joinable()) t->metrics_thread.join();
}

void Sampler::StopAll() {
  std::map<std::string, std::unique_ptr<Target>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(targets_);
  }
  for (auto& [name, t] : all) Stop(t.get());
}

std::optional<RaftSample> Sampler::Latest(const std::string& member) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = latest_.find(member);
  if (it == latest_.end()) return std::nullopt;
  return it->second;
}

void Sampler::StatusLoop(Target* t) {
  static const MemberNames::Map kNoNames;
  // Named so that per-thread CPU (bench/sampler_bench, top -H) shows the sampler apart.
  pthread_setname_np(pthread_self(), ("rl-sample-" + t->member).substr(0, 15).c_str());
  HttpConnection http(t->ip, t->port, kSamplerHttp);   // one kept-alive connection
  const auto period = std::chrono::milliseconds(options_.interval_ms);
  const auto metrics_max_age = std::chrono::milliseconds(options_.metrics_interval_ms);
  auto next = Clock::now();
  do {
    Result<RaftSample> sample = PollStatus(http, options_.timeout_ms);
    if (sample.ok()) {
      sample->member = t->member;
      sample->mono_ns = MonoNowNs();
      // /metrics read since the last sample rides on this one (it was read at most one status
      // period ago); a reading older than a metrics period is dropped, not journaled late.
      std::map<std::string, double> metrics;
      {
        std::lock_guard<std::mutex> lock(t->mu);
        if (t->fresh_metrics && Clock::now() - t->fresh_metrics_at <= metrics_max_age) metrics = std::move(*t->fresh_metrics);
        t->fresh_metrics.reset();
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
  } while (WaitForNextRound(t->mu, t->wake, t->stop, &next, period));
}

void Sampler::MetricsLoop(Target* t) {
  pthread_setname_np(pthread_self(), ("rl-sample-m-" + t->member).substr(0, 15).c_str());
  HttpConnection http(t->ip, t->port, kSamplerHttp);   // its own connection: a slow page never delays raft.status
  const auto period = std::chrono::milliseconds(options_.metrics_interval_ms);
  auto next = Clock::now() + t->metrics_phase - period;
  while (WaitForNextRound(t->mu, t->wake, t->stop, &next, period)) {
    Result<HttpReply> page = http.Get("/metrics", options_.timeout_ms);
    if (!page.ok() || page->status != 200) continue;   // the status poll journals the member's trouble
    std::map<std::string, double> metrics = ParseMetrics(page->body, SampledMetricNames());
    std::lock_guard<std::mutex> lock(t->mu);
    t->fresh_metrics = std::move(metrics);
    t->fresh_metrics_at = Clock::now();
  }
}

}  // namespace raftlab::evidence
