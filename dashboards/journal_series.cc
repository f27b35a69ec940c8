#include "dashboards/journal_series.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include "evidence/journal_start.h"

namespace raftlab::dashboards {
namespace {

constexpr double kGap = std::numeric_limits<double>::quiet_NaN();

// Accessors that never throw on a field of an unexpected type.
std::string Str(const Json& e, const char* key) {
  auto it = e.find(key);
  return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> Num(const Json& e, const char* key) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<int64_t> Int(const Json& e, const char* key) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

bool IsOkSample(const Json& e) {
  auto it = e.find("ok");
  return it != e.end() && it->is_boolean() && it->get<bool>();
}

// First of the '|'-separated metric names present in the sample's metrics.
std::optional<double> Metric(const Json& sample, const std::string& names) {
  auto m = sample.find("metrics");
  if (m == sample.end() || !m->is_object()) return std::nullopt;
  std::istringstream in(names);
  for (std::string name; std::getline(in, name, '|');)
    if (auto v = Num(*m, name.c_str())) return v;
  return std::nullopt;
}

// n2 < n10: compare the text before the trailing digits, then the number.
bool NaturalLess(const std::string& a, const std::string& b) {
  auto split = [](const std::string& s) {
    size_t i = s.size();
    while (i > 0 && isdigit(static_cast<unsigned char>(s[i - 1]))) --i;
    long n = i < s.size() && s.size() - i < 10 ? std::stol(s.substr(i)) : -1;
    return std::make_pair(s.substr(0, i), n);
  };
  auto [pa, na] = split(a);
  auto [pb, nb] = split(b);
  if (pa != pb) return pa < pb;
  if (na != nb) return na < nb;
  return a < b;
}

// What every derivation needs: the time base (the run's start, evidence/journal_start.h), the
// run's end, names of ids, the members.
struct Context {
  int64_t t0 = 0;
  double end = 0;
  std::map<std::string, std::string> name_of_id;  // hex id -> member name
  std::vector<std::string> members;

  explicit Context(const std::vector<Json>& events) {
    t0 = evidence::RunStartNs(events).value_or(0);
    std::set<std::string> seen;
    for (const Json& e : events) {
      if (Int(e, "mono_ns")) end = std::max(end, Time(e));
      std::string kind = Str(e, "kind");
      std::string member = Str(e, "member");
      if ((kind == "sample" || kind == "member") && !member.empty()) seen.insert(member);
      if (kind == "sample" && !member.empty() && !Str(e, "id").empty()) name_of_id[Str(e, "id")] = member;
      if (kind == "membership") {
        if (auto ids = e.find("ids"); ids != e.end() && ids->is_object())
          for (auto& [name, id] : ids->items())
            if (id.is_string()) name_of_id[id.get<std::string>()] = name;
        for (const char* set : {"voters", "learners"})
          if (auto v = e.find(set); v != e.end() && v->is_array())
            for (const Json& m : *v)
              if (m.is_string()) seen.insert(m.get<std::string>());
      }
    }
    members.assign(seen.begin(), seen.end());
    std::sort(members.begin(), members.end(), NaturalLess);
  }

  double Time(const Json& e) const {
    std::optional<int64_t> mono = Int(e, "mono_ns");
    return mono ? static_cast<double>(*mono - t0) / 1e9 : 0.0;
  }

  std::string Name(const std::string& hex_id) const {
    auto it = name_of_id.find(hex_id);
    return it == name_of_id.end() ? hex_id : it->second;
  }
};

bool IsDownEvent(const Json& e) {
  std::string kind = Str(e, "kind");
  if (kind == "sample") return !IsOkSample(e);
  if (kind == "member") {
    std::string ev = Str(e, "event");
    return ev == "exited" || ev == "stopped" || ev == "removed";
  }
  return false;
}

std::string LineName(const std::string& member, const std::string& suffix) {
  return suffix.empty() ? member : member + " " + suffix;
}

// Lines keyed by member, emitted in member order.
std::vector<Line> InMemberOrder(const Context& ctx, std::map<std::string, Line>& by_member) {
  std::vector<Line> out;
  for (const std::string& m : ctx.members)
    if (auto it = by_member.find(m); it != by_member.end() && !it->second.points.empty())
      out.push_back(std::move(it->second));
  for (auto& [m, line] : by_member)  // members the context did not list (defensive)
    if (std::find(ctx.members.begin(), ctx.members.end(), m) == ctx.members.end() && !line.points.empty())
      out.push_back(std::move(line));
  return out;
}

// kSampleField and kSampleMetric: a value per ok sample, a gap where the member is down.
std::vector<Line> PerSampleValue(const JournalSeries& js, int variant, const Context& ctx,
                                 const std::vector<Json>& events) {
  std::map<std::string, Line> lines;
  for (const Json& e : events) {
    std::string member = Str(e, "member");
    if (member.empty()) continue;
    Line& line = lines[member];
    if (IsDownEvent(e)) {
      if (!line.points.empty() && !std::isnan(line.points.back().v)) line.points.push_back({ctx.Time(e), kGap});
      continue;
    }
    if (Str(e, "kind") != "sample") continue;
    std::optional<double> v = js.how == Derivation::kSampleField ? Num(e, js.field.c_str()) : Metric(e, js.field);
    if (!v) continue;
    line.name = LineName(member, js.suffix);
    line.member = member;
    line.variant = variant;
    line.style = LineStyle::kSteps;
    line.points.push_back({ctx.Time(e), *v * js.scale});
  }
  for (auto& [m, line] : lines)  // a member seen only while down has no line
    if (line.name.empty()) line.points.clear();
  return InMemberOrder(ctx, lines);
}

std::vector<Line> MeanDelta(const JournalSeries& js, int variant, const Context& ctx, const std::vector<Json>& events) {
  struct Prev {
    double sum, count;
    double t;   // when the sample was taken
  };
  std::map<std::string, std::optional<Prev>> prev;
  std::map<std::string, Line> lines;
  for (const Json& e : events) {
    std::string member = Str(e, "member");
    if (member.empty()) continue;
    Line& line = lines[member];
    if (IsDownEvent(e)) {
      prev[member].reset();
      if (!line.points.empty() && !std::isnan(line.points.back().v)) line.points.push_back({ctx.Time(e), kGap});
      continue;
    }
    if (Str(e, "kind") != "sample") continue;
    std::optional<double> sum = Metric(e, js.field), count = Metric(e, js.field2);
    if (!sum || !count) continue;
    const double t = ctx.Time(e);
    if (std::optional<Prev>& p = prev[member]) {
      double ds = *sum - p->sum, dc = *count - p->count;
      if (dc > 0 && ds >= 0) {
        line.name = LineName(member, js.suffix);
        line.member = member;
        line.variant = variant;
        line.style = LineStyle::kIntervals;
        // One flat segment over the interval; a gap first unless it continues the last one.
        const bool touches = !line.points.empty() && !std::isnan(line.points.back().v) && line.points.back().t == p->t;
        if (!line.points.empty() && !touches && !std::isnan(line.points.back().v)) line.points.push_back({p->t, kGap});
        line.points.push_back({p->t, ds / dc * js.scale});
        line.points.push_back({t, ds / dc * js.scale});
      }
    }
    prev[member] = Prev{*sum, *count, t};
  }
  for (auto& [m, line] : lines)
    if (line.name.empty()) line.points.clear();
  return InMemberOrder(ctx, lines);
}

std::vector<Line> LeaderMatch(const Context& ctx, const std::vector<Json>& events) {
  std::map<std::string, Line> lines;
  for (const Json& e : events) {
    if (Str(e, "kind") != "sample" || !IsOkSample(e) || Str(e, "state") != "StateLeader") continue;
    auto progress = e.find("progress");
    if (progress == e.end() || !progress->is_object()) continue;
    std::string self = Str(e, "id");
    for (auto& [peer, p] : progress->items()) {
      if (peer == self || !p.is_object()) continue;
      std::optional<double> match = Num(p, "match");
      if (!match) continue;
      std::string name = ctx.Name(peer);
      Line& line = lines[name];
      line.name = name;
      line.member = name;
      line.style = LineStyle::kSteps;
      line.points.push_back({ctx.Time(e), *match});
    }
  }
  return InMemberOrder(ctx, lines);
}

// Rows of states: `state_of` maps an event to a state name, or "" for no change.
template <typename StateOf>
std::vector<StateRow> StateRows(const Context& ctx, const std::vector<Json>& events, StateOf state_of) {
  std::map<std::string, StateRow> rows;
  for (const Json& e : events) {
    std::string member = Str(e, "member");
    if (member.empty()) continue;
    std::string state = IsDownEvent(e) ? "down" : state_of(e);
    if (state.empty()) continue;
    double t = ctx.Time(e);
    StateRow& row = rows[member];
    row.name = member;
    if (!row.spans.empty() && row.spans.back().state == state) continue;
    if (!row.spans.empty()) row.spans.back().end = t;
    row.spans.push_back({t, t, state});
  }
  std::vector<StateRow> out;
  for (const std::string& m : ctx.members) {
    auto it = rows.find(m);
    if (it == rows.end()) continue;
    it->second.spans.back().end = ctx.end;
    out.push_back(std::move(it->second));
  }
  return out;
}

std::string RoleOf(const Json& e) {
  if (Str(e, "kind") != "sample") return "";
  std::string s = Str(e, "state");
  if (s == "StateLeader") return "leader";
  if (s == "StateFollower") return "follower";
  if (s == "StateCandidate") return "candidate";
  if (s == "StatePreCandidate") return "precandidate";
  return "";
}

std::string HasLeaderOf(const Json& e) {
  if (Str(e, "kind") != "sample") return "";
  std::optional<double> v = Metric(e, "has_leader");
  if (!v) return "";
  return *v >= 0.5 ? "has leader" : "no leader";
}

std::vector<Line> OpLatency(const Context& ctx, const std::vector<Json>& events) {
  struct Invoke {
    double t;
    std::string via;
  };
  std::map<int64_t, Invoke> invoked;
  std::map<std::string, Line> ok;
  Line fail{"fail", "", 0, LineStyle::kErrorPoints, {}};
  Line info{"timeout / unknown", "", 0, LineStyle::kUnknownPoints, {}};
  for (const Json& e : events) {
    if (Str(e, "kind") != "op") continue;
    std::optional<int64_t> id = Int(e, "op_id");
    if (!id) continue;
    std::string phase = Str(e, "phase");
    double t = ctx.Time(e);
    if (phase == "invoke") {
      std::string via = Str(e, "via");
      invoked[*id] = {t, via.empty() ? "client" : via};
      continue;
    }
    auto it = invoked.find(*id);
    if (it == invoked.end()) continue;
    Point p{it->second.t, (t - it->second.t) * 1000.0};
    if (phase == "ok") {
      Line& line = ok[it->second.via];
      line.name = "via " + it->second.via;
      line.member = it->second.via;
      line.style = LineStyle::kPoints;
      line.points.push_back(p);
    } else if (phase == "fail") {
      fail.points.push_back(p);
    } else if (phase == "info") {
      info.points.push_back(p);
    }
    invoked.erase(it);
  }
  std::vector<Line> out = InMemberOrder(ctx, ok);
  if (!fail.points.empty()) out.push_back(std::move(fail));
  if (!info.points.empty()) out.push_back(std::move(info));
  return out;
}

// A running count: starts at 0, steps at each time, holds until the run's end.
Line Running(const std::string& name, int variant, const std::vector<double>& times, double end) {
  Line line{name, "", variant, LineStyle::kSteps, {{0, 0}}};
  for (size_t i = 0; i < times.size(); ++i) line.points.push_back({times[i], static_cast<double>(i + 1)});
  line.points.push_back({std::max(end, times.empty() ? 0.0 : times.back()), static_cast<double>(times.size())});
  return line;
}

std::vector<Line> OpErrors(const Context& ctx, const std::vector<Json>& events) {
  std::vector<double> fails, infos;
  for (const Json& e : events) {
    if (Str(e, "kind") != "op") continue;
    std::string phase = Str(e, "phase");
    if (phase == "fail") fails.push_back(ctx.Time(e));
    if (phase == "info") infos.push_back(ctx.Time(e));
  }
  return {Running("fail", 0, fails, ctx.end), Running("timeout / unknown", 1, infos, ctx.end)};
}

std::vector<LeaderChange> LeaderChangesIn(const Context& ctx, const std::vector<Json>& events) {
  std::vector<LeaderChange> out;
  std::optional<std::pair<uint64_t, std::string>> last;
  for (const Json& e : events) {
    if (Str(e, "kind") != "sample" || !IsOkSample(e)) continue;
    std::string lead = Str(e, "lead");
    std::optional<int64_t> term = Int(e, "term");
    if (lead.empty() || lead == "0" || !term || *term < 0) continue;
    uint64_t t = static_cast<uint64_t>(*term);
    if (last && t < last->first) continue;  // a stale view from an older term
    if (last && last->first == t && last->second == lead) continue;
    last = std::make_pair(t, lead);
    out.push_back({ctx.Time(e), t, ctx.Name(lead)});
  }
  return out;
}

PanelData SeriesIn(const Panel& panel, const Context& ctx, const std::vector<Json>& events) {
  PanelData data;
  for (size_t i = 0; i < panel.journal.size(); ++i) {
    const JournalSeries& js = panel.journal[i];
    int variant = static_cast<int>(i);
    std::vector<Line> lines;
    switch (js.how) {
      case Derivation::kSampleField:
      case Derivation::kSampleMetric:
        lines = PerSampleValue(js, variant, ctx, events);
        break;
      case Derivation::kMetricMeanDelta:
        lines = MeanDelta(js, variant, ctx, events);
        break;
      case Derivation::kLeaderMatch:
        lines = LeaderMatch(ctx, events);
        break;
      case Derivation::kRole:
        data.rows = StateRows(ctx, events, RoleOf);
        break;
      case Derivation::kHasLeader:
        data.rows = StateRows(ctx, events, HasLeaderOf);
        break;
      case Derivation::kOpLatency:
        lines = OpLatency(ctx, events);
        break;
      case Derivation::kOpErrorsCumulative:
        lines = OpErrors(ctx, events);
        break;
      case Derivation::kLeaderChanges: {
        std::vector<double> times;
        for (const LeaderChange& c : LeaderChangesIn(ctx, events)) times.push_back(c.t);
        lines.push_back(Running(js.suffix, variant, times, ctx.end));
        break;
      }
    }
    for (Line& l : lines) data.lines.push_back(std::move(l));
  }
  // Same-member lines next to each other: "n1 commit", "n1 applied", "n2 commit", ...
  std::stable_sort(data.lines.begin(), data.lines.end(), [&](const Line& a, const Line& b) {
    if (a.member.empty() || b.member.empty()) return !a.member.empty() && b.member.empty();
    return NaturalLess(a.member, b.member);
  });
  return data;
}

}  // namespace

std::string FaultWindow::Label() const {
  std::string label = fault;
  for (size_t i = 0; i < targets.size(); ++i) label += (i == 0 ? " " : ",") + targets[i];
  return label;
}

Result<std::vector<Json>> ParseJournal(const std::string& text) {
  std::vector<Json> events;
  std::istringstream in(text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json e = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (e.is_discarded() || !e.is_object())
      return InvalidArgument("journal line " + std::to_string(number) + " is not a JSON object");
    events.push_back(std::move(e));
  }
  return events;
}

std::vector<FaultWindow> FaultWindows(const std::vector<Json>& events) {
  Context ctx(events);
  std::vector<FaultWindow> windows;
  std::map<std::string, size_t> open;
  for (const Json& e : events) {
    if (Str(e, "kind") != "fault") continue;
    std::string id = Str(e, "id"), phase = Str(e, "phase");
    if (phase == "start") {
      FaultWindow w;
      w.id = id;
      w.fault = Str(e, "fault");
      if (auto t = e.find("targets"); t != e.end() && t->is_array())
        for (const Json& x : *t) w.targets.push_back(x.is_string() ? x.get<std::string>() : x.dump());
      w.start = ctx.Time(e);
      open[id] = windows.size();
      windows.push_back(std::move(w));
    } else if (phase == "end") {
      auto it = open.find(id);
      if (it == open.end()) continue;
      windows[it->second].end = ctx.Time(e);
      windows[it->second].ended = true;
      open.erase(it);
    }
  }
  for (auto& [id, index] : open) windows[index].end = ctx.end;
  std::stable_sort(windows.begin(), windows.end(),
                   [](const FaultWindow& a, const FaultWindow& b) { return a.start < b.start; });
  return windows;
}

std::vector<LeaderChange> LeaderChanges(const std::vector<Json>& events) {
  return LeaderChangesIn(Context(events), events);
}

std::vector<StepMark> StepMarks(const std::vector<Json>& events) {
  Context ctx(events);
  std::vector<StepMark> marks;
  for (const Json& e : events)
    if (Str(e, "kind") == "note" && !Str(e, "mark").empty()) marks.push_back({ctx.Time(e), Str(e, "mark")});
  std::stable_sort(marks.begin(), marks.end(), [](const StepMark& a, const StepMark& b) { return a.t < b.t; });
  return marks;
}

PanelData SeriesFor(const Panel& panel, const std::vector<Json>& events) {
  return SeriesIn(panel, Context(events), events);
}

RunSeries BuildRunSeries(const std::vector<Json>& events) {
  Context ctx(events);
  RunSeries run;
  run.start_ns = ctx.t0;
  run.duration = ctx.end;
  run.members = ctx.members;
  run.faults = FaultWindows(events);
  run.leader_changes = LeaderChangesIn(ctx, events);
  run.marks = StepMarks(events);
  for (const Panel& p : Catalogue()) run.panels[p.id] = SeriesIn(p, ctx, events);
  return run;
}

Result<RunSeries> LoadRunSeries(const std::string& run_dir) {
  Result<std::string> text = ReadFile(run_dir + "/journal.jsonl");
  if (!text.ok()) return text.status();
  Result<std::vector<Json>> events = ParseJournal(*text);
  if (!events.ok()) return InvalidArgument(run_dir + "/journal.jsonl: " + events.status().message());
  return BuildRunSeries(*events);
}

}  // namespace raftlab::dashboards
