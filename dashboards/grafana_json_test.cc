#include "dashboards/grafana_json.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "dashboards/panel_catalogue.h"

namespace raftlab::dashboards {
namespace {

TEST(GrafanaJson, CheckedInDashboardIsUpToDate) {
  const char* src = getenv("RAFTLAB_SOURCE_DIR");
  ASSERT_NE(src, nullptr) << "run through ctest (raftlab_test sets RAFTLAB_SOURCE_DIR)";
  Result<std::string> checked_in = ReadFile(std::string(src) + "/dashboards/raftlab.json");
  ASSERT_TRUE(checked_in.ok()) << checked_in.status().ToString();
  EXPECT_TRUE(*checked_in == GrafanaDashboardText())
      << "dashboards/raftlab.json differs from what the panel catalogue generates. Regenerate it:\n"
         "  ninja -C <build> dashboards_regen && <build>/dashboards_regen "
      << src << "/dashboards/raftlab.json";
}

struct Box {
  int x, y, w, h;
};

TEST(GrafanaJson, StructureGrafanaProvisioningExpects) {
  Json d = GrafanaDashboard();
  EXPECT_EQ(d["uid"], "raftlab");
  EXPECT_EQ(d["title"], "Raft lab");
  ASSERT_TRUE(d["schemaVersion"].is_number_integer());
  EXPECT_GE(d["schemaVersion"].get<int>(), 36);

  ASSERT_TRUE(d["panels"].is_array());
  EXPECT_EQ(d["panels"].size(), Catalogue().size() + SummaryStats().size());
  std::vector<Box> boxes;
  std::set<int> ids;
  std::set<std::string> titles;
  for (const Json& p : d["panels"]) {
    SCOPED_TRACE(p.value("title", "?"));
    EXPECT_TRUE(ids.insert(p["id"].get<int>()).second) << "duplicate panel id";
    titles.insert(p["title"].get<std::string>());
    std::string type = p["type"];
    EXPECT_TRUE(type == "timeseries" || type == "state-timeline" || type == "stat") << type;
    EXPECT_EQ(p["datasource"]["uid"], "raftlab-prometheus");
    EXPECT_EQ(p["datasource"]["type"], "prometheus");
    ASSERT_TRUE(p["targets"].is_array());
    ASSERT_FALSE(p["targets"].empty());
    std::set<std::string> refs;
    for (const Json& t : p["targets"]) {
      ASSERT_TRUE(t["expr"].is_string());
      EXPECT_FALSE(t["expr"].get<std::string>().empty());
      ASSERT_TRUE(t["refId"].is_string());
      EXPECT_TRUE(refs.insert(t["refId"].get<std::string>()).second) << "duplicate refId";
    }
    const Json& g = p["gridPos"];
    for (const char* k : {"x", "y", "w", "h"}) ASSERT_TRUE(g[k].is_number_integer()) << k;
    Box b{g["x"], g["y"], g["w"], g["h"]};
    EXPECT_GE(b.x, 0);
    EXPECT_GT(b.w, 0);
    EXPECT_GT(b.h, 0);
    EXPECT_LE(b.x + b.w, 24);
    for (const Box& o : boxes) {
      bool apart = b.x + b.w <= o.x || o.x + o.w <= b.x || b.y + b.h <= o.y || o.y + o.h <= b.y;
      EXPECT_TRUE(apart) << "gridPos overlaps another panel's";
    }
    boxes.push_back(b);
  }
  for (const Panel& p : Catalogue()) EXPECT_TRUE(titles.count(p.title)) << p.id;

  bool has_member = false;
  for (const Json& v : d["templating"]["list"]) {
    if (v["name"] != "member") continue;
    has_member = true;
    EXPECT_EQ(v["query"]["query"], "label_values(raftlab_raft_term, member)");
    EXPECT_TRUE(v["multi"].get<bool>());
    EXPECT_TRUE(v["includeAll"].get<bool>());
  }
  EXPECT_TRUE(has_member);

  bool fault_annotation = false;
  for (const Json& a : d["annotations"]["list"])
    fault_annotation = fault_annotation || a.value("expr", "").find("raftlab_fault_active") != std::string::npos;
  EXPECT_TRUE(fault_annotation);
}

TEST(GrafanaJson, PerMemberQueriesUseTheTemplateVariable) {
  for (const Panel& p : Catalogue())
    for (const PromTarget& t : p.prom) EXPECT_NE(t.expr.find("=~\"$member\""), std::string::npos) << p.id << ": " << t.expr;
}

TEST(GrafanaJson, ExportWritesDashboardAndProvisioning) {
  std::string dir = (std::filesystem::temp_directory_path() / ("raftlab-grafana-" + std::to_string(getpid()))).string();
  std::vector<std::string> written;
  Status st = ExportDashboards(dir, "http://127.0.0.1:9090", &written);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(written.size(), 3u);
  Result<Json> dash = ReadJsonFile(dir + "/dashboards/raftlab.json");
  ASSERT_TRUE(dash.ok());
  EXPECT_EQ((*dash)["uid"], "raftlab");
  Result<std::string> ds = ReadFile(dir + "/provisioning/datasources/raftlab.yaml");
  ASSERT_TRUE(ds.ok());
  EXPECT_NE(ds->find("uid: raftlab-prometheus"), std::string::npos);
  EXPECT_NE(ds->find("url: \"http://127.0.0.1:9090\""), std::string::npos);
  Result<std::string> prov = ReadFile(dir + "/provisioning/dashboards/raftlab.yaml");
  ASSERT_TRUE(prov.ok());
  EXPECT_NE(prov->find("type: file"), std::string::npos);
  EXPECT_NE(prov->find("path: \"" + dir + "/dashboards\""), std::string::npos) << *prov;
  std::filesystem::remove_all(dir);

  EXPECT_FALSE(ExportDashboards(dir, "", nullptr).ok());
}

TEST(GrafanaJson, PrometheusConfigScrapesMembersAndExporter) {
  std::string cfg = PrometheusConfig({{"n1", "127.99.0.11:2379"}, {"n2", "127.99.0.12:2379"}}, "127.0.0.1:9464", 500);
  EXPECT_NE(cfg.find("scrape_interval: 500ms"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("job_name: etcd"), std::string::npos);
  EXPECT_NE(cfg.find("- targets: [\"127.99.0.11:2379\"]\n        labels:\n          member: \"n1\""), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("member: \"n2\""), std::string::npos);
  EXPECT_NE(cfg.find("job_name: raftlab"), std::string::npos);
  EXPECT_NE(cfg.find("\"127.0.0.1:9464\""), std::string::npos);
  EXPECT_NE(PrometheusConfig({}, "127.0.0.1:9464", 2000).find("scrape_interval: 2s"), std::string::npos);
}

}  // namespace
}  // namespace raftlab::dashboards
