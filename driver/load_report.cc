#include "driver/load_report.h"

#include <cstdio>

namespace raftlab::driver {

double LoadReport::ActiveSeconds() const {
  if (first_invoke_ns == 0 || last_complete_ns <= first_invoke_ns) return 0;
  return static_cast<double>(last_complete_ns - first_invoke_ns) / 1e9;
}

double LoadReport::Rate() const {
  double s = ActiveSeconds();
  return s > 0 ? static_cast<double>(completed()) / s : 0;
}

double LoadReport::KindRate(const std::string& kind) const {
  auto it = kinds.find(kind);
  double s = ActiveSeconds();
  return it == kinds.end() || s <= 0 ? 0 : static_cast<double>(it->second.completed()) / s;
}

double LoadReport::CpuPercent() const { return wall_s > 0 ? 100.0 * cpu_s / wall_s : 0; }

std::string KindName(bool write, const std::string& read_path) { return write ? "put" : "get/" + read_path; }

std::string LoadTable(const LoadReport& r) {
  char line[512];
  std::string out;
  std::string mode = r.target_rate > 0 ? "target " + std::to_string(static_cast<long>(r.target_rate)) + "/s"
                                       : std::to_string(r.in_flight) + " in flight";
  snprintf(line, sizeof line,
           "%llu ops in %.2f s (first invoke to last completion): %.0f/s (%s); %llu ok, %llu fail, %llu info, "
           "%llu skipped; generator CPU %.0f%% of one core\n",
           static_cast<unsigned long long>(r.completed()), r.ActiveSeconds(), r.Rate(), mode.c_str(),
           static_cast<unsigned long long>(r.ok), static_cast<unsigned long long>(r.fail),
           static_cast<unsigned long long>(r.info), static_cast<unsigned long long>(r.skipped), r.CpuPercent());
  out += line;
  snprintf(line, sizeof line, "%-18s %8s %6s %6s %9s %8s %8s %8s %9s %8s\n", "kind", "ok", "fail", "info", "rate/s",
           "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
  out += line;
  for (const auto& [kind, k] : r.kinds) {
    const LatencyHistogram& h = k.ok_latency;
    snprintf(line, sizeof line, "%-18s %8llu %6llu %6llu %9.1f %8.2f %8.2f %8.2f %9.2f %8.2f\n", kind.c_str(),
             static_cast<unsigned long long>(k.ok), static_cast<unsigned long long>(k.fail),
             static_cast<unsigned long long>(k.info), r.KindRate(kind), h.PercentileMs(50), h.PercentileMs(90),
             h.PercentileMs(99), h.PercentileMs(99.9), static_cast<double>(h.max_ns()) / 1e6);
    out += line;
  }
  return out;
}

Json LoadJson(const LoadReport& r) {
  Json kinds = Json::object();
  for (const auto& [kind, k] : r.kinds)
    kinds[kind] = {{"ok", k.ok}, {"fail", k.fail}, {"info", k.info}, {"rate", r.KindRate(kind)},
                   {"latency", k.ok_latency.ToJson()}};
  Json errors = Json::array();
  for (const auto& [what, n] : r.errors) errors.push_back({{"error", what}, {"count", n}});
  return {{"target_rate", r.target_rate},
          {"in_flight", r.in_flight},
          {"read_ratio", r.read_ratio},
          {"read_paths", r.read_paths},
          {"duration_ms", r.duration_ms},
          {"keys", r.keys},
          {"via", r.via},
          {"channels", r.channels},
          {"timeout_ms", r.timeout_ms},
          {"issued", r.issued},
          {"completed", r.completed()},
          {"ok", r.ok},
          {"fail", r.fail},
          {"info", r.info},
          {"skipped", r.skipped},
          {"clients", r.clients},
          {"first_invoke_mono_ns", r.first_invoke_ns},
          {"last_complete_mono_ns", r.last_complete_ns},
          {"active_s", r.ActiveSeconds()},
          {"rate", r.Rate()},
          {"schedule_lag_p99_ms", r.schedule_lag.PercentileMs(99)},
          {"schedule_lag_max_ms", static_cast<double>(r.schedule_lag.max_ns()) / 1e6},
          {"cpu_s", r.cpu_s},
          {"wall_s", r.wall_s},
          {"cpu_percent", r.CpuPercent()},
          {"kinds", kinds},
          {"errors", errors},
          {"journal", {{"path", r.journal_path}, {"lines", r.journal_lines}, {"writes", r.journal_writes},
                       {"lost", r.journal_lost}}}};
}

bool Sustained(const LoadReport& r, double slack, std::string* why) {
  std::string reason;
  char buf[160];
  if (r.target_rate > 0 && r.Rate() < (1 - slack) * r.target_rate) {
    snprintf(buf, sizeof buf, "rate %.0f/s below %.0f%% of the target %.0f/s", r.Rate(), 100 * (1 - slack), r.target_rate);
    reason = buf;
  } else if (r.skipped > 0) {
    reason = std::to_string(r.skipped) + " arrivals skipped (too many in flight)";
  } else if (r.ok != r.completed() || r.completed() == 0) {
    reason = std::to_string(r.fail) + " fail, " + std::to_string(r.info) + " info of " + std::to_string(r.completed()) + " ops";
  }
  if (why != nullptr) *why = reason;
  return reason.empty();
}

}  // namespace raftlab::driver
