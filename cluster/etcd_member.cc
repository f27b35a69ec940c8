#include "cluster/etcd_member.h"

#include "cluster/member_layout.h"

namespace raftlab::cluster {

std::vector<std::string> EtcdArgv(const EtcdMemberSpec& spec) {
  const std::string ip = spec.address.empty() ? MemberIp(spec.name) : spec.address;
  std::vector<std::string> argv = {
      spec.etcd_binary,
      "--name=" + spec.name,
      "--data-dir=" + spec.data_dir,
      "--listen-client-urls=" + ClientUrlAt(ip),
      "--advertise-client-urls=" + ClientUrlAt(ip),
      "--listen-peer-urls=" + PeerUrlAt(ip),
      "--initial-advertise-peer-urls=" + PeerUrlAt(ip),
      "--initial-cluster=" + spec.initial_cluster,
      "--initial-cluster-state=" + std::string(spec.join_existing ? "existing" : "new"),
      "--initial-cluster-token=raftlab",
      "--heartbeat-interval=" + std::to_string(spec.flags.heartbeat_ms),
      "--election-timeout=" + std::to_string(spec.flags.election_ms),
      // Client request latency histograms (grpc_server_handling_seconds) for the dashboards.
      "--metrics=extensive",
      "--logger=zap",
      "--log-outputs=stderr",
  };
  if (spec.flags.pre_vote) argv.push_back("--pre-vote=true");
  if (spec.flags.snapshot_count > 0) argv.push_back("--snapshot-count=" + std::to_string(spec.flags.snapshot_count));
  if (!spec.wal_dir.empty()) argv.push_back("--wal-dir=" + spec.wal_dir);
  return argv;
}

std::string ValidateEtcdFlags(const EtcdFlags& f) {
  if (f.heartbeat_ms == 0) return "--heartbeat-ms must be > 0";
  if (f.election_ms == 0) return "--election-ms must be > 0";
  if (f.election_ms < 5 * f.heartbeat_ms)
    return "--election-ms (" + std::to_string(f.election_ms) + ") must be at least 5 x --heartbeat-ms (" +
           std::to_string(f.heartbeat_ms) + ")";
  if (f.election_ms > 50000) return "--election-ms must be at most 50000 (etcd's limit)";
  return "";
}

}  // namespace raftlab::cluster
