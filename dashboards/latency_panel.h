// Latency histogram panels: one PNG + SVG per load run from its report (load.json, written
// by driver/load_report.h), one series per op kind ("get/linearizable", "put", ...), the x
// axis the latency in ms on a log scale, the y axis the share of that kind's ok ops per bin,
// with each series' p50 and p99 marked. The report's buckets (32 per power of two) are merged
// into 8 bins per power of two for drawing.
//
// LatencySeriesFromLoadJson and LatencyPanelJob are pure; DrawLatencyPanel runs gnuplot (as
// gnuplot_panels.h does) from a private temp dir it removes. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"
#include "dashboards/gnuplot_script.h"

namespace raftlab::dashboards {

struct LatencyBin {
  double low_ms = 0, high_ms = 0;
  uint64_t count = 0;
};

struct LatencySeries {
  std::string kind;              // "get/linearizable"
  uint64_t count = 0;
  double p50_ms = 0, p99_ms = 0;
  std::vector<LatencyBin> bins;  // ascending, 8 per power of two, empty bins left out
};

// The series of a load.json document ({"kinds": {kind: {"latency": {"buckets": ...}}}}),
// kinds with no ok op left out; InvalidArgument when the document has no "kinds".
Result<std::vector<LatencySeries>> LatencySeriesFromLoadJson(const Json& doc);

GnuplotJob LatencyPanelJob(const std::string& title, const std::vector<LatencySeries>& series,
                           const GnuplotOutputs& out);

// Draws RUN_DIR/panels/<id>.png and .svg; `written` (may be null) receives their paths.
Status DrawLatencyPanel(const std::string& run_dir, const std::string& id, const std::string& title,
                        const Json& load_doc, std::vector<std::string>* written);

}  // namespace raftlab::dashboards
