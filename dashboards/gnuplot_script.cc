#include "dashboards/gnuplot_script.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace raftlab::dashboards {
namespace {

// Member colours avoid red (faults, failures).
const char* const kMemberColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd",
                                     "#8c564b", "#e377c2", "#bcbd22", "#17becf"};
constexpr char kUnknownColor[] = "#000000";
constexpr int kMaxLeaderLabels = 16;

std::string Fmt(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string ColorOf(const Line& line, const std::vector<std::string>& members) {
  if (line.style == LineStyle::kErrorPoints) return kFaultColor;
  if (line.style == LineStyle::kUnknownPoints) return kUnknownColor;
  if (line.member.empty()) {
    if (line.name.rfind("fail", 0) == 0) return kFaultColor;
    if (line.name.rfind("timeout", 0) == 0) return kUnknownColor;
    return "#000000";
  }
  auto it = std::find(members.begin(), members.end(), line.member);
  size_t i = it == members.end() ? members.size() : static_cast<size_t>(it - members.begin());
  return kMemberColors[i % (sizeof kMemberColors / sizeof kMemberColors[0])];
}

// Members that agree draw the same line: earlier members are drawn wider underneath, so
// every member stays visible (n1 wide, n3 thin on top of it).
std::string WithClause(const Line& line, const std::vector<std::string>& members) {
  // Dashes tell a member's series apart (commit solid, applied dashed); cluster-wide lines
  // stay solid so as not to look like the dashed leader-change markers.
  std::string dash = line.member.empty() || line.variant == 0 ? "dt 1" : line.variant == 1 ? "dt (8,4)" : "dt (2,3)";
  auto it = std::find(members.begin(), members.end(), line.member);
  int behind = it == members.end() ? 0 : static_cast<int>(members.end() - it) - 1;
  std::string lw = Fmt(1.6 + std::min(2.4, 6.0 / std::max<size_t>(1, members.size())) * behind);
  switch (line.style) {
    case LineStyle::kSteps:
      return "with steps lw " + lw + " " + dash;
    case LineStyle::kLines:
      return "with linespoints lw 1.5 pt 7 ps 0.45 " + dash;
    case LineStyle::kPoints:
      return "with points pt 7 ps 0.7";
    case LineStyle::kErrorPoints:
      return "with points pt 2 ps 1.6 lw 2";
    case LineStyle::kUnknownPoints:
      return "with points pt 8 ps 1.6 lw 2";
    case LineStyle::kIntervals:   // flat segments; the dots keep a short interval visible
      return "with linespoints lw 2 pt 7 ps 0.35 " + dash;
  }
  return "with lines";
}

std::string DataFile(const Line& line) {
  std::string text;
  for (const Point& p : line.points) text += std::isnan(p.v) ? "\n" : Fmt(p.t) + " " + Fmt(p.v) + "\n";
  return text;
}

bool HasFinitePoint(const PanelData& data, bool log_y) {
  for (const Line& l : data.lines)
    for (const Point& p : l.points)
      if (!std::isnan(p.v) && (!log_y || p.v > 0)) return true;
  return false;
}

void Header(std::ostringstream& s, const Panel& panel, const RunSeries& run, const GnuplotOutputs& out, int height) {
  s << "set encoding utf8\n";
  if (out.png_terminal == "pngcairo")
    s << "set terminal pngcairo size 1100," << height << " noenhanced font 'DejaVu Sans,10'\n";
  else
    s << "set terminal png size 1100," << height << " noenhanced\n";
  s << "set output " << GnuplotQuote(out.png_path) << "\n";
  s << "set title " << GnuplotQuote(panel.title) << " font ',13'\n";
  s << "set xlabel 'time since run start (s)'\n";
  s << "set ylabel " << GnuplotQuote(panel.y_label) << "\n";
  s << "set xrange [0:" << Fmt(std::max(run.duration, 1.0)) << "]\n";
  s << "set border 3\nset tics nomirror\n";
  s << "set key outside right top vertical Left reverse samplen 2 spacing 1.1\n";
}

// Fault windows and leader changes. Windows are shaded behind the data (on a state timeline
// they show between the rows) and edged by thin lines in front.
void Overlays(std::ostringstream& s, const RunSeries& run) {
  // A label is about 8% of the x axis wide: one starting closer than that to the last one drawn
  // would print over it (a fault moved from member to member every second or two), so it is left
  // out; its window is still shaded and edged.
  const double label_gap = 0.08 * std::max(run.duration, 1.0);
  double last_label = -label_gap;
  for (const FaultWindow& f : run.faults) {
    s << "set object rect from first " << Fmt(f.start) << ", graph 0 to first " << Fmt(std::max(f.end, f.start))
      << ", graph 1 back fc rgb '" << kFaultColor
      << "' fillstyle transparent solid 0.16 noborder\n";
    for (double x : {f.start, f.end})
      s << "set arrow from first " << Fmt(x) << ", graph 0 to first " << Fmt(x) << ", graph 1 nohead front lw 1 lc rgb '"
        << kFaultColor << "'\n";
    if (f.ended && f.start - last_label < label_gap) continue;   // "(not ended)" always shows
    last_label = f.start;
    s << "set label " << GnuplotQuote(f.Label() + (f.ended ? "" : " (not ended)")) << " at first " << Fmt(f.start)
      << ", graph 1 left offset 0.4,0.6 front tc rgb '" << kFaultColor << "' font ',9'\n";
  }
  // Step labels run up from the bottom; one close to the previous step's starts half-way up.
  double last_mark = -label_gap;
  bool raised = false;
  for (const StepMark& m : run.marks) {
    raised = m.t - last_mark < label_gap / 2 && !raised;
    last_mark = m.t;
    s << "set arrow from first " << Fmt(m.t) << ", graph 0 to first " << Fmt(m.t)
      << ", graph 1 nohead front lw 2 lc rgb '" << kStepMarkColor << "'\n";
    s << "set label " << GnuplotQuote(m.label) << " at first " << Fmt(m.t) << ", graph " << (raised ? "0.5" : "0.03")
      << " rotate by 90 left offset -0.6,0 front tc rgb '" << kStepMarkColor << "' font ',9'\n";
  }
  bool labels = run.leader_changes.size() <= kMaxLeaderLabels;
  for (const LeaderChange& c : run.leader_changes) {
    s << "set arrow from first " << Fmt(c.t) << ", graph 0 to first " << Fmt(c.t)
      << ", graph 1 nohead front dt (5,4) lw 1.3 lc rgb '" << kLeaderChangeColor << "'\n";
    if (labels)
      s << "set label " << GnuplotQuote(c.leader + " t" + std::to_string(c.term)) << " at first " << Fmt(c.t)
        << ", graph 0.97 rotate by 90 right offset -0.6,0 front tc rgb '" << kLeaderChangeColor << "' font ',8'\n";
  }
}

// Legend entries for the overlays (plotted as NaN so that only the key shows them).
std::string OverlayKeys(const RunSeries& run) {
  std::string keys;
  if (!run.faults.empty())
    keys += ", NaN with boxes fs transparent solid 0.25 noborder fc rgb '" + std::string(kFaultColor) +
            "' title 'fault window'";
  if (!run.leader_changes.empty())
    keys += ", NaN with lines dt (5,4) lw 1.3 lc rgb '" + std::string(kLeaderChangeColor) +
            "' title 'leader change'";
  if (!run.marks.empty())
    keys += ", NaN with lines lw 2 lc rgb '" + std::string(kStepMarkColor) + "' title 'scenario step'";
  return keys;
}

void Footer(std::ostringstream& s, const GnuplotOutputs& out, int height) {
  s << "set terminal svg size 1100," << height << " dynamic noenhanced font 'DejaVu Sans,10' background rgb 'white'\n";
  s << "set output " << GnuplotQuote(out.svg_path) << "\n";
  s << "replot\n";
  s << "unset output\n";
}

GnuplotJob TimeseriesJob(const Panel& panel, const RunSeries& run, const PanelData& data, const GnuplotOutputs& out) {
  GnuplotJob job;
  std::ostringstream s;
  const int height = 460;
  Header(s, panel, run, out, height);
  s << "set grid xtics ytics lc rgb '#dddddd'\n";
  bool has_data = HasFinitePoint(data, panel.log_y);
  if (panel.log_y && has_data) {
    s << "set logscale y 10\nset format y '%g'\n";
  } else {
    s << "set yrange [0:*]\n";
  }
  s << "set offsets 0, 0, graph 0.12, 0\n";
  if (!has_data) {
    s << "set yrange [0:1]\n";
    s << "set label 'no data for this panel in this run' at graph 0.5, graph 0.5 center tc rgb '#666666' font ',12'\n";
  }
  Overlays(s, run);
  std::string plot = "plot NaN notitle";
  for (size_t i = 0; i < data.lines.size(); ++i) {
    const Line& line = data.lines[i];
    std::string name = "line" + std::to_string(i) + ".dat";
    job.data_files[name] = DataFile(line);
    bool any = false;
    for (const Point& p : line.points) any = any || !std::isnan(p.v);
    if (!any) continue;
    plot += ", " + GnuplotQuote(name) + " using 1:2 " + WithClause(line, run.members) + " lc rgb '" + ColorOf(line, run.members) +
            "' title " + GnuplotQuote(line.name);
  }
  plot += OverlayKeys(run);
  s << plot << "\n";
  Footer(s, out, height);
  job.script = s.str();
  return job;
}

GnuplotJob StateJob(const Panel& panel, const RunSeries& run, const PanelData& data, const GnuplotOutputs& out) {
  GnuplotJob job;
  std::ostringstream s;
  // Rows: every member of the run, n1 on top, even one never sampled (an empty row says so).
  const std::vector<std::string>& members = run.members;
  const int n = std::max<int>(1, static_cast<int>(members.size()));
  const int height = std::max(300, 170 + 55 * n);
  Header(s, panel, run, out, height);
  s << "set yrange [0.4:" << n << ".6]\n";
  s << "set ytics (";
  for (int i = 0; i < static_cast<int>(members.size()); ++i)
    s << (i ? ", " : "") << GnuplotQuote(members[i]) << " " << (n - i);
  s << ")\n";
  s << "set grid xtics lc rgb '#dddddd'\n";
  Overlays(s, run);  // first: objects are drawn in the order defined, the bars go on top
  auto color_of = [&](const std::string& state) -> std::string {
    for (const StateStyle& st : panel.states)
      if (st.name == state) return st.color;
    return "#cccccc";
  };
  for (const StateRow& row : data.rows) {
    auto it = std::find(members.begin(), members.end(), row.name);
    if (it == members.end()) continue;
    int y = n - static_cast<int>(it - members.begin());
    for (const StateSpan& span : row.spans)
      s << "set object rect from first " << Fmt(span.start) << ", first " << y - 0.28 << " to first "
        << Fmt(std::max(span.end, span.start)) << ", first " << y + 0.28 << " back fc rgb '" << color_of(span.state)
        << "' fillstyle solid 1.0 noborder\n";
  }
  if (data.rows.empty())
    s << "set label 'no data for this panel in this run' at graph 0.5, graph 0.5 center tc rgb '#666666' font ',12'\n";
  std::string plot = "plot NaN notitle";
  for (const StateStyle& st : panel.states)
    plot += ", NaN with boxes fs solid 1.0 noborder fc rgb '" + st.color + "' title " + GnuplotQuote(st.name);
  plot += OverlayKeys(run);
  s << plot << "\n";
  Footer(s, out, height);
  job.script = s.str();
  return job;
}

}  // namespace

std::string GnuplotQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "''";
    else if (c == '\n') q += ' ';
    else q += c;
  }
  return q + "'";
}

GnuplotJob PanelJob(const Panel& panel, const RunSeries& run, const GnuplotOutputs& out) {
  static const PanelData kEmpty;
  auto it = run.panels.find(panel.id);
  const PanelData& data = it == run.panels.end() ? kEmpty : it->second;
  return panel.kind == PanelKind::kStateTimeline ? StateJob(panel, run, data, out)
                                                 : TimeseriesJob(panel, run, data, out);
}

}  // namespace raftlab::dashboards
