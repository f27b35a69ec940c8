#include "scenarios/slow_disk_figures.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "common/subprocess.h"
#include "dashboards/gnuplot_panels.h"
#include "dashboards/gnuplot_script.h"
#include "dashboards/journal_series.h"
#include "evidence/raft_status.h"

namespace raftlab::scenarios::slow_disk {
namespace {

constexpr int64_t kLeadIn = 3'000'000'000;   // samples before the window that say who led

}  // namespace

std::string Fixed(double v, int digits) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

DiskReading ParseDiskReading(std::string_view metrics_text) {
  auto m = evidence::ParseMetrics(metrics_text, {"etcd_disk_wal_fsync_duration_seconds_sum",
                                                 "etcd_disk_wal_fsync_duration_seconds_count",
                                                 "etcd_server_leader_changes_seen_total"});
  return DiskReading{m["etcd_disk_wal_fsync_duration_seconds_sum"], m["etcd_disk_wal_fsync_duration_seconds_count"],
                     m["etcd_server_leader_changes_seen_total"]};
}

double MeanFsyncMs(const DiskReading& before, const DiskReading& after) {
  const double n = after.fsync_count - before.fsync_count;
  return n > 0 ? 1000.0 * (after.fsync_sum_s - before.fsync_sum_s) / n : -1;
}

double MaxLeaderChangeRise(const std::map<std::string, DiskReading>& before,
                           const std::map<std::string, DiskReading>& after) {
  double rise = 0;
  for (const auto& [member, b] : before)
    if (auto a = after.find(member); a != after.end()) rise = std::max(rise, a->second.leader_changes - b.leader_changes);
  return rise;
}

std::vector<Json> SampleEvents(std::string_view journal_text) {
  std::vector<Json> out;
  size_t start = 0;
  while (start < journal_text.size()) {
    const size_t end = journal_text.find('\n', start);
    if (end == std::string_view::npos) break;   // unfinished: the writer is mid-line
    std::string_view line = journal_text.substr(start, end - start);
    start = end + 1;
    if (line.find("\"sample\"") == std::string_view::npos) continue;
    Json e = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (e.is_object() && e.value("kind", "") == "sample") out.push_back(std::move(e));
  }
  return out;
}

std::vector<ObservedChange> LeaderChangesBetween(const std::vector<Json>& samples, int64_t from_ns, int64_t to_ns) {
  // A session start at the lead-in's beginning fixes the time base of dashboards' rule.
  const int64_t base = from_ns - kLeadIn;
  std::vector<Json> events;
  events.push_back(Json{{"mono_ns", base}, {"kind", "session"}, {"event", "start"}});
  for (const Json& e : samples) {
    auto mono = e.find("mono_ns");
    if (mono == e.end() || !mono->is_number_integer()) continue;
    const int64_t t = mono->get<int64_t>();
    if (t >= base && t <= to_ns) events.push_back(e);
  }
  std::vector<ObservedChange> out;
  for (const dashboards::LeaderChange& c : dashboards::LeaderChanges(events)) {
    const int64_t at = base + static_cast<int64_t>(c.t * 1e9);
    if (at > from_ns && at <= to_ns) out.push_back({static_cast<double>(at - from_ns) / 1e9, c.term, c.leader});
  }
  return out;
}

double SweepRow::ChangesPerMinute() const {
  return window_s > 0 ? 60.0 * std::max<double>(sampled_changes, metric_changes) / window_s : 0;
}

std::string SweepTable(const std::vector<SweepRow>& rows) {
  char line[256];
  std::string out;
  snprintf(line, sizeof line, "%-11s  %-23s  %-8s  %-31s  %-10s  %-9s  %s\n", "fsync delay", "slow member(s)", "window",
           "leader changes (samples/metric)", "per minute", "put p50", "puts ok/failed");
  out += line;
  for (const SweepRow& r : rows) {
    snprintf(line, sizeof line, "%-11s  %-23s  %-8s  %-31s  %-10s  %-9s  %d/%d\n", (std::to_string(r.fsync_ms) + " ms").c_str(),
             r.every_member ? "every member" : "the leader (follows it)", (Fixed(r.window_s) + " s").c_str(),
             (std::to_string(r.sampled_changes) + " / " + Fixed(r.metric_changes, 0)).c_str(),
             Fixed(r.ChangesPerMinute()).c_str(), (Fixed(r.put_p50_ms, 0) + " ms").c_str(), r.puts_ok, r.puts_failed);
    out += line;
  }
  return out;
}

std::string SweepPanelScript(const std::vector<SweepRow>& rows, int heartbeat_ms, int election_ms,
                             const std::string& svg_path, const std::string& png_path,
                             const std::string& png_terminal) {
  using dashboards::GnuplotQuote;
  int max_ms = 2 * election_ms;
  for (const SweepRow& r : rows) max_ms = std::max(max_ms, r.fsync_ms);
  std::ostringstream s;
  s << "set encoding utf8\n";
  s << "set terminal svg size 1100,460 dynamic noenhanced font 'DejaVu Sans,10' background rgb 'white'\n";
  s << "set output " << GnuplotQuote(svg_path) << "\n";
  s << "set title 'Leader changes per minute by added WAL fsync delay, under write load' font ',13'\n";
  s << "set xlabel 'added WAL fsync delay (ms)'\nset ylabel 'leader changes per minute'\n";
  s << "set xrange [0:" << max_ms * 1.12 << "]\nset yrange [0:*]\nset offsets 0, 0, graph 0.15, 0\n";
  s << "set border 3\nset tics nomirror\nset grid xtics ytics lc rgb '#dddddd'\n";
  s << "set key outside top center horizontal reverse Left samplen 2\n";
  const std::vector<std::pair<int, std::string>> marks = {
      {heartbeat_ms, "heartbeat " + std::to_string(heartbeat_ms) + " ms"},
      {election_ms, "election timeout " + std::to_string(election_ms) + " ms"},
      {2 * election_ms, "2 x election timeout: every follower's timer expires"}};
  for (const auto& [x, label] : marks) {
    s << "set arrow from first " << x << ", graph 0 to first " << x << ", graph 1 nohead back dt (4,4) lw 1.2 lc rgb '#888888'\n";
    s << "set label " << GnuplotQuote(label) << " at first " << x
      << ", graph 0.97 rotate by 90 right offset -0.6,0 tc rgb '#666666' font ',9'\n";
  }
  std::string plot = "plot NaN notitle";
  for (bool every : {false, true}) {
    std::string block = every ? "$every" : "$leader";
    std::string data;
    for (const SweepRow& r : rows)
      if (r.every_member == every) data += std::to_string(r.fsync_ms) + " " + Fixed(r.ChangesPerMinute(), 2) + "\n";
    if (data.empty()) continue;
    s << block << " << EOD\n" << data << "EOD\n";
    const std::string style = every ? "with points pt 5 ps 1.6 lc rgb '#ff7f0e'" : "with linespoints pt 7 ps 1.2 lw 2 lc rgb '#1f77b4'";
    const std::string title = every ? "every member slow (a shared slow volume)" : "the leader slow (the fault follows leadership)";
    plot += ", " + block + " using 1:2 " + style + " title " + GnuplotQuote(title);
    plot += ", " + block + " using 1:2:(sprintf('%.1f', $2)) with labels offset 0,1 tc rgb '#333333' notitle";
  }
  s << plot << "\n";
  s << "set terminal " << png_terminal << " size 1100,460 noenhanced"
    << (png_terminal == "pngcairo" ? " font 'DejaVu Sans,10'" : "") << "\n";
  s << "set output " << GnuplotQuote(png_path) << "\nreplot\nunset output\n";
  return s.str();
}

Result<std::string> DrawSweepPanel(const std::string& panels_dir, const std::vector<SweepRow>& rows, int heartbeat_ms,
                                   int election_ms) {
  const std::string gnuplot = dashboards::FindGnuplot();
  if (gnuplot.empty()) return Unsupported("gnuplot is not installed (apt-get install gnuplot-nox)");
  Result<std::string> png_terminal = dashboards::PngTerminal(gnuplot);
  if (!png_terminal.ok()) return png_terminal.status();
  RL_RETURN_IF_ERROR(MakeDirs(panels_dir));
  const std::string svg = panels_dir + "/slow_disk_sweep.svg";
  const std::string script = panels_dir + "/.slow_disk_sweep.gp";
  RL_RETURN_IF_ERROR(WriteFileAtomic(
      script, SweepPanelScript(rows, heartbeat_ms, election_ms, svg, panels_dir + "/slow_disk_sweep.png", *png_terminal)));
  Result<RunResult> r = Run({gnuplot, script});
  std::remove(script.c_str());
  if (!r.ok()) return r.status();
  if (!r->ok()) return Internal("gnuplot failed on the sweep panel: " + r->Describe());
  return svg;
}

}  // namespace raftlab::scenarios::slow_disk
