#include "dashboards/grafana_json.h"

#include <filesystem>

#include "dashboards/panel_catalogue.h"

namespace raftlab::dashboards {
namespace {

constexpr int kStatWidth = 6, kStatHeight = 4, kPanelHeight = 8, kStatePanelHeight = 7;

Json Datasource() { return {{"type", "prometheus"}, {"uid", kDatasourceUid}}; }

std::string RefId(size_t i) { return std::string(1, static_cast<char>('A' + i)); }

// Places panels left to right, wrapping at 24 columns.
class Grid {
 public:
  Json Place(int w, int h) {
    if (x_ + w > 24) {
      x_ = 0;
      y_ += row_height_;
      row_height_ = 0;
    }
    Json pos = {{"x", x_}, {"y", y_}, {"w", w}, {"h", h}};
    x_ += w;
    row_height_ = std::max(row_height_, h);
    return pos;
  }

 private:
  int x_ = 0, y_ = 0, row_height_ = 0;
};

Json Targets(const std::vector<PromTarget>& prom) {
  Json targets = Json::array();
  for (size_t i = 0; i < prom.size(); ++i)
    targets.push_back({{"datasource", Datasource()},
                       {"expr", prom[i].expr},
                       {"legendFormat", prom[i].legend},
                       {"range", true},
                       {"refId", RefId(i)}});
  return targets;
}

Json StatePanel(const Panel& p, int id, Json grid_pos) {
  Json mappings = Json::object();
  for (const StateStyle& s : p.states) {
    if (s.prom_value < 0) continue;
    mappings[std::to_string(s.prom_value)] = {{"color", s.color},
                                              {"index", s.prom_value},
                                              {"text", s.prom_text.empty() ? s.name : s.prom_text}};
  }
  return {{"id", id},
          {"type", "state-timeline"},
          {"title", p.title},
          {"description", p.description + (p.prom_note.empty() ? "" : " " + p.prom_note)},
          {"datasource", Datasource()},
          {"gridPos", grid_pos},
          {"targets", Targets(p.prom)},
          {"fieldConfig",
           {{"defaults",
             {{"color", {{"mode", "thresholds"}}},
              {"mappings", Json::array({{{"type", "value"}, {"options", mappings}}})},
              {"thresholds", {{"mode", "absolute"}, {"steps", Json::array({{{"color", "#7f7f7f"}, {"value", nullptr}}})}}},
              {"custom", {{"fillOpacity", 80}, {"lineWidth", 0}}}}},
            {"overrides", Json::array()}}},
          {"options",
           {{"mergeValues", true},
            {"showValue", "never"},
            {"rowHeight", 0.8},
            {"alignValue", "left"},
            {"legend", {{"displayMode", "list"}, {"placement", "bottom"}, {"showLegend", true}}},
            {"tooltip", {{"mode", "single"}, {"sort", "none"}}}}}};
}

Json TimeseriesPanel(const Panel& p, int id, Json grid_pos) {
  bool points = false;
  for (const JournalSeries& js : p.journal) points = points || js.how == Derivation::kOpLatency;
  Json custom = {{"drawStyle", "line"},
                 {"lineInterpolation", points ? "linear" : "stepAfter"},
                 {"lineWidth", 2},
                 {"fillOpacity", 0},
                 {"showPoints", "never"},
                 {"spanNulls", false}};
  if (p.log_y) custom["scaleDistribution"] = {{"type", "log"}, {"log", 10}};
  return {{"id", id},
          {"type", "timeseries"},
          {"title", p.title},
          {"description", p.description + (p.prom_note.empty() ? "" : " " + p.prom_note)},
          {"datasource", Datasource()},
          {"gridPos", grid_pos},
          {"targets", Targets(p.prom)},
          {"fieldConfig", {{"defaults", {{"unit", p.grafana_unit}, {"custom", custom}}}, {"overrides", Json::array()}}},
          {"options",
           {{"legend", {{"displayMode", "list"}, {"placement", "bottom"}, {"showLegend", true}}},
            {"tooltip", {{"mode", "multi"}, {"sort", "none"}}}}}};
}

Json StatPanel(const StatSpec& s, int id, Json grid_pos) {
  return {{"id", id},
          {"type", "stat"},
          {"title", s.title},
          {"datasource", Datasource()},
          {"gridPos", grid_pos},
          {"targets", Targets({{s.expr, s.legend}})},
          {"fieldConfig", {{"defaults", {{"unit", "none"}, {"decimals", 0}}}, {"overrides", Json::array()}}},
          {"options",
           {{"reduceOptions", {{"calcs", Json::array({"lastNotNull"})}, {"fields", ""}, {"values", false}}},
            {"textMode", s.text_mode},
            {"colorMode", "none"},
            {"graphMode", "none"},
            {"justifyMode", "auto"},
            {"orientation", "auto"}}}};
}

Json Templating() {
  const std::string query = "label_values(raftlab_raft_term, member)";
  return {{"list",
           Json::array({{{"name", "member"},
                         {"label", "member"},
                         {"type", "query"},
                         {"datasource", Datasource()},
                         {"definition", query},
                         {"query", {{"query", query}, {"refId", "member"}}},
                         {"multi", true},
                         {"includeAll", true},
                         {"allValue", ".*"},
                         {"current", {{"selected", true}, {"text", Json::array({"All"})}, {"value", Json::array({"$__all"})}}},
                         {"options", Json::array()},
                         {"refresh", 2},
                         {"regex", ""},
                         {"sort", 3},
                         {"hide", 0}}})}};
}

Json Annotations() {
  return {{"list",
           Json::array({{{"builtIn", 1},
                         {"datasource", {{"type", "grafana"}, {"uid", "-- Grafana --"}}},
                         {"enable", true},
                         {"hide", true},
                         {"iconColor", "rgba(0, 211, 255, 1)"},
                         {"name", "Annotations & Alerts"},
                         {"type", "dashboard"}},
                        {{"name", "Faults"},
                         {"datasource", Datasource()},
                         {"enable", true},
                         {"iconColor", kFaultColor},
                         {"expr", "raftlab_fault_active == 1"},
                         {"step", "1s"},
                         {"titleFormat", "fault: {{kind}}"},
                         {"textFormat", "{{kind}} on {{target}}"},
                         {"tagKeys", "kind,target"},
                         {"useValueForTime", false}},
                        {{"name", "Leader changes"},
                         {"datasource", Datasource()},
                         {"enable", true},
                         {"iconColor", kLeaderChangeColor},
                         {"expr", "sum(changes(etcd_server_leader_changes_seen_total[5s])) > 0"},
                         {"step", "1s"},
                         {"titleFormat", "leader change"},
                         {"textFormat", "a member saw a new leader"},
                         {"tagKeys", ""},
                         {"useValueForTime", false}}})}};
}

std::string Yaml(const std::string& s) {  // a double-quoted YAML scalar
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

std::string DurationText(int ms) {
  if (ms <= 0) ms = 1000;
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

}  // namespace

Json GrafanaDashboard() {
  Grid grid;
  Json panels = Json::array();
  int id = 1;
  for (const StatSpec& s : SummaryStats()) panels.push_back(StatPanel(s, id++, grid.Place(kStatWidth, kStatHeight)));
  for (const Panel& p : Catalogue()) {
    if (p.kind == PanelKind::kStateTimeline)
      panels.push_back(StatePanel(p, id++, grid.Place(p.width, kStatePanelHeight)));
    else
      panels.push_back(TimeseriesPanel(p, id++, grid.Place(p.width, kPanelHeight)));
  }
  return {{"uid", kDashboardUid},
          {"title", "Raft lab"},
          {"description", "raftlab: a real etcd 3.4 cluster under faults. Generated from dashboards/panel_catalogue.cc."},
          {"tags", Json::array({"raftlab", "etcd", "raft"})},
          {"schemaVersion", 39},
          {"version", 1},
          {"editable", true},
          {"graphTooltip", 1},
          {"refresh", "5s"},
          {"time", {{"from", "now-15m"}, {"to", "now"}}},
          {"timepicker", Json::object()},
          {"timezone", ""},
          {"fiscalYearStartMonth", 0},
          {"liveNow", false},
          {"links", Json::array()},
          {"templating", Templating()},
          {"annotations", Annotations()},
          {"panels", panels}};
}

std::string GrafanaDashboardText() { return GrafanaDashboard().dump(2) + "\n"; }

Status ExportDashboards(const std::string& dir, const std::string& prometheus_url, std::vector<std::string>* written) {
  if (prometheus_url.empty()) return InvalidArgument("a Prometheus URL is needed, e.g. http://127.0.0.1:9090");
  std::error_code ec;
  std::string root = std::filesystem::absolute(dir, ec).lexically_normal().string();
  if (ec) return InvalidArgument("bad directory " + dir + ": " + ec.message());
  const std::string dashboards = root + "/dashboards";
  const std::string datasources_dir = root + "/provisioning/datasources";
  const std::string providers_dir = root + "/provisioning/dashboards";
  for (const std::string& d : {dashboards, datasources_dir, providers_dir}) RL_RETURN_IF_ERROR(MakeDirs(d));

  const std::string datasource =
      "# Written by raftlab: the Prometheus that scrapes the lab (see prometheus.yml from PrometheusConfig).\n"
      "apiVersion: 1\n"
      "datasources:\n"
      "  - name: raftlab-prometheus\n"
      "    type: prometheus\n"
      "    uid: " + std::string(kDatasourceUid) + "\n"
      "    access: proxy\n"
      "    url: " + Yaml(prometheus_url) + "\n"
      "    isDefault: true\n"
      "    editable: false\n"
      "    jsonData:\n"
      "      timeInterval: 1s\n";
  const std::string provider =
      "# Written by raftlab: loads the Raft lab dashboard from the folder beside this tree.\n"
      "apiVersion: 1\n"
      "providers:\n"
      "  - name: raftlab\n"
      "    orgId: 1\n"
      "    folder: raftlab\n"
      "    type: file\n"
      "    disableDeletion: false\n"
      "    allowUiUpdates: false\n"
      "    updateIntervalSeconds: 10\n"
      "    options:\n"
      "      path: " + Yaml(dashboards) + "\n"
      "      foldersFromFilesStructure: false\n";
  const std::vector<std::pair<std::string, std::string>> files = {
      {dashboards + "/raftlab.json", GrafanaDashboardText()},
      {datasources_dir + "/raftlab.yaml", datasource},
      {providers_dir + "/raftlab.yaml", provider},
  };
  for (const auto& [path, text] : files) {
    RL_RETURN_IF_ERROR(WriteFileAtomic(path, text));
    if (written != nullptr) written->push_back(path);
  }
  return Status::Ok();
}

std::string PrometheusConfig(const std::vector<ScrapeTarget>& members, const std::string& exporter_address,
                             int scrape_interval_ms) {
  const std::string interval = DurationText(scrape_interval_ms);
  std::string out = "# prometheus.yml for a raftlab lab (written by raftlab; see dashboards/README.md).\n"
                    "global:\n"
                    "  scrape_interval: " + interval + "\n"
                    "  evaluation_interval: " + interval + "\n"
                    "scrape_configs:\n"
                    "  - job_name: etcd\n"
                    "    metrics_path: /metrics\n"
                    "    static_configs:\n";
  if (members.empty()) out += "      []\n";
  // One target group per member, so each series carries the lab's member name.
  for (const ScrapeTarget& m : members)
    out += "      - targets: [" + Yaml(m.address) + "]\n"
           "        labels:\n"
           "          member: " + Yaml(m.member) + "\n";
  out += "  - job_name: raftlab\n"
         "    static_configs:\n"
         "      - targets: [" + Yaml(exporter_address) + "]\n";
  return out;
}

}  // namespace raftlab::dashboards
