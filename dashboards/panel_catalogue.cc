#include "dashboards/panel_catalogue.h"

namespace raftlab::dashboards {
namespace {

// Selector fragment every per-member query carries.
constexpr char kM[] = "member=~\"$member\"";

std::string Sel(const std::string& metric, const std::string& extra = "") {
  return metric + "{" + kM + (extra.empty() ? "" : "," + extra) + "}";
}

// A counter that etcd creates only at its first event (errors, snapshots): zero for every
// member until then, so the panel shows each member rather than nothing.
std::string ZeroUntilSeen(const std::string& per_member_expr) {
  return per_member_expr + " or sum by (member) (0 * " + Sel("etcd_server_has_leader") + ")";
}

// Mean of a Prometheus histogram over the rate window, in ms.
std::string MeanMs(const std::string& base) {
  return "1000 * sum by (member) (rate(" + Sel(base + "_sum") + "[$__rate_interval])) / sum by (member) (rate(" +
         Sel(base + "_count") + "[$__rate_interval]))";
}

std::string P99Ms(const std::string& base) {
  return "1000 * histogram_quantile(0.99, sum by (le, member) (rate(" + Sel(base + "_bucket") +
         "[$__rate_interval])))";
}

std::vector<StateStyle> RoleStates() {
  return {
      {"leader", "#2ca02c", 2, ""},
      {"follower", "#1f77b4", 1, ""},
      {"candidate", "#ff7f0e", 3, "no leader (candidate, pre-candidate or leaderless follower)"},
      {"precandidate", "#e6c229", -1, ""},
      {"down", "#7f7f7f", 0, ""},
  };
}

std::vector<Panel> Build() {
  std::vector<Panel> c;

  c.push_back({.id = "term",
               .title = "Raft term per member",
               .y_label = "term",
               .grafana_unit = "none",
               .description = "Terms only rise. A step is an election; a member whose term runs ahead "
                              "alone is campaigning in isolation (pre-vote off).",
               .journal = {{.how = Derivation::kSampleField, .field = "term",
                            .describe = "sample.term of each ok sample"}},
               .prom = {{Sel("raftlab_raft_term"), "{{member}}"}}});

  c.push_back({.id = "roles",
               .title = "Role per member",
               .y_label = "member",
               .grafana_unit = "none",
               .kind = PanelKind::kStateTimeline,
               .width = 24,
               .description = "Who leads, who follows, who campaigns, who is down. At most one "
                              "leader per term; a minority never elects one.",
               .journal = {{.how = Derivation::kRole, .field = "state",
                            .describe = "sample.state; down from a sample with ok:false or a member "
                                        "exited/stopped/removed event until the next ok sample"}},
               .prom = {{Sel("raftlab_member_up") + " * on(member) (1 + " + Sel("raftlab_raft_is_leader") +
                             " + on(member) (2 * (1 - " + Sel("raftlab_etcd_server_has_leader") + ")))",
                         "{{member}}"}},
               .states = RoleStates(),
               .prom_note = "The exporter has no candidate gauge: an up member without a leader "
                            "shows as \"no leader\"."});

  c.push_back({.id = "commit_applied",
               .title = "Commit and applied index per member",
               .y_label = "log index",
               .grafana_unit = "none",
               .description = "Commit moves when a quorum has the entry; applied follows commit. A "
                              "partitioned minority's commit stands still.",
               .journal = {{.how = Derivation::kSampleField, .field = "commit", .suffix = "commit",
                            .describe = "sample.commit"},
                           {.how = Derivation::kSampleField, .field = "applied", .suffix = "applied",
                            .describe = "sample.applied"}},
               .prom = {{Sel("raftlab_raft_commit_index"), "{{member}} commit"},
                        {Sel("raftlab_raft_applied_index"), "{{member}} applied"}}});

  c.push_back({.id = "match_index",
               .title = "Match index per follower (leader's view)",
               .y_label = "log index",
               .grafana_unit = "none",
               .description = "How far the leader knows each follower's log matches its own. A "
                              "lagging or cut-off follower's line flattens, then catches up.",
               .journal = {{.how = Derivation::kLeaderMatch, .field = "match",
                            .describe = "progress[peer].match in the leader's samples, peers by name"}},
               .prom = {{"raftlab_raft_match_index{peer=~\"$member\"}", "{{peer}} (leader {{leader}})"}}});

  c.push_back({.id = "leader_changes",
               .title = "Leader changes",
               .y_label = "leader changes (cumulative)",
               .grafana_unit = "none",
               .description = "Each member's count of leaders it has seen, and the changes of "
                              "(term, leader) the sampler observed across the cluster.",
               .journal = {{.how = Derivation::kSampleMetric, .field = "leader_changes_seen_total",
                            .describe = "metrics.leader_changes_seen_total per member"},
                           {.how = Derivation::kLeaderChanges, .suffix = "observed by sampler",
                            .describe = "running count of changes of (term, lead) across all samples"}},
               .prom = {{Sel("etcd_server_leader_changes_seen_total"), "{{member}}"}}});

  c.push_back({.id = "has_leader",
               .title = "Has leader (per member)",
               .y_label = "member",
               .grafana_unit = "none",
               .kind = PanelKind::kStateTimeline,
               .width = 24,
               .description = "Whether each member knows a leader. Under partition the minority "
                              "loses its leader; writes through it then time out.",
               .journal = {{.how = Derivation::kHasLeader, .field = "has_leader",
                            .describe = "metrics.has_leader (1/0); down as for roles"}},
               .prom = {{Sel("etcd_server_has_leader"), "{{member}}"}},
               .states = {{"has leader", "#2ca02c", 1, ""},
                          {"no leader", "#ff7f0e", 0, ""},
                          {"down", "#7f7f7f", -1, ""}}});

  c.push_back({.id = "client_latency",
               .title = "Client operation latency",
               .y_label = "latency (ms, log scale)",
               .grafana_unit = "ms",
               .log_y = true,
               .description = "Each client operation at its invoke time. Failed operations and "
                              "timeouts (outcome unknown) are marked apart.",
               .journal = {{.how = Derivation::kOpLatency,
                            .describe = "op invoke -> ok/fail/info, (complete - invoke) in ms, by "
                                        "via member; fail and info as separate point series"}},
               .prom = {{"1000 * histogram_quantile(0.99, sum by (le, member) (rate(" +
                             Sel("grpc_server_handling_seconds_bucket", "grpc_type=\"unary\"") +
                             "[$__rate_interval])))",
                         "{{member}} p99"},
                        {"1000 * histogram_quantile(0.5, sum by (le, member) (rate(" +
                             Sel("grpc_server_handling_seconds_bucket", "grpc_type=\"unary\"") +
                             "[$__rate_interval])))",
                         "{{member}} p50"}},
               .prom_note = "grpc_server_handling_seconds exists only when etcd runs with "
                            "--metrics=extensive, which the lab's members do."});

  c.push_back({.id = "client_errors",
               .title = "Client errors and timeouts",
               .y_label = "operations (cumulative)",
               .grafana_unit = "short",
               .description = "Operations that failed for sure (fail) and those whose outcome is "
                              "unknown (info, e.g. a timeout), counted as they complete.",
               .journal = {{.how = Derivation::kOpErrorsCumulative,
                            .describe = "running count of op completions with phase fail and info"}},
               .prom = {{ZeroUntilSeen("sum by (member) (" +
                             Sel("grpc_server_handled_total", "grpc_type=\"unary\",grpc_code!=\"OK\"") + ")"),
                         "{{member}} errors"}}});

  c.push_back({.id = "wal_fsync",
               .title = "WAL fsync duration",
               .y_label = "mean fsync per interval (ms)",
               .grafana_unit = "ms",
               .log_y = true,
               .description = "Every entry is fsynced to the WAL before it is acknowledged. An "
                              "fsync slower than the heartbeat makes a leader miss heartbeats. "
                              "Each segment is the mean of the fsyncs that completed in one "
                              "sample interval; a gap is an interval in which none completed.",
               .journal = {{.how = Derivation::kMetricMeanDelta,
                            .field = "wal_fsync_duration_seconds_sum|wal_fsync_sum",
                            .field2 = "wal_fsync_duration_seconds_count|wal_fsync_count",
                            .scale = 1000,
                            .describe = "Δwal_fsync_duration_seconds_sum / Δ_count per sample interval, "
                                        "one flat segment per interval, none where no fsync completed"}},
               .prom = {{MeanMs("etcd_disk_wal_fsync_duration_seconds"), "{{member}} mean"},
                        {P99Ms("etcd_disk_wal_fsync_duration_seconds"), "{{member}} p99"}}});

  c.push_back({.id = "backend_commit",
               .title = "Backend commit duration",
               .y_label = "mean commit (ms)",
               .grafana_unit = "ms",
               .log_y = true,
               .description = "bbolt commits of applied entries; slow disks show here too.",
               .journal = {{.how = Derivation::kMetricMeanDelta,
                            .field = "backend_commit_duration_seconds_sum",
                            .field2 = "backend_commit_duration_seconds_count",
                            .scale = 1000,
                            .describe = "Δbackend_commit_duration_seconds_sum / Δ_count per sample interval"}},
               .prom = {{MeanMs("etcd_disk_backend_commit_duration_seconds"), "{{member}} mean"},
                        {P99Ms("etcd_disk_backend_commit_duration_seconds"), "{{member}} p99"}}});

  c.push_back({.id = "peer_rtt",
               .title = "Peer round-trip time",
               .y_label = "mean RTT (ms)",
               .grafana_unit = "ms",
               .log_y = true,
               .description = "Round trips between members (all peers of a member together). Added "
                              "delay shows here; a cut link stops producing samples.",
               .journal = {{.how = Derivation::kMetricMeanDelta,
                            .field = "peer_round_trip_time_seconds_sum|network_peer_round_trip_time_seconds_sum",
                            .field2 = "peer_round_trip_time_seconds_count|network_peer_round_trip_time_seconds_count",
                            .scale = 1000,
                            .describe = "Δpeer_round_trip_time_seconds_sum / Δ_count per sample interval"}},
               .prom = {{MeanMs("etcd_network_peer_round_trip_time_seconds"), "{{member}} mean"},
                        {P99Ms("etcd_network_peer_round_trip_time_seconds"), "{{member}} p99"}}});

  c.push_back({.id = "proposals",
               .title = "Proposals committed and applied",
               .y_label = "proposals (cumulative)",
               .grafana_unit = "short",
               .description = "Consensus proposals each member has committed and applied.",
               .journal = {{.how = Derivation::kSampleMetric, .field = "proposals_committed_total",
                            .suffix = "committed", .describe = "metrics.proposals_committed_total"},
                           {.how = Derivation::kSampleMetric, .field = "proposals_applied_total",
                            .suffix = "applied", .describe = "metrics.proposals_applied_total"}},
               .prom = {{Sel("etcd_server_proposals_committed_total"), "{{member}} committed"},
                        {Sel("etcd_server_proposals_applied_total"), "{{member}} applied"}}});

  c.push_back({.id = "proposals_pending_failed",
               .title = "Proposals pending and failed",
               .y_label = "proposals",
               .grafana_unit = "short",
               .description = "Proposals waiting for commit, and the running count of failed ones "
                              "(e.g. proposed while there was no leader).",
               .journal = {{.how = Derivation::kSampleMetric, .field = "proposals_pending",
                            .suffix = "pending", .describe = "metrics.proposals_pending"},
                           {.how = Derivation::kSampleMetric, .field = "proposals_failed_total",
                            .suffix = "failed", .describe = "metrics.proposals_failed_total"}},
               .prom = {{Sel("etcd_server_proposals_pending"), "{{member}} pending"},
                        {Sel("etcd_server_proposals_failed_total"), "{{member}} failed"}}});

  c.push_back({.id = "snapshots",
               .title = "Snapshots sent and received",
               .y_label = "snapshots (cumulative)",
               .grafana_unit = "short",
               .description = "A leader sends a snapshot (MsgSnap) when a follower needs entries it "
                              "has already compacted away.",
               .journal = {{.how = Derivation::kSampleMetric, .field = "snapshot_send_success",
                            .suffix = "sent", .describe = "metrics.snapshot_send_success"},
                           {.how = Derivation::kSampleMetric, .field = "snapshot_receive_success",
                            .suffix = "received", .describe = "metrics.snapshot_receive_success"}},
               .prom = {{ZeroUntilSeen("sum by (member) (" + Sel("etcd_network_snapshot_send_success") + ")"),
                         "{{member}} sent"},
                        {ZeroUntilSeen("sum by (member) (" + Sel("etcd_network_snapshot_receive_success") + ")"),
                         "{{member}} received"}}});
  return c;
}

}  // namespace

const std::vector<Panel>& Catalogue() {
  static const std::vector<Panel> catalogue = Build();
  return catalogue;
}

const Panel* FindPanel(const std::string& id) {
  for (const Panel& p : Catalogue())
    if (p.id == id) return &p;
  return nullptr;
}

const std::vector<StatSpec>& SummaryStats() {
  static const std::vector<StatSpec> stats = {
      {"Highest term", "max(raftlab_raft_term)", "term", "value"},
      {"Leader", "raftlab_raft_is_leader == 1", "{{member}}", "name"},
      {"Members up", "sum(raftlab_member_up)", "up", "value"},
      {"Faults active", "sum(raftlab_fault_active) or vector(0)", "faults", "value"},
  };
  return stats;
}

}  // namespace raftlab::dashboards
