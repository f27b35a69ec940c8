// The panel catalogue: the one list of charts raftlab shows about a cluster, as data.
//
// Each panel says what it plots twice: once as a derivation from a run's journal (used by
// journal_series.h to draw static PNG/SVG panels for a run's report) and once as PromQL for
// Grafana (used by grafana_json.h against a Prometheus that scrapes every etcd member
// directly, job "etcd" with a member="nN" label, and the lab's exporter, job "raftlab").
// Adding a panel here adds it to both outputs; nothing else lists panels.
//
// The catalogue is a constant built on first use; reading it is thread-safe.
#pragma once

#include <string>
#include <vector>

namespace raftlab::dashboards {

enum class PanelKind {
  kTimeseries,     // lines or points over time, one per member (or per peer, per outcome)
  kStateTimeline,  // one row per member, coloured by a discrete state over time
};

// How one journal-derived series is computed (see journal_series.h for the exact rules).
enum class Derivation {
  kSampleField,        // numeric field of ok samples (term, commit, applied), one line per member
  kSampleMetric,       // sample.metrics[field] as is, one line per member
  kMetricMeanDelta,    // Δmetrics[field] / Δmetrics[field2] between consecutive samples of a
                       // member (mean of a histogram over the sample interval); counter resets skipped
  kLeaderMatch,        // progress[peer].match in the leader's samples, one line per follower
  kRole,               // state per member: leader/follower/candidate/precandidate/down
  kHasLeader,          // metrics.has_leader per member as a state: "has leader"/"no leader"/down
  kOpLatency,          // client ops: invoke->completion in ms at invoke time; ok per via member,
                       // fail and info (timeout/unknown) as their own point series
  kOpErrorsCumulative, // running count of fail and info completions
  kLeaderChanges,      // running count of leader changes the sampler observed (cluster-wide)
};

struct JournalSeries {
  Derivation how = Derivation::kSampleField;
  // Sample field or metric short name (the journal's "metrics" keys, journal_format.md).
  // Alternatives separated by '|' are tried in order (older journals used other names).
  std::string field;
  std::string field2;     // kMetricMeanDelta: the _count metric
  double scale = 1.0;     // multiplies values (1000: seconds -> ms)
  std::string suffix;     // appended to the legend: "n1 commit"; empty for one-series panels
  std::string describe;   // one line for the README: how this is derived
};

// One Grafana query.
struct PromTarget {
  std::string expr;       // uses member=~"$member" where a member label exists
  std::string legend;     // Grafana legendFormat, e.g. "{{member}}"
};

// One value of a state timeline: its journal name, its colour and, for Grafana, the number
// the PromQL expression yields for it.
struct StateStyle {
  std::string name;       // "leader"
  std::string color;      // "#2ca02c"
  int prom_value = -1;    // -1: the PromQL cannot show this state
  std::string prom_text;  // Grafana's text for prom_value when it means more than `name`
};

// A single-number summary shown in Grafana's top row (Grafana only: a run's report has its
// transcript and verdicts for that).
struct StatSpec {
  std::string title;
  std::string expr;
  std::string legend;
  std::string text_mode = "value";  // Grafana stat textMode: "value" or "name" (who leads)
};

struct Panel {
  std::string id;            // file name: panels/<id>.png
  std::string title;
  std::string y_label;       // axis label for the static panel: "term", "ms"
  std::string grafana_unit;  // Grafana unit id: "none", "ms", "short"
  PanelKind kind = PanelKind::kTimeseries;
  bool log_y = false;        // latency spanning ms to seconds
  int width = 12;            // Grafana grid columns (of 24)
  std::string description;   // what a Raft learner should look for
  std::vector<JournalSeries> journal;
  std::vector<PromTarget> prom;
  std::vector<StateStyle> states;  // kStateTimeline only
  std::string prom_note;     // caveat on the PromQL side (e.g. needs --metrics=extensive)
};

// Every panel, in display order.
const std::vector<Panel>& Catalogue();

// nullptr when no panel has this id.
const Panel* FindPanel(const std::string& id);

// Grafana's top row of single numbers (highest term, leader, members up, active faults).
const std::vector<StatSpec>& SummaryStats();

// Colour of the shaded fault windows and of the leader-change markers in both outputs.
inline constexpr char kFaultColor[] = "#d62728";
inline constexpr char kLeaderChangeColor[] = "#444444";
// Colour of a scenario's step marks (journal notes with "mark", e.g. a stopgap or a fix).
inline constexpr char kStepMarkColor[] = "#0b6e4f";

}  // namespace raftlab::dashboards
