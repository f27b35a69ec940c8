#include "scenarios/report.h"

#include <algorithm>
#include <filesystem>

#include "common/clock.h"

namespace raftlab::scenarios {
namespace fs = std::filesystem;
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string Badge(const std::string& validity) {
  std::string cls = validity == "ok" || validity == "PASS" ? "ok" : validity == "violated" || validity == "FAIL" ? "bad" : "unk";
  return "<span class=\"badge " + cls + "\">" + Escape(validity) + "</span>";
}

constexpr char kStyle[] =
    "body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
    ".badge{padding:1px 6px;border-radius:3px;font-size:90%;color:#fff}.ok{background:#2a7d2a}"
    ".bad{background:#b22}.unk{background:#a80}pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:85%}"
    "details{margin:0.5em 0}.panels img{width:48%;margin:1%;border:1px solid #ddd}"
    "section{border-top:2px solid #444;margin-top:2em}ul.ev{font-size:85%;color:#444}";

}  // namespace

std::string RenderReport(const std::vector<RunSummary>& runs, const std::string& generated_at) {
  std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>raftlab report</title><style>";
  h += kStyle;
  h += "</style></head><body>\n<h1>raftlab report</h1>\n<p>Generated " + Escape(generated_at) + " from " +
       std::to_string(runs.size()) + " run folder(s) under <code>runs/</code>.</p>\n";
  h += "<table><tr><th>run</th><th>scenario</th><th>result</th><th>checkers</th><th>expectations</th><th>wall time</th></tr>\n";
  for (const auto& r : runs) {
    const bool scenario = r.result.is_object();
    h += "<tr><td><a href=\"#" + Escape(r.folder) + "\">" + Escape(r.folder) + "</a></td><td>" +
         Escape(scenario ? Str(r.result, "scenario") : "(session)") + "</td><td>" +
         (scenario ? Badge(r.result.value("passed", false) ? "PASS" : "FAIL") : "") + "</td><td>" +
         (r.verdicts.is_object() ? Badge(Str(r.verdicts, "overall")) + "<br><small>" +
                                       Escape(Str(r.verdicts, "policy")) + "</small>"
                                 : "") +
         "</td><td>";
    if (scenario)
      h += std::to_string(r.result.value("expectations", 0) - r.result.value("failed_expectations", 0)) + "/" +
           std::to_string(r.result.value("expectations", 0));
    h += "</td><td>";
    if (scenario) {
      char buf[32];
      snprintf(buf, sizeof buf, "%.1f s", r.result.value("wall_s", 0.0));
      h += buf;
    }
    h += "</td></tr>\n";
  }
  h += "</table>\n";
  for (const auto& r : runs) {
    const std::string base = "../runs/" + r.folder + "/";
    h += "<section id=\"" + Escape(r.folder) + "\"><h2>" + Escape(r.folder) + "</h2>\n<p>";
    for (const char* f : {"transcript.md", "journal.jsonl", "verdicts.json", "result.json"})
      h += "<a href=\"" + Escape(base + f) + "\">" + f + "</a> · ";
    h += "<a href=\"" + Escape(base + "logs/") + "\">logs/</a> · <a href=\"" + Escape(base + "etcd/") + "\">etcd/</a></p>\n";
    if (r.result.is_object() && !Str(r.result, "error").empty())
      h += "<p><b>Stopped early:</b> " + Escape(Str(r.result, "error")) + "</p>\n";
    if (r.verdicts.is_object() && r.verdicts.contains("verdicts")) {
      // Required verdicts first (each must be ok with its minimum), then the informative ones.
      for (bool required : {true, false}) {
        std::string rows;
        for (const auto& v : r.verdicts["verdicts"]) {
          if (v.value("required", false) != required) continue;
          std::string judged = "judged " + std::to_string(v.value("judged", 0));
          if (v.value("of", 0) > 0) judged += " of " + std::to_string(v.value("of", 0));
          judged += " " + Str(v, "unit");
          if (required) judged += "<br><small>minimum " + Escape(Str(v, "minimum")) + "</small>";
          if (required && !v.value("earned", false))
            judged += "<br><b>not earned:</b> " + Escape(Str(v, "shortfall"));
          rows += "<tr><td>" + Escape(Str(v, "checker")) + "<br><small>" + Escape(Str(v, "property")) +
                  "</small></td><td>" + Badge(Str(v, "validity")) + "</td><td>" + judged + "</td><td><ul class=\"ev\">";
          size_t shown = 0;
          if (v.contains("evidence"))
            for (const auto& e : v["evidence"]) {
              if (shown++ == 6) {
                rows += "<li>… (" + std::to_string(v["evidence"].size() - 6) + " more in verdicts.json)</li>";
                break;
              }
              rows += "<li>" + Escape(e.is_string() ? e.get<std::string>() : e.dump()) + "</li>";
            }
          rows += "</ul></td></tr>\n";
        }
        if (rows.empty()) continue;
        h += std::string("<h3>") + (required ? "Required verdicts" : "Informative verdicts") + "</h3>\n";
        h += "<table><tr><th>checker</th><th>verdict</th><th>evidence judged</th><th>evidence</th></tr>\n" + rows +
             "</table>\n";
      }
    }
    if (!r.panels.empty()) {
      h += "<div class=\"panels\">";
      for (const auto& p : r.panels)
        h += "<a href=\"" + Escape(base + "panels/" + p) + "\"><img src=\"" + Escape(base + "panels/" + p) +
             "\" alt=\"" + Escape(p) + "\"></a>";
      h += "</div>\n";
    }
    if (!r.transcript.empty())
      h += "<details open><summary>transcript</summary><pre>" + Escape(r.transcript) + "</pre></details>\n";
    h += "</section>\n";
  }
  h += "</body></html>\n";
  return h;
}

Result<std::string> WriteReport(const std::string& out_dir) {
  fs::path runs_dir = fs::absolute(fs::path(out_dir) / "runs").lexically_normal();
  std::vector<RunSummary> runs;
  std::error_code ec;
  if (fs::is_directory(runs_dir, ec)) {
    for (const auto& entry : fs::directory_iterator(runs_dir, ec)) {
      if (entry.is_symlink() || !entry.is_directory()) continue;
      RunSummary r;
      r.folder = entry.path().filename().string();
      if (Result<Json> j = ReadJsonFile((entry.path() / "result.json").string()); j.ok()) r.result = *j;
      if (Result<Json> j = ReadJsonFile((entry.path() / "verdicts.json").string()); j.ok()) r.verdicts = *j;
      if (Result<std::string> t = ReadFile((entry.path() / "transcript.md").string()); t.ok()) r.transcript = *t;
      std::vector<std::string> svg, png;
      for (const auto& p : fs::directory_iterator(entry.path() / "panels", ec)) {
        std::string name = p.path().filename().string();
        (p.path().extension() == ".svg" ? svg : png).push_back(name);
      }
      r.panels = svg.empty() ? png : svg;
      std::sort(r.panels.begin(), r.panels.end());
      runs.push_back(std::move(r));
    }
  }
  // Folder names start with the time: newest first.
  std::sort(runs.begin(), runs.end(), [](const RunSummary& a, const RunSummary& b) { return a.folder > b.folder; });
  std::string path = (fs::path(out_dir) / "report" / "index.html").string();
  RL_RETURN_IF_ERROR(MakeDirs((fs::path(out_dir) / "report").string()));
  RL_RETURN_IF_ERROR(WriteFileAtomic(path, RenderReport(runs, WallNowIso())));
  return fs::absolute(path).lexically_normal().string();
}

}  // namespace raftlab::scenarios
