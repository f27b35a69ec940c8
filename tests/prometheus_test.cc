// Live watching, proven on a real Prometheus (Grafana is not installable here): a lab with
// --prometheus, writes and a partition, then every PromQL expression of the checked-in
// dashboard is run against Prometheus's HTTP API and must return data.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "common/clock.h"
#include "common/http_get.h"
#include "dashboards/grafana_json.h"
#include "tests/lab_harness.h"

namespace raftlab::testing {
namespace {

std::string UrlEncode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// Grafana's variables, as a viewer with every member selected would send them.
std::string Expand(std::string expr) {
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{{"$member", ".*"}, {"$__rate_interval", "10s"}}) {
    for (size_t p; (p = expr.find(from)) != std::string::npos;) expr.replace(p, from.size(), to);
  }
  return expr;
}

Json QueryRange(const std::string& expr, double start, double end) {
  char range[96];
  snprintf(range, sizeof range, "&start=%.3f&end=%.3f&step=1", start, end);
  Result<HttpReply> r = HttpGet("127.0.0.1", 9090, "/api/v1/query_range?query=" + UrlEncode(Expand(expr)) + range, 10000);
  if (!r.ok() || r->status != 200) return Json();
  Result<Json> j = ParseJson(r->body);
  return j.ok() ? *j : Json();
}

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(Prometheus, EveryDashboardQueryReturnsDataForEveryMember) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  std::vector<std::string> before = lab.HostSnapshot();
  CliRun up = lab.Cli({"up", "--members", "3", "--prometheus", "--prometheus-interval", "200ms"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  const double start = Now();
  CliRun env = lab.Cli({"env", "--json"});
  EXPECT_EQ(env.json.value("PROMETHEUS_URL", ""), "http://127.0.0.1:9090") << env.out;

  // Prometheus discovers targets on a 5 s cadence: wait until every target is up.
  std::map<std::string, std::string> health;
  for (int i = 0; i < 100; ++i) {
    health.clear();
    Result<HttpReply> t = HttpGet("127.0.0.1", 9090, "/api/v1/targets", 3000);
    if (t.ok()) {
      Result<Json> j = ParseJson(t->body);
      if (j.ok())
        for (const auto& target : (*j)["data"]["activeTargets"])
          health[target["scrapeUrl"].get<std::string>()] = target["health"].get<std::string>();
    }
    size_t up_count = 0;
    for (const auto& [url, h] : health) up_count += h == "up";
    if (up_count == 4) break;
    SleepMs(200);
  }
  ASSERT_EQ(health.size(), 4u) << "3 members + the exporter";
  for (const auto& [url, h] : health) EXPECT_EQ(h, "up") << url;

  for (int i = 0; i < 20; ++i) ASSERT_EQ(lab.Cli({"put", "k" + std::to_string(i), "v"}).exit_code, 0);
  const double fault_start = Now();
  CliRun cut = lab.Cli({"partition", "--isolate", "leader", "--json"});
  ASSERT_EQ(cut.exit_code, 0) << cut.err;
  std::string isolated = cut.json["targets"][0].get<std::string>();
  EXPECT_NE(lab.Cli({"put", "lost", "v", "--via", isolated, "--timeout", "3s"}).exit_code, 0);
  for (int i = 0; i < 10; ++i) lab.Cli({"put", "after" + std::to_string(i), "v"});
  SleepMs(2000);
  ASSERT_EQ(lab.Cli({"heal"}).exit_code, 0);
  const double fault_end = Now();
  // Let every member rejoin and Prometheus scrape the healed state.
  SleepMs(6000);
  for (int i = 0; i < 10; ++i) lab.Cli({"get", "k" + std::to_string(i), "--via", "n" + std::to_string(1 + i % 3)});
  SleepMs(3000);
  const double end = Now();

  Json dashboard = dashboards::GrafanaDashboard();
  const std::set<std::string> members = {"n1", "n2", "n3"};
  int checked = 0;
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel.value("targets", Json::array())) {
      const std::string expr = target["expr"].get<std::string>();
      Json r = QueryRange(expr, start, end);
      ASSERT_EQ(r.value("status", ""), "success") << expr;
      const Json& series = r["data"]["result"];
      std::set<std::string> by_member, by_peer;
      for (const auto& s : series) {
        if (s["metric"].contains("member")) by_member.insert(s["metric"]["member"].get<std::string>());
        if (s["metric"].contains("peer")) by_peer.insert(s["metric"]["peer"].get<std::string>());
      }
      std::cout << series.size() << " series  [" << panel["title"].get<std::string>() << "] " << expr << "\n";
      EXPECT_GE(series.size(), 1u) << "no data: " << expr;
      const bool filter = expr.find("== 1") != std::string::npos;   // e.g. "who is leader"
      if (!by_member.empty() && !filter) EXPECT_EQ(by_member, members) << expr;
      if (!by_peer.empty()) EXPECT_GE(by_peer.size(), 2u) << expr;
      ++checked;
    }
  }
  EXPECT_GE(checked, 20);

  // Annotations: the partition window from raftlab_fault_active, and the leader change.
  for (const auto& ann : dashboard["annotations"]["list"]) {
    if (!ann.contains("expr")) continue;
    const std::string expr = ann["expr"].get<std::string>();
    Json r = QueryRange(expr, start, end);
    const Json& series = r["data"]["result"];
    std::cout << series.size() << " series  [annotation " << ann["name"].get<std::string>() << "] " << expr << "\n";
    ASSERT_GE(series.size(), 1u) << expr;
    if (expr.find("raftlab_fault_active") != std::string::npos) {
      EXPECT_EQ(series[0]["metric"]["kind"], "partition");
      double first = series[0]["values"].front()[0].get<double>();
      double last = series[0]["values"].back()[0].get<double>();
      std::cout << "  partition window from Prometheus: " << first - fault_start << " s after the fault, "
                << last - fault_end << " s after the heal\n";
      EXPECT_NEAR(first, fault_start, 3.0);
      EXPECT_NEAR(last, fault_end, 3.0);
    }
  }

  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
  EXPECT_TRUE(Added(before, lab.HostSnapshot()).empty());
  Result<HttpReply> gone = HttpGet("127.0.0.1", 9090, "/-/ready", 500);
  EXPECT_FALSE(gone.ok()) << "prometheus must stop with the lab";
}

}  // namespace
}  // namespace raftlab::testing
