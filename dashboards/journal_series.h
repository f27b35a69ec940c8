// Journal -> chart data: pure functions turning a run's journal events (journal_format.md)
// into the series of every catalogue panel, plus the two overlays every panel carries: fault
// windows and leader changes. Times are seconds since the run's start: the journal's first
// session start, else its earliest mono_ns (evidence/journal_start.h) — the same instant the
// transcript's "+N s" and the verdicts' "t=" count from.
//
// Rules:
//  - A fault window runs from a `fault` start to the `fault` end with the same id; a fault
//    never ended runs to the run's last event (ended = false). An end without a start is
//    ignored.
//  - A leader change is an ok sample whose (term, lead) differs from the last (term, lead)
//    seen anywhere in the cluster, with lead != "0" and term >= the last term (a stale sample
//    from a partitioned member in an older term is not a change). The first leader counts.
//  - A member is "down" from a sample with ok:false, or a `member` event exited/stopped/
//    removed, until its next ok sample.
//  - Histogram means (kMetricMeanDelta) are Δsum/Δcount between consecutive samples of one
//    member that carry both metrics, drawn as a flat segment over that interval (the mean of
//    the events that completed in it); intervals with Δcount <= 0 (no event, or a restart
//    reset the counters) give no segment, so the line breaks there instead of interpolating
//    across a stall (one 1.5 s fsync is one segment at 1500 ms, not a ramp).
//  - A step mark is a `note` event with a string "mark" (the label): a scenario's step such as
//    a stopgap or a fix, drawn as a labelled vertical line on every panel.
//
// No I/O except LoadRunSeries, which reads run_dir/journal.jsonl. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"
#include "dashboards/panel_catalogue.h"

namespace raftlab::dashboards {

struct Point {
  double t = 0;  // seconds since the run's start
  double v = 0;
};

// kIntervals: pairs of points (start, v), (end, v) per interval, gaps (NaN) between intervals
// that do not touch.
enum class LineStyle { kSteps, kLines, kPoints, kErrorPoints, kUnknownPoints, kIntervals };

// A point with v = NaN is a gap: the member was down, the line breaks there.
struct Line {
  std::string name;    // legend: "n1", "n1 commit", "fail", "observed by sampler"
  std::string member;  // the member it belongs to (colour), empty for cluster-wide lines
  int variant = 0;     // index of the panel's journal series it comes from (dash type)
  LineStyle style = LineStyle::kSteps;
  std::vector<Point> points;
};

struct StateSpan {
  double start = 0;
  double end = 0;
  std::string state;  // one of the panel's StateStyle names
};

struct StateRow {
  std::string name;  // member
  std::vector<StateSpan> spans;
};

struct FaultWindow {
  std::string id;
  std::string fault;  // "partition", "kill", ...
  std::vector<std::string> targets;
  double start = 0;
  double end = 0;
  bool ended = false;
  // "partition n1" for labels.
  std::string Label() const;
};

struct LeaderChange {
  double t = 0;
  uint64_t term = 0;
  std::string leader;  // member name, or the hex id when the name is unknown
};

struct StepMark {
  double t = 0;
  std::string label;   // "stopgap", "fix"
};

struct PanelData {
  std::vector<Line> lines;     // kTimeseries
  std::vector<StateRow> rows;  // kStateTimeline, in member order
};

struct RunSeries {
  int64_t start_ns = 0;              // mono_ns of the run's start: t = 0 on every x axis
  double duration = 0;               // time of the last event
  std::vector<std::string> members;  // sorted naturally: n1, n2, ..., n10
  std::vector<FaultWindow> faults;   // by start time
  std::vector<LeaderChange> leader_changes;
  std::vector<StepMark> marks;       // by time
  std::map<std::string, PanelData> panels;  // by panel id, every catalogue panel present
};

// One JSON object per non-blank line; a bad line is an InvalidArgument naming its number.
Result<std::vector<Json>> ParseJournal(const std::string& text);

// The pieces, each usable alone (times since the run's start, end = last event time).
std::vector<FaultWindow> FaultWindows(const std::vector<Json>& events);
std::vector<LeaderChange> LeaderChanges(const std::vector<Json>& events);
std::vector<StepMark> StepMarks(const std::vector<Json>& events);
PanelData SeriesFor(const Panel& panel, const std::vector<Json>& events);

// Everything for every catalogue panel.
RunSeries BuildRunSeries(const std::vector<Json>& events);

// Reads and parses run_dir/journal.jsonl, then BuildRunSeries.
Result<RunSeries> LoadRunSeries(const std::string& run_dir);

}  // namespace raftlab::dashboards
