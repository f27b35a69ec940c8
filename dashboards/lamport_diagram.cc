#include "dashboards/lamport_diagram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "common/strings.h"
#include "dashboards/panel_catalogue.h"
#include "evidence/wire_timeline.h"

namespace raftlab::dashboards {
namespace {

using evidence::WireMessage;

constexpr double kLeft = 84;         // the time axis lives left of this
constexpr double kLaneInset = 40;    // first lane right of the axis
constexpr double kLaneGap = 230;
constexpr double kNotesWidth = 270;  // right of the last lane: band and fault labels
constexpr double kTop = 128;         // title, legend, note and lane names above
constexpr double kBottom = 28;
constexpr double kLabelPx = 10;
constexpr char kInk[] = "#333333";
constexpr char kLaneColor[] = "#9a9a9a";
constexpr char kFoldColor[] = "#8c8c8c";

const std::vector<std::string>& ClassOrder() {
  static const std::vector<std::string> kOrder = {"vote", "prevote", "app", "appresp", "heartbeat", "snap",
                                                  "readindex", "prop", "timeoutnow", "other"};
  return kOrder;
}

std::string LegendName(const std::string& cls) {
  if (cls == "appresp") return "app resp";
  if (cls == "readindex") return "read index";
  if (cls == "timeoutnow") return "timeout now";
  return cls;
}

double Seconds(int64_t ns, int64_t zero_ns) { return static_cast<double>(ns - zero_ns) / 1e9; }

// n2 before n10.
bool NaturalLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

std::string ShortLabel(const WireMessage& m) {
  const std::string& t = m.type;
  std::string name = t.rfind("Msg", 0) == 0 ? t.substr(3) : t;
  auto n = [](const char* p, uint64_t v) { return std::string(" ") + p + std::to_string(v); };
  std::string range;
  if (!m.entries.empty()) {
    uint64_t a = m.entries.front().index, b = m.entries.back().index;
    range = " [" + std::to_string(a) + (a == b ? "" : ".." + std::to_string(b)) + "]";
  }
  if (t == "MsgApp") return name + n("t", m.term) + n("i", m.index) + range + n("c", m.commit);
  if (t == "MsgAppResp") return m.reject ? name + " reject" + n("i", m.index) + n("hint ", m.reject_hint) : name + n("i", m.index);
  if (t == "MsgVoteResp" || t == "MsgPreVoteResp") return name + n("t", m.term) + (m.reject ? " rejected" : " granted");
  if (t == "MsgSnap" && m.snapshot) return name + n("i", m.snapshot->index) + n("t", m.snapshot->term);
  if (t == "MsgReadIndexResp") return name + n("i", m.index);
  if (t == "MsgProp") return name + n("", m.entries.size()) + (m.entries.size() == 1 ? " entry" : " entries");
  if (t == "MsgReadIndex") return name;
  return name + n("t", m.term);
}

// A label waiting for its place: labels are placed per column, top-down.
struct LabelRequest {
  std::string column;
  double y = 0;            // desired baseline
  double x = 0;
  std::string text, anchor = "start", color = kInk, cls = "label";
  double font_px = kLabelPx;
  bool boxed = false;      // a term tag: white box with an outline
  bool keep = false;       // never dropped (fault labels, fold labels): moves as far as needed
  int priority = 0;        // placed first: votes, snapshots, rejections, dropped messages
};

struct FoldBand {
  double y1 = 0, y2 = 0;
  int count = 0;
  std::set<std::string> leaders;   // senders of MsgHeartbeat
};

double NiceStep(double pps) {
  for (double s : {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0})
    if (s * pps >= 44) return s;
  return 600;
}

std::string TickLabel(double t, double step) {
  char buf[32];
  snprintf(buf, sizeof buf, step >= 1 ? "%.0fs" : step >= 0.1 ? "%.1fs" : step >= 0.01 ? "%.2fs" : "%.3fs", t);
  return buf;
}

}  // namespace

std::string LamportClass(const std::string& type) {
  if (type == "MsgAppResp") return "appresp";
  return evidence::WireTypeGroup(type);
}

std::string LamportColor(const std::string& cls) {
  static const std::map<std::string, std::string> kColors = {
      {"vote", "#9467bd"},     {"prevote", "#e377c2"},   {"app", "#1f77b4"},        {"appresp", "#17becf"},
      {"heartbeat", "#a0a0a0"}, {"snap", "#ff7f0e"},      {"readindex", "#2ca02c"},  {"prop", "#8c564b"},
      {"timeoutnow", "#bcbd22"}, {"other", "#000000"}};
  auto it = kColors.find(cls);
  return it == kColors.end() ? "#000000" : it->second;
}

Scene LamportScene(const LamportInput& in, const LamportOptions& opt) {
  // Lanes: the given members, then any other a message names.
  std::vector<std::string> lanes = in.members;
  std::vector<std::string> extra;
  for (const WireMessage& m : in.messages)
    for (const std::string& who : {m.from, m.to})
      if (std::find(lanes.begin(), lanes.end(), who) == lanes.end() &&
          std::find(extra.begin(), extra.end(), who) == extra.end())
        extra.push_back(who);
  std::sort(extra.begin(), extra.end(), NaturalLess);
  lanes.insert(lanes.end(), extra.begin(), extra.end());
  if (lanes.empty()) lanes.push_back("(no member)");
  auto lane_of = [&](const std::string& who) {
    return static_cast<int>(std::find(lanes.begin(), lanes.end(), who) - lanes.begin());
  };
  auto lane_x = [&](int i) { return kLeft + kLaneInset + kLaneGap * i; };

  // The window, and the messages in it (by send time).
  double from = in.from, to = in.to;
  if (to <= from) {
    bool any = false;
    for (const WireMessage& m : in.messages) {
      double s = Seconds(m.time_ns, in.zero_ns), r = m.delivered ? Seconds(m.delivered_ns, in.zero_ns) : s;
      from = any ? std::min(from, s) : s;
      to = any ? std::max(to, std::max(s, r)) : std::max(s, r);
      any = true;
    }
    if (!any) from = 0, to = 1;
    double pad = std::max(0.02 * (to - from), 0.005);
    from -= pad, to += pad;
  }
  std::vector<const WireMessage*> window;
  for (const WireMessage& m : in.messages) {
    double s = Seconds(m.time_ns, in.zero_ns);
    if (s >= from && s <= to) window.push_back(&m);
  }
  std::stable_sort(window.begin(), window.end(),
                   [](const WireMessage* a, const WireMessage* b) { return a->time_ns < b->time_ns; });
  auto is_hb = [](const WireMessage& m) { return m.type == "MsgHeartbeat" || m.type == "MsgHeartbeatResp"; };
  // Only routine heartbeats fold: delivered, and acknowledged within kFoldMaxLagNs.
  auto routine_hb = [&](const WireMessage& m) {
    return is_hb(m) && m.delivered && m.delivered_ns - m.time_ns <= kFoldMaxLagNs;
  };

  // Scale: about 14 px per arrow that will be drawn, within 500..2400 px.
  double pps = opt.px_per_second;
  if (pps <= 0) {
    size_t drawn = 0;
    for (const WireMessage* m : window) drawn += opt.show_all_heartbeats || !routine_hb(*m);
    const double want = std::clamp(14.0 * static_cast<double>(std::min<size_t>(drawn, opt.max_arrows)) + 200, 500.0, 2400.0);
    pps = want / std::max(to - from, 1e-3);
  }
  auto y_of = [&](double t) { return kTop + (t - from) * pps; };
  const double bottom = y_of(to);

  Scene sc;
  const double right = lane_x(static_cast<int>(lanes.size()) - 1);
  sc.width = static_cast<int>(right + 40 + kNotesWidth);
  sc.height = static_cast<int>(bottom + kBottom);
  std::vector<LabelRequest> labels;
  const double notes_x = right + 34;

  // Heartbeat folding, per band of kFoldBandPx.
  std::map<long, int> hb_per_band;
  auto band_of = [&](const WireMessage& m) {
    return static_cast<long>(std::floor((y_of(Seconds(m.time_ns, in.zero_ns)) - kTop) / kFoldBandPx));
  };
  if (!opt.show_all_heartbeats)
    for (const WireMessage* m : window)
      if (routine_hb(*m)) ++hb_per_band[band_of(*m)];
  auto folded = [&](const WireMessage& m) {
    if (opt.show_all_heartbeats || !routine_hb(m)) return false;
    auto it = hb_per_band.find(band_of(m));
    return it != hb_per_band.end() && it->second > opt.fold_heartbeats_above;
  };
  std::vector<FoldBand> folds;
  long last_band = -2;
  std::vector<const WireMessage*> arrows;
  for (const WireMessage* m : window) {
    if (!folded(*m)) {
      arrows.push_back(m);
      continue;
    }
    long b = band_of(*m);
    if (folds.empty() || (b != last_band && b != last_band + 1)) {
      folds.push_back({});
      folds.back().y1 = kTop + b * kFoldBandPx;
    }
    folds.back().y2 = std::min(kTop + (b + 1) * kFoldBandPx, bottom);
    ++folds.back().count;
    if (m->type == "MsgHeartbeat") folds.back().leaders.insert(m->from);
    last_band = b;
  }
  const size_t total_arrows = arrows.size();
  if (arrows.size() > static_cast<size_t>(std::max(opt.max_arrows, 0))) arrows.resize(static_cast<size_t>(std::max(opt.max_arrows, 0)));

  // Grid and time axis.
  const double step = NiceStep(pps);
  for (double t = std::ceil(from / step) * step; t <= to + 1e-9; t += step) {
    const double y = y_of(t);
    sc.Line(kLeft, y, right + 20, y, "#ececec", 1, "grid");
    sc.shapes.back().back = true;
    sc.Line(kLeft - 5, y, kLeft, y, kInk, 1, "tick");
    sc.Text(kLeft - 8, y + 3.5, TickLabel(std::fabs(t) < step / 2 ? 0 : t, step), kInk, 10, "end", "tick");
  }
  sc.Line(kLeft, kTop, kLeft, bottom, kInk, 1, "axis");

  // Fault windows: shaded across the lanes, edged, labelled in the notes column.
  bool any_fault = false;
  for (const LamportBand& f : in.faults) {
    if (f.end < from || f.start > to) continue;
    any_fault = true;
    const double y1 = y_of(std::max(f.start, from)), y2 = y_of(std::min(f.end, to));
    sc.Rect(kLeft + 1, y1, right + 20, std::max(y2, y1 + 1), kFaultColor, 0.10, "fault");
    sc.shapes.back().back = true;
    sc.shapes.back().title = f.label;
    if (f.start >= from) sc.Line(kLeft + 1, y1, right + 20, y1, kFaultColor, 1, "fault-edge");
    if (f.end <= to && f.ended) sc.Line(kLeft + 1, y2, right + 20, y2, kFaultColor, 1, "fault-edge");
    LabelRequest l;
    l.column = "notes", l.y = y1 + 12, l.x = notes_x, l.color = kFaultColor, l.cls = "label fault-label", l.keep = true;
    l.text = f.label + (f.ended ? "" : " (not ended)");
    labels.push_back(l);
  }

  // Folded heartbeats: a grey band over the lanes.
  for (const FoldBand& b : folds) {
    sc.Rect(lane_x(0) - 14, b.y1 + 1, right + 14, b.y2 - 1, kFoldColor, 0.16, "fold");
    sc.shapes.back().back = true;
    std::vector<std::string> leaders(b.leaders.begin(), b.leaders.end());
    LabelRequest l;
    l.column = "notes", l.y = (b.y1 + b.y2) / 2 + 4, l.x = notes_x, l.color = "#555555", l.cls = "label fold-label", l.keep = true;
    l.text = "\u00d7" + std::to_string(b.count) + " heartbeats" + (leaders.empty() ? "" : ", from " + JoinNames(leaders));
    labels.push_back(l);
  }

  // Lanes.
  for (size_t i = 0; i < lanes.size(); ++i) {
    const double x = lane_x(static_cast<int>(i));
    sc.Line(x, kTop - 4, x, bottom, kLaneColor, 1.5, "lane");
    sc.Text(x, kTop - 12, lanes[i], "#000000", 13, "middle", "lane-name");
    sc.shapes.back().bold = true;
  }

  // Term changes: tags on the lanes.
  // A term taken before the window shows at its top: the term each lane is in.
  std::map<std::string, LamportTermMark> in_force;
  std::vector<LamportTermMark> marks;
  for (const LamportTermMark& tm : in.terms) {
    if (tm.t < from) {
      auto [it, fresh] = in_force.emplace(tm.member, tm);
      if (!fresh && tm.t >= it->second.t) it->second = tm;
    } else if (tm.t <= to) {
      marks.push_back(tm);
    }
  }
  for (auto& [member, tm] : in_force) marks.push_back({from, member, tm.term});
  for (const LamportTermMark& tm : marks) {
    int i = lane_of(tm.member);
    if (i >= static_cast<int>(lanes.size())) continue;
    LabelRequest l;
    l.column = "lane" + std::to_string(i), l.y = y_of(tm.t) + 3.5, l.x = lane_x(i), l.anchor = "middle";
    l.text = "term " + std::to_string(tm.term), l.boxed = true, l.cls = "term", l.font_px = 9.5, l.color = "#000000";
    labels.push_back(l);
  }

  // Arrows.
  std::set<std::string> classes_seen;
  bool any_dropped = false;
  const auto names = evidence::WireMemberNames(in.messages);
  for (const WireMessage* m : arrows) {
    const int a = lane_of(m->from), b = lane_of(m->to);
    const std::string cls = LamportClass(m->type), color = LamportColor(cls);
    classes_seen.insert(cls);
    const double xs = lane_x(a), ys = y_of(Seconds(m->time_ns, in.zero_ns));
    double xr = lane_x(b), yr = std::max(m->delivered ? y_of(Seconds(m->delivered_ns, in.zero_ns)) : ys, ys + kMinDropPx);
    const std::string tip = evidence::WireTimelineLine(*m, in.zero_ns, names);
    const bool hb = is_hb(*m);
    if (!m->delivered) {   // broken off half-way, ending in a red ×
      any_dropped = true;
      xr = xs + (xr - xs) * 0.55, yr = ys + (yr - ys) * 0.55 + kMinDropPx;
      sc.Line(xs, ys, xr, yr, color, hb ? 1 : 1.6, "arrow " + cls + " dropped", "5,3");
      sc.shapes.back().title = tip;
      sc.Line(xr - 4, yr - 4, xr + 4, yr + 4, kFaultColor, 1.8, "drop-x");
      sc.Line(xr - 4, yr + 4, xr + 4, yr - 4, kFaultColor, 1.8, "drop-x");
    } else {
      sc.Line(xs, ys, xr, yr, color, hb ? 1 : 1.6, "arrow " + cls);
      sc.shapes.back().title = tip;
      const double len = std::hypot(xr - xs, yr - ys);
      if (len > 0) {
        const double ux = (xr - xs) / len, uy = (yr - ys) / len, hl = 8, hw = 3.5;
        Shape head;
        head.kind = Shape::Kind::kPolygon;
        head.points = {{xr, yr}, {xr - ux * hl - uy * hw, yr - uy * hl + ux * hw}, {xr - ux * hl + uy * hw, yr - uy * hl - ux * hw}};
        head.color = color;
        head.cls = "head " + cls;
        sc.shapes.push_back(head);
      }
    }
    if (hb || a == b) continue;
    LabelRequest l;
    l.column = "gap" + std::to_string(b > a ? a : a - 1);
    l.y = ys - 2, l.x = b > a ? xs + 7 : xs - 7, l.anchor = b > a ? "start" : "end";
    l.text = ShortLabel(*m), l.color = color == "#a0a0a0" ? kInk : color;
    l.priority = cls == "vote" || cls == "prevote" || cls == "snap" || cls == "timeoutnow" || m->reject || !m->delivered;
    labels.push_back(l);
  }

  // Labels: the important ones first, then top-down; each column keeps the spans taken, and a
  // label that would overlap one moves below it.
  std::stable_sort(labels.begin(), labels.end(), [](const LabelRequest& x, const LabelRequest& y) {
    return x.priority != y.priority ? x.priority > y.priority : x.y < y.y;
  });
  std::map<std::string, std::vector<std::pair<double, double>>> taken;   // column -> [top, bottom]
  int left_out = 0;
  double lowest = 0;
  for (const LabelRequest& l : labels) {
    const double h = l.font_px + 3;
    std::vector<std::pair<double, double>>& spans = taken[l.column];
    double y = l.y;
    // Each move passes a placed label; a label that is not kept stops once it moved too far.
    for (bool moved = true; moved && (l.keep || y - l.y <= kMaxLabelShiftPx);) {
      moved = false;
      for (const auto& [top, bot] : spans)
        if (y > top + 1e-6 && y - h < bot - 1e-6) y = bot + h, moved = true;   // (bot + h) - h may round below bot
    }
    if (!l.keep && y - l.y > kMaxLabelShiftPx) {
      ++left_out;
      continue;
    }
    spans.push_back({y - h, y});
    lowest = std::max(lowest, y);
    if (l.boxed) {
      const double w = 0.6 * l.font_px * static_cast<double>(l.text.size()) + 8;
      Shape box;
      box.kind = Shape::Kind::kRect;
      box.points = {{l.x - w / 2, y - l.font_px}, {l.x + w / 2, y + 3}};
      box.color = "#ffffff";
      box.stroke = "#333333";
      box.cls = "term-box";
      sc.shapes.push_back(box);
    }
    sc.Text(l.x, y, l.text, l.color, l.font_px, l.anchor, l.cls);
  }
  sc.height = std::max(sc.height, static_cast<int>(lowest + kBottom));

  // Header: title, legend, notes.
  sc.Text(16, 24, in.title, "#000000", 15, "start", "title");
  sc.shapes.back().bold = true;
  double lx = 16, ly = 48;
  auto legend_room = [&](double w) {
    if (lx + w > sc.width - 10) lx = 16, ly += 18;
  };
  for (const std::string& cls : ClassOrder()) {
    if (!classes_seen.count(cls) && !(cls == "heartbeat" && !folds.empty())) continue;
    const std::string name = LegendName(cls);
    legend_room(34 + 6.5 * static_cast<double>(name.size()));
    sc.Line(lx, ly - 4, lx + 22, ly - 4, LamportColor(cls), 2.5, "legend");
    sc.Text(lx + 27, ly, name, kInk, 11, "start", "legend");
    lx += 40 + 6.5 * static_cast<double>(name.size());
  }
  if (any_dropped) {
    legend_room(150);
    sc.Line(lx, ly - 4, lx + 18, ly - 4, kInk, 1.6, "legend", "5,3");
    sc.Line(lx + 16, ly - 8, lx + 24, ly, kFaultColor, 1.8, "legend");
    sc.Line(lx + 16, ly, lx + 24, ly - 8, kFaultColor, 1.8, "legend");
    sc.Text(lx + 29, ly, "dropped (never ACKed)", kInk, 11, "start", "legend");
    lx += 175;
  }
  if (!folds.empty()) {
    legend_room(140);
    sc.Rect(lx, ly - 10, lx + 22, ly + 1, kFoldColor, 0.3, "legend");
    sc.Text(lx + 27, ly, "heartbeats folded", kInk, 11, "start", "legend");
    lx += 150;
  }
  if (any_fault) {
    legend_room(120);
    sc.Rect(lx, ly - 10, lx + 22, ly + 1, kFaultColor, 0.2, "legend");
    sc.Text(lx + 27, ly, "fault window", kInk, 11, "start", "legend");
    lx += 120;
  }
  std::string note;
  if (arrows.size() < total_arrows)
    note = "showing the first " + std::to_string(arrows.size()) + " of " + std::to_string(total_arrows) +
           " arrows in this window: narrow it (--from/--to, --types, --member)";
  if (left_out > 0) note += std::string(note.empty() ? "" : "; ") + std::to_string(left_out) + " labels left out where they would overlap (tooltips keep them)";
  if (!in.subtitle.empty()) sc.Text(16, ly += 18, in.subtitle, "#555555", 11, "start", "subtitle");
  if (!note.empty()) sc.Text(16, ly + 18, note, kFaultColor, 11, "start", "note");
  return sc;
}

std::string LamportSvg(const LamportInput& input, const LamportOptions& options) {
  return SceneToSvg(LamportScene(input, options));
}

}  // namespace raftlab::dashboards
