// slow-disk's figures: what the scenario measures in each window, as pure functions over
// /metrics text and journal samples, and the sweep panel (leader changes per minute against
// the added WAL fsync delay) drawn with gnuplot.
//
//  - a DiskReading is one member's etcd_disk_wal_fsync_duration_seconds_{sum,count} and
//    etcd_server_leader_changes_seen_total at one instant; two readings give the mean fsync
//    and the leader changes that member saw in between (a restart resets them: windows never
//    span one);
//  - LeaderChangesBetween applies the panels' rule (dashboards::LeaderChanges: a change of
//    (term, leader) in ok samples, stale lower-term views ignored) to the samples of one
//    window, so the transcript, the facts and the panels count the same changes.
//
// Everything here is pure except DrawSweepPanel, which writes files and runs gnuplot.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"

namespace raftlab::scenarios::slow_disk {

struct DiskReading {
  double fsync_sum_s = 0;
  double fsync_count = 0;
  double leader_changes = 0;   // etcd_server_leader_changes_seen_total
};

DiskReading ParseDiskReading(std::string_view metrics_text);

// Mean fsync in ms between two readings of one member; -1 when none completed in between.
double MeanFsyncMs(const DiskReading& before, const DiskReading& after);

// The largest rise of leader_changes_seen_total among members read at both ends (each member
// counts every leader it comes to know, so the largest rise is the cluster's count).
double MaxLeaderChangeRise(const std::map<std::string, DiskReading>& before,
                           const std::map<std::string, DiskReading>& after);

// The journal's sample events, in file order; other kinds and an unfinished last line (the
// journal is being appended to) are skipped.
std::vector<Json> SampleEvents(std::string_view journal_text);

struct ObservedChange {
  double after_s = 0;          // seconds after the window's start
  uint64_t term = 0;
  std::string leader;
};

// Leader changes the sampler saw in (from_ns, to_ns]. Samples from the 3 s before from_ns
// establish who led when the window opened; that leader is not a change.
std::vector<ObservedChange> LeaderChangesBetween(const std::vector<Json>& samples, int64_t from_ns, int64_t to_ns);

// One row of the sweep table (and one point of its panel).
struct SweepRow {
  int fsync_ms = 0;
  bool every_member = false;   // false: on the leader, following leadership
  double window_s = 0;
  int sampled_changes = 0;     // LeaderChangesBetween
  double metric_changes = 0;   // MaxLeaderChangeRise
  int puts_ok = 0, puts_failed = 0;
  double put_p50_ms = 0;

  // max(sampled, metric) per minute of window.
  double ChangesPerMinute() const;
};

// "12.3": v with `digits` decimals.
std::string Fixed(double v, int digits = 1);

// A fixed-width table, one line per row, with a header.
std::string SweepTable(const std::vector<SweepRow>& rows);

// The sweep panel's gnuplot script (svg to `svg_path`, then png with `png_terminal` to
// `png_path`): changes per minute against the delay, one series per scope, with the heartbeat,
// the election timeout and twice it marked.
std::string SweepPanelScript(const std::vector<SweepRow>& rows, int heartbeat_ms, int election_ms,
                             const std::string& svg_path, const std::string& png_path,
                             const std::string& png_terminal = "pngcairo");

// Writes <panels_dir>/slow_disk_sweep.{svg,png} as the catalogue's panels are; returns the svg.
Result<std::string> DrawSweepPanel(const std::string& panels_dir, const std::vector<SweepRow>& rows, int heartbeat_ms,
                                   int election_ms);

}  // namespace raftlab::scenarios::slow_disk
