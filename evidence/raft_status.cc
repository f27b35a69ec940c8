#include "evidence/raft_status.h"

#include <cstdlib>
#include <sstream>

namespace raftlab::evidence {
namespace {

uint64_t HexId(const Json& v) {
  if (!v.is_string()) return 0;
  return strtoull(v.get<std::string>().c_str(), nullptr, 16);
}

uint64_t Num(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<uint64_t>() : 0;
}

std::string Hex(uint64_t id) {
  std::ostringstream s;
  s << std::hex << id;
  return s.str();
}

}  // namespace

Result<RaftSample> ParseDebugVars(const std::string& body) {
  Result<Json> doc = ParseJson(body);
  if (!doc.ok()) return InvalidArgument("/debug/vars is not JSON");
  auto it = doc->find("raft.status");
  if (it == doc->end() || !it->is_object()) return InvalidArgument("/debug/vars has no raft.status");
  const Json& st = *it;
  RaftSample s;
  s.id = HexId(st.value("id", Json()));
  s.term = Num(st, "term");
  s.vote = HexId(st.value("vote", Json()));
  s.commit = Num(st, "commit");
  s.applied = Num(st, "applied");
  s.lead = HexId(st.value("lead", Json()));
  s.state = st.value("raftState", "");
  if (auto p = st.find("progress"); p != st.end() && p->is_object()) {
    for (auto& [peer, prog] : p->items()) {
      PeerProgress pp;
      pp.match = Num(prog, "match");
      pp.next = Num(prog, "next");
      pp.state = prog.value("state", "");
      s.progress[strtoull(peer.c_str(), nullptr, 16)] = pp;
    }
  }
  return s;
}

std::map<std::string, double> ParseMetrics(const std::string& text, const std::vector<std::string>& wanted) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string::npos) continue;
    std::string name = line.substr(0, name_end);
    bool keep = false;
    for (const auto& w : wanted) keep = keep || w == name;
    if (!keep) continue;
    size_t value_start = line.rfind(' ');
    out[name] += strtod(line.c_str() + value_start + 1, nullptr);
  }
  return out;
}

const std::vector<std::string>& SampledMetricNames() {
  static const std::vector<std::string> names = {
      "etcd_server_has_leader",
      "etcd_server_is_leader",
      "etcd_server_leader_changes_seen_total",
      "etcd_server_proposals_committed_total",
      "etcd_server_proposals_applied_total",
      "etcd_server_proposals_pending",
      "etcd_server_proposals_failed_total",
      "etcd_disk_wal_fsync_duration_seconds_sum",
      "etcd_disk_wal_fsync_duration_seconds_count",
      "etcd_disk_backend_commit_duration_seconds_sum",
      "etcd_disk_backend_commit_duration_seconds_count",
      "etcd_network_peer_round_trip_time_seconds_sum",
      "etcd_network_peer_round_trip_time_seconds_count",
      "etcd_network_snapshot_send_success",
      "etcd_network_snapshot_receive_success",
      "etcd_server_snapshot_apply_in_progress_total",
  };
  return names;
}

Json SampleToJson(const RaftSample& s, const std::map<std::string, double>& metrics) {
  Json j = {{"member", s.member}, {"ok", true},         {"id", Hex(s.id)},
            {"term", s.term},     {"vote", Hex(s.vote)}, {"commit", s.commit},
            {"applied", s.applied}, {"lead", Hex(s.lead)}, {"state", s.state}};
  Json progress = Json::object();
  for (const auto& [peer, p] : s.progress)
    progress[Hex(peer)] = {{"match", p.match}, {"next", p.next}, {"state", p.state}};
  j["progress"] = progress;
  if (!metrics.empty()) {
    Json m = Json::object();
    // Short names in the journal: "etcd_server_has_leader" -> "has_leader".
    for (const auto& [name, value] : metrics) {
      std::string shortname = name;
      for (const char* prefix : {"etcd_server_", "etcd_disk_", "etcd_network_"})
        if (shortname.rfind(prefix, 0) == 0) shortname = shortname.substr(std::string(prefix).size());
      m[shortname] = value;
    }
    j["metrics"] = m;
  }
  return j;
}

std::string RoleFromState(const std::string& state) {
  if (state == "StateLeader") return "leader";
  if (state == "StateFollower") return "follower";
  if (state == "StateCandidate") return "candidate";
  if (state == "StatePreCandidate") return "precandidate";
  return "unknown";
}

}  // namespace raftlab::evidence
