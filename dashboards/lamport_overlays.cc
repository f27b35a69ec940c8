#include "dashboards/lamport_overlays.h"

#include <cmath>
#include <map>
#include <string>

#include "dashboards/journal_series.h"
#include "dashboards/panel_catalogue.h"

namespace raftlab::dashboards {

std::vector<LamportBand> LamportFaultBands(const std::vector<Json>& events, double shift_s) {
  std::map<std::string, std::string> described;   // fault id -> its start's description
  for (const Json& e : events)
    if (e.is_object() && e.value("kind", "") == "fault" && e.value("phase", "") == "start" && e.contains("description") &&
        e["description"].is_string() && !e["description"].get<std::string>().empty())
      described[e.value("id", "")] = e["description"].get<std::string>();
  std::vector<LamportBand> bands;
  for (const FaultWindow& w : FaultWindows(events)) {
    auto it = described.find(w.id);
    bands.push_back({w.start + shift_s, w.end + shift_s, it == described.end() ? w.Label() : it->second, w.ended});
  }
  return bands;
}

std::vector<LamportTermMark> LamportTermMarks(const std::vector<Json>& events, double shift_s) {
  std::vector<LamportTermMark> marks;
  const Panel* term = FindPanel("term");
  if (term == nullptr) return marks;
  for (const Line& line : SeriesFor(*term, events).lines) {
    double last = NAN;
    for (const Point& p : line.points) {
      if (std::isnan(p.v) || p.v == last) continue;
      marks.push_back({p.t + shift_s, line.member.empty() ? line.name : line.member, static_cast<uint64_t>(p.v)});
      last = p.v;
    }
  }
  return marks;
}

}  // namespace raftlab::dashboards
