// Lab status: what each member reports in raft.status (StatusOfMembers), targets such as
// "leader" resolved now, the waits on raft.status (a leader agreed, a member answering), and
// the lookups other layers make (names, addresses, agents, endpoints, env lines).
#include <set>

#include "cluster/lab.h"
#include "common/clock.h"
#include "common/hex_id.h"
#include "common/http_get.h"
#include "common/strings.h"
#include "evidence/raft_status.h"

namespace raftlab::cluster {
namespace {

Result<evidence::RaftSample> PollRaftStatus(const std::string& ip, int timeout_ms) {
  Result<HttpReply> r = HttpGet(ip, kClientPort, "/debug/vars", timeout_ms);
  if (!r.ok()) return r.status();
  if (r->status != 200) return Unavailable("HTTP " + std::to_string(r->status) + " from " + ip);
  return evidence::ParseDebugVars(r->body);
}

}  // namespace

bool Lab::IsUp() const {
  std::lock_guard<std::mutex> lock(mu_);
  return up_;
}

std::vector<std::string> Lab::MemberNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, m] : members_) names.push_back(name);
  return names;
}

Status Lab::CheckMember(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!up_) return FailedPrecondition("no lab is up: run `raftlab up` first");
  if (members_.count(name) != 0) return Status::Ok();
  std::vector<std::string> known;
  for (const auto& [n, m] : members_) known.push_back(n);
  return NotFound("unknown member '" + name + "' (members: " + JoinNames(known, ", ") + ")");
}

std::string Lab::MemberAddress(const std::string& member) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = members_.find(member);
  return it == members_.end() ? "" : it->second.address;
}

HostAgent* Lab::AgentOf(const std::string& member) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = members_.find(member); it != members_.end()) return it->second.agent;
  }
  // A member of a crashed earlier lab: the agent its lab.json recorded.
  const Json earlier = ReadPersistedLabState(paths_);
  const std::map<std::string, std::string> placed = PersistedAgents(earlier);
  auto it = placed.find(member);
  if (it == placed.end() || it->second.empty()) return agents_.local();
  Result<HostAgent*> agent = agents_.Get(it->second, PersistedToken(earlier));
  return agent.ok() ? *agent : agents_.local();
}

std::string Lab::JournalPath() const {
  std::lock_guard<std::mutex> lock(mu_);
  return session_ ? session_->journal->path() : "";
}

std::vector<Lab::MemberEndpoint> Lab::ClientEndpoints() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<MemberEndpoint> endpoints;
  for (const auto& [name, m] : members_) endpoints.push_back({name, ClientEndpointAt(m.address)});
  return endpoints;
}

std::string Lab::ExporterAddress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return session_ ? session_->exporter->address() : "";
}

std::vector<std::string> Lab::EnvLines() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> urls;
  for (const auto& [name, m] : members_) urls.push_back(ClientUrlAt(m.address));
  std::vector<std::string> lines = {"ETCDCTL_API=3", "ETCDCTL_ENDPOINTS=" + JoinNames(urls)};
  if (session_) {
    lines.push_back("RAFTLAB_EXPORTER_URL=http://" + session_->exporter->address() + "/metrics");
    lines.push_back("RAFTLAB_JOURNAL=" + session_->journal->path());
  }
  lines.push_back("RAFTLAB_STATE_DIR=" + paths_.state_dir);
  return lines;
}

std::map<uint64_t, std::string> Lab::NamesById() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<uint64_t, std::string> out;
  for (const auto& [name, m] : members_) if (m.id != 0) out[m.id] = name;
  return out;
}

void Lab::PublishMemberNamesLocked() {
  evidence::MemberNames::Map names;
  for (const auto& [name, m] : members_) if (m.id != 0) names[m.id] = name;
  sampler_names_.Publish(std::move(names));
}

std::shared_ptr<Lab::Session> Lab::CurrentSession() const {
  std::lock_guard<std::mutex> lock(mu_);
  return session_;
}

std::shared_ptr<evidence::Sampler> Lab::CurrentSampler() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sampler_;
}

std::shared_ptr<evidence::Journal> Lab::journal() const {
  std::shared_ptr<Session> s = CurrentSession();
  return s ? std::shared_ptr<evidence::Journal>(s, s->journal.get()) : nullptr;
}

std::shared_ptr<evidence::Exporter> Lab::exporter() const {
  std::shared_ptr<Session> s = CurrentSession();
  return s ? std::shared_ptr<evidence::Exporter>(s, s->exporter.get()) : nullptr;
}

void Lab::Record(const std::string& kind, Json fields) const {
  if (auto j = journal()) j->Record(kind, std::move(fields));
}

std::vector<MemberView> Lab::StatusOfMembers() {
  struct Probe {
    std::string name, address, agent, last_exit;
    uint64_t process = 0, id = 0;
    bool running = false, learner = false;
  };
  bool ids_missing = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, m] : members_) ids_missing = ids_missing || (m.running && m.id == 0);
  }
  if (ids_missing) RefreshMemberIds();
  std::vector<Probe> probes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, m] : members_)
      probes.push_back({name, m.address, m.agent->Describe(), m.last_exit, m.process.id, m.id, m.running, m.learner});
  }
  std::map<uint64_t, std::string> names = NamesById();
  std::vector<MemberView> views;
  for (const auto& p : probes) {
    MemberView v;
    v.name = p.name;
    v.id = p.id;
    v.process = p.running ? p.process : 0;
    v.address = p.address;
    v.agent = p.agent;
    v.learner = p.learner;
    if (!p.running) {
      v.role = "down";
      v.error = "process exited (" + p.last_exit + ")";
      views.push_back(v);
      continue;
    }
    Result<evidence::RaftSample> s = PollRaftStatus(p.address, 1000);
    if (!s.ok()) {
      v.role = "down";
      v.error = s.status().message();
      views.push_back(v);
      continue;
    }
    v.term = s->term;
    v.commit = s->commit;
    v.applied = s->applied;
    v.role = p.learner ? "learner" : evidence::RoleFromState(s->state);
    if (s->lead != 0) v.leader = names.count(s->lead) ? names[s->lead] : HexId(s->lead);
    for (const auto& [peer, prog] : s->progress) {
      auto it = names.find(peer);
      if (it == names.end()) continue;
      if (it->second == p.name) v.last_index = prog.match;
      else v.progress[it->second] = prog;
    }
    v.healthy = s->lead != 0;
    if (!v.healthy) v.error = "no leader";
    views.push_back(v);
  }
  return views;
}

Result<std::string> Lab::ResolveTarget(const std::string& spec) {
  if (spec != "leader" && spec != "a-follower") {
    RL_RETURN_IF_ERROR(CheckMember(spec));
    return spec;
  }
  for (const auto& v : StatusOfMembers()) {
    if (spec == "leader" && v.role == "leader") return v.name;
    if (spec == "a-follower" && v.role == "follower") return v.name;
  }
  return Unavailable("no member is " + std::string(spec == "leader" ? "the leader" : "a follower") + " right now");
}

Status Lab::WaitForLeader(int timeout_ms, const Progress& progress) {
  const int64_t start = MonoNowNs();
  const int64_t deadline = start + static_cast<int64_t>(timeout_ms) * 1'000'000;
  int64_t next_report = start + 1'000'000'000;
  std::vector<std::pair<std::string, std::string>> targets;   // name, address
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, m] : members_) targets.emplace_back(name, m.address);
  }
  for (;;) {
    std::string summary;
    std::set<uint64_t> leaders;
    bool all_answer = true;
    for (const auto& [name, address] : targets) {
      Result<evidence::RaftSample> s = PollRaftStatus(address, 300);
      if (!s.ok()) {
        all_answer = false;
        summary += " " + name + "=no answer";
        continue;
      }
      leaders.insert(s->lead);
      summary += " " + name + "=" + evidence::RoleFromState(s->state) + "/term " + std::to_string(s->term);
    }
    if (all_answer && leaders.size() == 1 && *leaders.begin() != 0) {
      progress("cluster ready in " + std::to_string((MonoNowNs() - start) / 1'000'000) + " ms:" + summary);
      return Status::Ok();
    }
    for (const auto& [name, address] : targets)
      if (!IsRunning(name)) {
        std::string last_exit;
        {
          std::lock_guard<std::mutex> lock(mu_);
          last_exit = members_.at(name).last_exit;
        }
        return Unavailable("etcd " + name + " exited (" + last_exit + ") during start; its log ends:" + LogTail(name, 3));
      }
    if (MonoNowNs() > deadline)
      return Timeout("no agreed leader after " + std::to_string(timeout_ms / 1000) + " s:" + summary);
    if (MonoNowNs() > next_report) {
      progress("waiting for a leader (" + std::to_string((MonoNowNs() - start) / 1'000'000'000) + " s):" + summary);
      next_report += 1'000'000'000;
    }
    SleepMs(100);
  }
}

Status Lab::WaitUntilAnswering(const std::string& name, int timeout_ms) {
  const std::string address = MemberAddress(name);
  const int64_t deadline = MonoNowNs() + static_cast<int64_t>(timeout_ms) * 1'000'000;
  while (MonoNowNs() < deadline) {
    if (!IsRunning(name)) return Unavailable("etcd " + name + " exited while starting; its log ends:" + LogTail(name, 3));
    if (PollRaftStatus(address, 300).ok()) return Status::Ok();
    SleepMs(50);
  }
  return Timeout("etcd " + name + " did not answer within " + std::to_string(timeout_ms / 1000) + " s");
}

}  // namespace raftlab::cluster
