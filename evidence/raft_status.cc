#include "evidence/raft_status.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/hex_id.h"

namespace raftlab::evidence {
namespace {

// An id field of raft.status ("8e9e05c52164694d"); 0 when absent or not an id.
uint64_t IdField(const Json& v) {
  if (!v.is_string()) return 0;
  Result<uint64_t> id = ParseHexId(v.get<std::string>());
  return id.ok() ? *id : 0;
}

uint64_t Num(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<uint64_t>() : 0;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The end (one past) of the JSON string starting at text[open] == '"'; npos when unterminated.
size_t EndOfString(std::string_view text, size_t open) {
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') ++i;
    else if (text[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

// The end (one past) of the JSON object or array starting at text[open] ({ or [); npos when
// unbalanced.
size_t EndOfObject(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = EndOfString(text, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

// The end (one past) of a Prometheus label set starting at line[open] == '{'.
size_t EndOfLabels(std::string_view line, size_t open) {
  for (size_t i = open + 1; i < line.size(); ++i) {
    if (line[i] == '"') {
      i = EndOfString(line, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (line[i] == '}') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// A Prometheus sample value: a float, "+Inf", "-Inf" or "NaN".
bool ParseValue(std::string_view token, double* out) {
  if (!token.empty() && token[0] == '+') token.remove_prefix(1);
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), *out);
  return ec == std::errc() && end == token.data() + token.size();
}

}  // namespace

std::string_view RaftStatusText(std::string_view body) {
  // Walk the keys of the top-level object, skipping each value by its brackets and quotes
  // without decoding it (a nested or quoted "raft.status" is not the one).
  static constexpr std::string_view kKey = "\"raft.status\"";
  auto skip_space = [&](size_t i) {
    while (i < body.size() && IsSpace(body[i])) ++i;
    return i;
  };
  size_t i = skip_space(0);
  if (i >= body.size() || body[i] != '{') return {};
  for (i = skip_space(i + 1); i < body.size() && body[i] == '"';) {
    const size_t key_end = EndOfString(body, i);
    if (key_end == std::string_view::npos) return {};
    const bool wanted = body.substr(i, key_end - i) == kKey;
    i = skip_space(key_end);
    if (i >= body.size() || body[i] != ':') return {};
    i = skip_space(i + 1);
    if (i >= body.size()) return {};
    size_t value_end;
    if (body[i] == '{' || body[i] == '[') {
      value_end = EndOfObject(body, i);
    } else if (body[i] == '"') {
      value_end = EndOfString(body, i);
    } else {
      value_end = body.find_first_of(",}", i);
    }
    if (value_end == std::string_view::npos) return {};
    if (wanted) return body[i] == '{' ? body.substr(i, value_end - i) : std::string_view();
    i = skip_space(value_end);
    if (i >= body.size() || body[i] != ',') return {};
    i = skip_space(i + 1);
  }
  return {};
}

Result<RaftSample> ParseDebugVars(std::string_view body) {
  std::string_view text = RaftStatusText(body);
  if (text.empty()) return InvalidArgument("/debug/vars has no raft.status");
  Json st = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (st.is_discarded() || !st.is_object()) return InvalidArgument("raft.status in /debug/vars is not JSON");
  RaftSample s;
  s.id = IdField(st.value("id", Json()));
  s.term = Num(st, "term");
  s.vote = IdField(st.value("vote", Json()));
  s.commit = Num(st, "commit");
  s.applied = Num(st, "applied");
  s.lead = IdField(st.value("lead", Json()));
  s.state = st.value("raftState", "");
  if (auto p = st.find("progress"); p != st.end() && p->is_object()) {
    for (auto& [peer, prog] : p->items()) {
      if (!prog.is_object()) continue;
      PeerProgress pp;
      pp.match = Num(prog, "match");
      pp.next = Num(prog, "next");
      pp.state = prog.value("state", "");
      s.progress[IdField(peer)] = pp;
    }
  }
  return s;
}

std::map<std::string, double> ParseMetrics(std::string_view text, const std::vector<std::string>& wanted) {
  std::map<std::string, double> out;
  for (size_t pos = 0; pos < text.size();) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t name_end = 0;
    while (name_end < line.size() && line[name_end] != '{' && line[name_end] != ' ') ++name_end;
    if (name_end == line.size()) continue;
    const std::string_view name = line.substr(0, name_end);
    const std::string* hit = nullptr;
    for (const std::string& w : wanted)
      if (w.size() == name.size() && name == w) {
        hit = &w;
        break;
      }
    if (hit == nullptr) continue;
    size_t v = name_end;
    if (line[v] == '{') v = EndOfLabels(line, v);
    if (v == std::string_view::npos) continue;
    while (v < line.size() && line[v] == ' ') ++v;
    size_t v_end = v;
    while (v_end < line.size() && line[v_end] != ' ' && line[v_end] != '\r') ++v_end;
    double value = 0;
    if (ParseValue(line.substr(v, v_end - v), &value)) out[*hit] += value;
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
  Json j = {{"member", s.member}, {"ok", true},         {"id", HexId(s.id)},
            {"term", s.term},     {"vote", HexId(s.vote)}, {"commit", s.commit},
            {"applied", s.applied}, {"lead", HexId(s.lead)}, {"state", s.state}};
  Json progress = Json::object();
  for (const auto& [peer, p] : s.progress)
    progress[HexId(peer)] = {{"match", p.match}, {"next", p.next}, {"state", p.state}};
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
