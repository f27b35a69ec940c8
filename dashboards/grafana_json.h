// Grafana side of the panel catalogue: the "Raft lab" dashboard JSON, Grafana provisioning
// files for it, and a Prometheus scrape config for a lab.
//
// The dashboard (uid "raftlab") queries a Prometheus data source with uid
// "raftlab-prometheus" that scrapes every etcd member's /metrics (job "etcd", label
// member="nN" added by relabelling) and the lab's exporter (job "raftlab", 127.0.0.1:9464).
// A "member" template variable filters every per-member query; fault windows come in as
// annotations from raftlab_fault_active, leader changes from etcd's leader-change counter.
//
// The generated dashboard is checked in as dashboards/raftlab.json; grafana_json_test fails
// when the two differ (regenerate with build/dashboards_regen dashboards/raftlab.json).
//
// GrafanaDashboard and PrometheusConfig are pure; ExportDashboards writes files. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"

namespace raftlab::dashboards {

inline constexpr char kDashboardUid[] = "raftlab";
inline constexpr char kDatasourceUid[] = "raftlab-prometheus";
inline constexpr char kExporterTarget[] = "127.0.0.1:9464";

// The dashboard JSON, as Grafana's file provisioning loads it.
Json GrafanaDashboard();

// The checked-in form: GrafanaDashboard() pretty-printed with 2 spaces and a trailing newline.
std::string GrafanaDashboardText();

// Writes under dir:
//   dashboards/raftlab.json                    the dashboard
//   provisioning/datasources/raftlab.yaml      Prometheus at prometheus_url, uid raftlab-prometheus
//   provisioning/dashboards/raftlab.yaml       a file provider reading <dir>/dashboards
// so that Grafana started with GF_PATHS_PROVISIONING=<dir>/provisioning shows the dashboard.
// `written` (may be null) receives the paths written.
Status ExportDashboards(const std::string& dir, const std::string& prometheus_url, std::vector<std::string>* written);

struct ScrapeTarget {
  std::string member;    // "n1": becomes the series' member label
  std::string address;   // "127.99.0.11:2379"
};

// prometheus.yml for a lab: job "etcd" scraping each member's /metrics with a member label,
// and job "raftlab" scraping the lab's exporter.
std::string PrometheusConfig(const std::vector<ScrapeTarget>& members, const std::string& exporter_address,
                             int scrape_interval_ms);

}  // namespace raftlab::dashboards
