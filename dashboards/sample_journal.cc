#include "dashboards/sample_journal.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "common/json_util.h"

namespace raftlab::dashboards {
namespace {

constexpr int64_t kT0 = 700'000'000'000;  // mono_ns of the session start: the run's start, t = 0
const char* const kNames[] = {"n1", "n2", "n3"};
const char* const kIds[] = {"92b8626990d6620", "f8d99e78b6dd5f41", "88907f12649e1103"};

// Scenario timeline, seconds.
constexpr double kFirstLeader = 1.3, kPartition = 6.0, kStepDown = 7.0, kN2Leads = 7.15, kHeal = 12.0,
                 kN2StepsDown = 12.1, kN3Leads = 12.35, kKill = 14.0, kRestart = 16.0, kSlowDisk = 17.0,
                 kEnd = 20.0;

struct Event {
  double t;
  Json body;
};

// What member i believes at time t: state, term, leader index (-1 none).
struct View {
  const char* state;
  int term;
  int lead;
};

View ViewOf(int i, double t) {
  if (t < 1.2) return {"StateFollower", 1, -1};
  if (t < kFirstLeader) return i == 0 ? View{"StateCandidate", 2, -1} : View{"StateFollower", 1, -1};
  if (i == 0) {  // n1: leader, then isolated and campaigning, then a follower of n3
    if (t < kStepDown) return {"StateLeader", 2, 0};
    if (t < kHeal) {
      int term = t < 8.0 ? 2 : 3 + static_cast<int>((t - 8.0) / 1.2);
      return {t < 8.0 ? "StateFollower" : "StateCandidate", std::min(term, 6), -1};
    }
    if (t < kN3Leads) return {"StateFollower", 6, -1};
    return {"StateFollower", 7, 2};
  }
  if (t < kPartition) return {"StateFollower", 2, 0};
  if (t < kStepDown) return {"StateFollower", 2, t < 6.9 ? 0 : -1};  // still believes in n1
  if (t < kN2Leads) return i == 1 ? View{"StateCandidate", 3, -1} : View{"StateFollower", 3, -1};
  if (t < kN2StepsDown) return {i == 1 ? "StateLeader" : "StateFollower", 3, 1};
  if (t < 12.3) return {"StateFollower", 6, -1};
  if (t < kN3Leads) return i == 2 ? View{"StateCandidate", 7, -1} : View{"StateFollower", 7, -1};
  return {i == 2 ? "StateLeader" : "StateFollower", 7, 2};
}

bool Isolated(int i, double t) { return i == 0 && t >= kPartition && t < kHeal; }
bool Down(int i, double t) { return i == 1 && t >= kKill && t < kRestart + 0.3; }

// Small deterministic jitter in [0, 1).
double Jitter(int k) { return std::fmod(std::abs(std::sin(k * 12.9898) * 43758.5453), 1.0); }

struct Write {
  double invoke;
  double latency_s;
  std::string phase;
  std::string error;
  int via;
};

std::vector<Write> Writes() {
  std::vector<Write> w;
  int k = 0;
  for (double t = 2.0; t < kEnd - 0.3; t += 0.25, ++k) {
    int via = k % 3;
    double latency = 0.0012 + 0.002 * Jitter(k);
    std::string phase = "ok", error;
    if (Isolated(via, t) && t < kStepDown) {
      phase = "info", error = "context deadline exceeded", latency = 2.0;
    } else if (Isolated(via, t)) {
      phase = "fail", error = "etcdserver: no leader", latency = 0.003 + 0.004 * Jitter(k + 7);
    } else if (via == 1 && t >= kKill && t < kRestart + 0.3) {
      phase = "fail", error = "connection refused", latency = 0.0008;
    } else if ((t >= kStepDown && t < kN2Leads) || (t >= kN2StepsDown && t < kN3Leads)) {
      latency = 0.35;  // waits for the election
    } else if (t >= kSlowDisk) {
      latency = 0.15 + 0.12 * Jitter(k);
    }
    w.push_back({t, latency, phase, error, via});
  }
  return w;
}

Json E(const char* kind, Json body) {
  body["kind"] = kind;
  return body;
}

}  // namespace

std::string SampleJournalForTest() {
  std::vector<Event> events;
  events.push_back({0.0, E("session", {{"event", "start"}, {"members", 3}, {"flags", {{"pre_vote", false}}}})});
  for (int i = 0; i < 3; ++i)
    events.push_back({0.1 + 0.01 * i, E("member", {{"member", kNames[i]}, {"event", "started"}, {"pid", 100 + i}})});
  events.push_back({0.5, E("membership", {{"voters", {"n1", "n2", "n3"}},
                                          {"learners", Json::array()},
                                          {"ids", {{"n1", kIds[0]}, {"n2", kIds[1]}, {"n3", kIds[2]}}}})});
  events.push_back({0.55, E("action", {{"name", "up"}, {"ok", true}})});

  // Faults.
  auto fault = [&](double t, const char* phase, const char* id, const char* kind, std::vector<std::string> targets) {
    events.push_back({t, E("fault", {{"phase", phase}, {"id", id}, {"fault", kind}, {"targets", targets}})});
  };
  fault(kPartition, "start", "f1", "partition", {"n1"});
  fault(kHeal, "end", "f1", "partition", {"n1"});
  fault(kKill, "start", "f2", "kill", {"n2"});
  events.push_back({kKill + 0.01, E("member", {{"member", "n2"}, {"event", "exited"}, {"status", "signal 9"}})});
  events.push_back({kRestart, E("member", {{"member", "n2"}, {"event", "started"}, {"pid", 200}})});
  fault(kRestart, "end", "f2", "kill", {"n2"});
  fault(kSlowDisk, "start", "f3", "slow-disk", {"n3"});

  // Client operations; committed writes raise the cluster's commit index.
  std::vector<double> commits;
  std::map<int, int> failed_via;
  int op = 0;
  for (const Write& w : Writes()) {
    ++op;
    Json inv = {{"op_id", op}, {"client", op % 2}, {"phase", "invoke"}, {"f", "put"},
                {"key", "k" + std::to_string(op % 5)}, {"value", "v" + std::to_string(op)}, {"via", kNames[w.via]}};
    events.push_back({w.invoke, E("op", inv)});
    Json done = inv;
    done["phase"] = w.phase;
    if (!w.error.empty()) done["error"] = w.error;
    if (w.phase == "ok") {
      done["revision"] = static_cast<int>(commits.size()) + 2;
      commits.push_back(w.invoke + w.latency_s * 0.8);
    }
    events.push_back({w.invoke + w.latency_s, E("op", done)});
  }
  // Entries: 3 conf changes, then one empty entry per new leader, then the writes.
  auto cluster_commit = [&](double t) {
    int n = 3 + (t >= kFirstLeader) + (t >= kN2Leads) + (t >= kN3Leads);
    for (double c : commits) n += c <= t;
    return n;
  };

  // Samples every 100 ms per member.
  struct Counters {
    double fsync_sum = 0, fsync_count = 0, backend_sum = 0, backend_count = 0, rtt_sum = 0, rtt_count = 0;
    int last_commit = 0, leader_changes = 0, last_lead = -1;
  };
  Counters c[3];
  bool n2_restarted = false;
  for (int step = 6; step <= 199; ++step) {
    double base = step * 0.1;
    for (int i = 0; i < 3; ++i) {
      double t = base + 0.002 * i;
      if (Down(i, t)) {
        events.push_back({t, E("sample", {{"member", kNames[i]}, {"ok", false}, {"error", "connection refused"}})});
        continue;
      }
      if (i == 1 && t >= kRestart + 0.3 && !n2_restarted) {  // a restart resets etcd's counters
        c[1] = Counters{};
        n2_restarted = true;
      }
      View v = ViewOf(i, t);
      int commit = Isolated(i, t) ? cluster_commit(kPartition) : cluster_commit(t);
      if (i == 1 && t >= kRestart + 0.3 && t < kRestart + 0.5) commit = cluster_commit(kKill);
      Counters& k = c[i];
      bool slow = i == 2 && t >= kSlowDisk;
      for (int e = k.last_commit; e < commit; ++e) {
        k.fsync_sum += slow ? 0.14 + 0.04 * Jitter(e) : 0.0015 + 0.001 * Jitter(e);
        k.fsync_count += 1;
        k.backend_sum += slow ? 0.06 : 0.004 + 0.002 * Jitter(e + 3);
        k.backend_count += 1;
      }
      k.last_commit = commit;
      if (!Isolated(i, t) && t > 1.0) {
        k.rtt_sum += 0.0004 + 0.0003 * Jitter(step * 3 + i);
        k.rtt_count += 1;
      }
      if (v.lead >= 0 && v.lead != k.last_lead) ++k.leader_changes;
      if (v.lead >= 0) k.last_lead = v.lead;
      Json s = {{"member", kNames[i]},
                {"ok", true},
                {"id", kIds[i]},
                {"term", v.term},
                {"vote", v.lead >= 0 ? kIds[v.lead] : "0"},
                {"commit", commit},
                {"applied", std::max(0, commit - (slow && step % 3 == 0 ? 1 : 0))},
                {"lead", v.lead >= 0 ? kIds[v.lead] : "0"},
                {"state", v.state}};
      Json progress = Json::object();
      if (std::string(v.state) == "StateLeader") {
        for (int p = 0; p < 3; ++p) {
          int match = commit;
          if (p != i && (Isolated(p, t) || Isolated(i, t))) match = cluster_commit(kPartition);
          if (p != i && Down(p, t)) match = cluster_commit(kKill);
          progress[kIds[p]] = {{"match", match}, {"next", match + 1}, {"state", "StateReplicate"}};
        }
      }
      s["progress"] = progress;
      s["metrics"] = {{"has_leader", v.lead >= 0 ? 1.0 : 0.0},
                      {"is_leader", std::string(v.state) == "StateLeader" ? 1.0 : 0.0},
                      {"leader_changes_seen_total", k.leader_changes},
                      {"proposals_committed_total", commit},
                      {"proposals_applied_total", commit},
                      {"proposals_pending", slow ? 1.0 : 0.0},
                      {"proposals_failed_total", i == 0 && t >= kStepDown ? std::min(6.0, (t - kStepDown) * 0.8) : 0.0},
                      {"wal_fsync_duration_seconds_sum", k.fsync_sum},
                      {"wal_fsync_duration_seconds_count", k.fsync_count},
                      {"backend_commit_duration_seconds_sum", k.backend_sum},
                      {"backend_commit_duration_seconds_count", k.backend_count},
                      {"peer_round_trip_time_seconds_sum", k.rtt_sum},
                      {"peer_round_trip_time_seconds_count", k.rtt_count},
                      {"snapshot_send_success", i == 2 && t >= kRestart + 0.3 ? 1.0 : 0.0},
                      {"snapshot_receive_success", i == 1 && t >= kRestart + 0.3 ? 1.0 : 0.0}};
      events.push_back({t, E("sample", s)});
    }
  }
  events.push_back({kEnd, E("session", {{"event", "end"}})});

  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  std::string out;
  for (Event& e : events) {
    int64_t mono = kT0 + static_cast<int64_t>(std::llround(e.t * 1e9));
    e.body["mono_ns"] = mono;
    e.body["wall"] = "2026-01-01T00:00:00.000Z";
    out += e.body.dump() + "\n";
  }
  return out;
}

}  // namespace raftlab::dashboards
