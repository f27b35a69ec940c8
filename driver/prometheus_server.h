// PrometheusServer: Debian's prometheus, started for a lab (`up --prometheus`) to scrape every
// member's /metrics and the lab's exporter, with its config and TSDB under the state dir so
// `down` (and the leftover sweep) removes it. Listens on loopback only.
// Not thread-safe: the LabService calls it under its own mutex.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "dashboards/grafana_json.h"

namespace raftlab::driver {

class PrometheusServer {
 public:
  PrometheusServer(std::string dir, std::string listen_address, std::string exporter_address, int interval_ms)
      : dir_(std::move(dir)), listen_(std::move(listen_address)), exporter_(std::move(exporter_address)),
        interval_ms_(interval_ms) {}
  ~PrometheusServer() { Stop(); }

  // Writes prometheus.yml, starts prometheus and waits until /-/ready answers.
  Status Start(const std::vector<dashboards::ScrapeTarget>& targets);
  // Rewrites the config for a new member set and asks prometheus to reload it (SIGHUP).
  Status Reload(const std::vector<dashboards::ScrapeTarget>& targets);
  void Stop();
  std::string Url() const { return "http://" + listen_; }

 private:
  std::string ConfigPath() const { return dir_ + "/prometheus.yml"; }
  std::string dir_, listen_, exporter_;
  int interval_ms_;
  pid_t pid_ = 0;
};

}  // namespace raftlab::driver
