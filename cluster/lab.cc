#include "cluster/lab.h"

#include <signal.h>
#include <sys/wait.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "cluster/leftovers.h"
#include "common/clock.h"
#include "common/http_get.h"
#include "common/subprocess.h"
#include "evidence/raft_status.h"

namespace raftlab::cluster {
namespace {

// etcd refuses reconfiguration ("unhealthy cluster") until the receiving member has been
// connected to every voter for 5 s: after a start, a restart or a heal that is a wait, not an
// error. Retries `change` for up to 20 s while that is its answer; returns its last status.
Status RetryWhileUnhealthy(const Lab::Progress& progress, const std::function<Status()>& change) {
  const int64_t deadline = MonoNowNs() + 20'000'000'000LL;
  for (int64_t next_report = MonoNowNs() + 1'000'000'000;;) {
    Status s = change();
    if (s.ok() || s.message().find("unhealthy cluster") == std::string::npos || MonoNowNs() > deadline) return s;
    if (MonoNowNs() > next_report) {
      progress("etcd says the cluster is not yet healthy enough to reconfigure; retrying");
      next_report += 2'000'000'000;
    }
    SleepMs(200);
  }
}

std::string ExitDescription(int status) {
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "exit " + std::to_string(WEXITSTATUS(status));
}

Result<evidence::RaftSample> PollRaftStatus(const std::string& name, int timeout_ms) {
  Result<HttpReply> r = HttpGet(MemberIp(name), kClientPort, "/debug/vars", timeout_ms);
  if (!r.ok()) return r.status();
  if (r->status != 200) return Unavailable("HTTP " + std::to_string(r->status) + " from " + name);
  return evidence::ParseDebugVars(r->body);
}

}  // namespace

Lab::Lab(LabPaths paths, std::unique_ptr<HostAgent> agent)
    : paths_(std::move(paths)), agent_(std::move(agent)) {
  supervisor_ = std::thread([this] { Supervise(); });
}

Lab::~Lab() {
  stop_supervisor_ = true;
  supervisor_.join();
}

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
  std::string known;
  for (const auto& [n, m] : members_) known += (known.empty() ? "" : ", ") + n;
  return NotFound("unknown member '" + name + "' (members: " + known + ")");
}

std::string Lab::JournalPath() const {
  std::lock_guard<std::mutex> lock(mu_);
  return journal_ ? journal_->path() : "";
}

Status Lab::Up(const UpOptions& options, const Progress& progress) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (up_) return AlreadyExists("a lab is already up (" + std::to_string(members_.size()) +
                                  " members): run `raftlab down` first");
  }
  if (options.members < 1 || options.members > kMaxMembers)
    return InvalidArgument("--members must be between 1 and " + std::to_string(kMaxMembers));
  if (std::string why = ValidateEtcdFlags(options.flags); !why.empty()) return InvalidArgument(why);
  if (!IsExecutable(options.etcd_binary))
    return FailedPrecondition("etcd binary not found at " + options.etcd_binary +
                              ": install Debian's etcd-server (scripts/setup.sh does) or pass --etcd PATH");
  if (options.journal_path.empty()) return InvalidArgument("no journal path");

  // A crashed earlier lab may have left namespaces, links or processes: clear them first.
  for (const auto& line : RemoveLeftovers(paths_.state_dir)) progress("cleaned up after an earlier lab: " + line);

  Result<std::unique_ptr<evidence::Exporter>> exporter = evidence::Exporter::Start(options.exporter_address);
  if (!exporter.ok()) return exporter.status();
  Result<std::unique_ptr<evidence::Journal>> journal = evidence::Journal::Open(options.journal_path);
  if (!journal.ok()) return journal.status();

  std::unique_lock<std::mutex> lock(mu_);
  options_ = options;
  exporter_ = std::move(*exporter);
  journal_ = std::move(*journal);
  journal_->Record("session", {{"event", "start"}, {"members", options.members},
                               {"flags", {{"heartbeat_ms", options.flags.heartbeat_ms},
                                          {"election_ms", options.flags.election_ms},
                                          {"pre_vote", options.flags.pre_vote},
                                          {"snapshot_count", options.flags.snapshot_count},
                                          {"sample_interval_ms", options.sample_interval_ms}}}});

  auto fail = [&](const Status& s) {
    journal_->Record("action", {{"name", "up"}, {"ok", false}, {"error", s.ToString()}});
    for (auto& [name, m] : members_) if (m.running) agent_->Signal(m.pid, SIGKILL);
    members_.clear();
    last_membership_ = Json();
    RemoveLeftovers(paths_.state_dir);
    std::filesystem::remove_all(paths_.state_dir + "/members");
    std::filesystem::remove(paths_.StateFile());
    journal_.reset();
    exporter_.reset();
    return s;
  };

  progress("creating the lab network (namespace " + std::string(kBridgeNetns) + ", bridge " + kBridge + ", uplink " + kUplink + ")");
  if (Status s = agent_->CreateFabric(); !s.ok()) return fail(s);
  std::string initial_cluster;
  for (int i = 1; i <= options.members; ++i)
    initial_cluster += (i > 1 ? "," : "") + MemberName(i) + "=" + PeerUrl(MemberName(i));
  for (int i = 1; i <= options.members; ++i) {
    const std::string name = MemberName(i);
    progress("creating host " + MemberNetns(name) + " at " + MemberIp(name));
    if (Status s = agent_->CreateHost(name); !s.ok()) return fail(s);
    Member& m = members_[name];
    m.name = name;
    m.spec.etcd_binary = options.etcd_binary;
    m.spec.name = name;
    m.spec.data_dir = paths_.DataDir(name);
    m.spec.initial_cluster = initial_cluster;
    m.spec.flags = options.flags;
    m.client = std::make_shared<driver::EtcdClient>(ClientEndpoint(name));
    if (options.slow_wal) {
      progress("mounting " + name + "'s WAL dir on raftlab-slowfs (fsync delay 0)");
      if (Status s = EnsureSlowWalMount(&m); !s.ok()) return fail(s);
      m.spec.wal_dir = SlowWalDir(name);
    }
  }
  for (auto& [name, m] : members_) {
    progress("starting etcd " + name + " (" + ClientUrl(name) + ")");
    if (Status s = StartMember(&m); !s.ok()) return fail(s);
  }
  up_ = true;
  Persist();
  lock.unlock();   // the wait polls members and takes the mutex itself
  Status ready = WaitForLeader(options.ready_timeout_ms, progress);
  // Ids and the initial configuration come from etcd's own member list, journaled.
  if (ready.ok()) ready = RecordMembership().status();
  lock.lock();
  if (!ready.ok()) {
    up_ = false;
    return fail(ready);
  }
  evidence::SamplerOptions so;
  so.interval_ms = options.sample_interval_ms;
  sampler_ = std::make_unique<evidence::Sampler>(journal_.get(), exporter_.get(), so, &sampler_names_);
  for (const auto& [name, m] : members_) sampler_->AddMember(name, MemberIp(name), kClientPort);
  journal_->Record("action", {{"name", "up"}, {"ok", true}, {"members", options.members}});
  Persist();
  return Status::Ok();
}

std::vector<Lab::MemberEndpoint> Lab::ClientEndpoints() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<MemberEndpoint> endpoints;
  for (const auto& [name, m] : members_) endpoints.push_back({name, ClientEndpoint(name)});
  return endpoints;
}

std::string Lab::ExporterAddress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return exporter_ ? exporter_->address() : "";
}

Status Lab::StartMember(Member* m) {
  RL_RETURN_IF_ERROR(MakeDirs(paths_.MemberDir(m->name)));
  Result<pid_t> pid = agent_->StartOnHost(m->name, EtcdArgv(m->spec), paths_.LogPath(m->name));
  if (!pid.ok()) return pid.status();
  m->pid = *pid;
  m->running = true;
  journal_->Record("member", {{"member", m->name}, {"event", "started"}, {"pid", m->pid},
                              {"argv", EtcdArgv(m->spec)}});
  return Status::Ok();
}

Status Lab::WaitForLeader(int timeout_ms, const Progress& progress) {
  const int64_t start = MonoNowNs();
  const int64_t deadline = start + static_cast<int64_t>(timeout_ms) * 1'000'000;
  int64_t next_report = start + 1'000'000'000;
  std::vector<std::string> names = MemberNames();
  for (;;) {
    std::string summary;
    std::set<uint64_t> leaders;
    bool all_answer = true;
    for (const auto& name : names) {
      Result<evidence::RaftSample> s = PollRaftStatus(name, 300);
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
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [name, m] : members_)
        if (!m.running)
          return Unavailable("etcd " + name + " exited (" + m.last_exit + ") during start; its log ends:" +
                             TailOfFile(paths_.LogPath(name), 3));
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

void Lab::RefreshMemberIds() {
  for (auto& [name, m] : members_) {
    if (!m.running) continue;
    Result<std::vector<driver::EtcdMember>> list = m.client->MemberList(driver::Millis(2000));
    if (!list.ok()) continue;
    for (const auto& em : *list) {
      for (auto& [n2, m2] : members_) {
        if (!em.peer_urls.empty() && em.peer_urls[0] == PeerUrl(n2)) {
          m2.id = em.id;
          m2.learner = em.is_learner;
        }
      }
    }
    PublishMemberNames();
    return;
  }
}

std::map<uint64_t, std::string> Lab::NamesById() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<uint64_t, std::string> out;
  for (const auto& [name, m] : members_) if (m.id != 0) out[m.id] = name;
  return out;
}

void Lab::PublishMemberNames() {
  evidence::MemberNames::Map names;
  for (const auto& [name, m] : members_) if (m.id != 0) names[m.id] = name;
  sampler_names_.Publish(std::move(names));
}

void Lab::FinalHashKv() {
  std::vector<std::shared_ptr<driver::EtcdClient>> running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, m] : members_) if (m.running) running.push_back(m.client);
  }
  int64_t common = 0;   // the lowest revision any running member reports: all of them have it
  for (const auto& client : running) {
    Result<driver::HashKvResult> r = client->HashKV(0, driver::Millis(1000));
    if (r.ok() && r->header.revision > 0)
      common = common == 0 ? r->header.revision : std::min(common, r->header.revision);
  }
  if (common > 0) (void)HashKvAll(common);
}

Result<std::vector<std::string>> Lab::Down() {
  // The last evidence of a session: every member's HashKV at one revision, so that state
  // machine safety compares the applied stores of a hand session too.
  if (journal_) FinalHashKv();
  std::unique_ptr<evidence::Sampler> sampler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sampler = std::move(sampler_);
  }
  sampler.reset();   // joins the sampler's threads outside the lab's mutex
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> removed;
  for (auto& [name, m] : members_) {
    if (m.running) agent_->Signal(m.pid, SIGKILL);
  }
  // Keep each member's own log beside the journal: it is evidence, the lab's state is not.
  if (journal_) {
    std::filesystem::path logs = std::filesystem::path(journal_->path()).parent_path() / "etcd";
    for (const auto& [name, m] : members_) {
      std::error_code ec;
      std::filesystem::create_directories(logs, ec);
      std::filesystem::copy_file(paths_.LogPath(name), logs / (name + ".log"),
                                 std::filesystem::copy_options::overwrite_existing, ec);
    }
    journal_->Record("action", {{"name", "down"}, {"ok", true}});
    journal_->Record("session", {{"event", "end"}});
  }
  // Reap our own children before the leftover sweep looks for live processes.
  for (auto& [name, m] : members_) {
    if (m.running) {
      waitpid(m.pid, nullptr, 0);
      removed.push_back("stopped etcd " + name + " (pid " + std::to_string(m.pid) + ")");
      m.running = false;
    }
  }
  for (auto& [name, m] : members_) {
    if (m.slowfs_pid <= 0) continue;
    // SIGTERM lets slowfs unmount cleanly; the leftover sweep below catches a stuck one.
    agent_->Signal(m.slowfs_pid, SIGTERM);
    for (int i = 0; i < 100 && waitpid(m.slowfs_pid, nullptr, WNOHANG) == 0; ++i) SleepMs(20);
    removed.push_back("unmounted " + SlowWalMount(name) + " (raftlab-slowfs pid " + std::to_string(m.slowfs_pid) + ")");
    m.slowfs_pid = 0;
  }
  for (const auto& line : RemoveLeftovers(paths_.state_dir)) removed.push_back(line);
  std::error_code ec;
  std::filesystem::remove_all(paths_.state_dir + "/members", ec);
  std::filesystem::remove(paths_.StateFile(), ec);
  members_.clear();
  last_membership_ = Json();
  up_ = false;
  exporter_.reset();
  journal_.reset();
  return removed;
}

std::vector<MemberView> Lab::StatusOfMembers() {
  struct Probe {
    std::string name;
    pid_t pid;
    bool running, learner;
    uint64_t id;
    std::string last_exit;
  };
  std::vector<Probe> probes;
  std::map<uint64_t, std::string> names;
  {
    std::lock_guard<std::mutex> lock(mu_);
    bool ids_missing = false;
    for (const auto& [name, m] : members_) ids_missing = ids_missing || (m.running && m.id == 0);
    if (ids_missing) RefreshMemberIds();
    for (const auto& [name, m] : members_) probes.push_back({name, m.pid, m.running, m.learner, m.id, m.last_exit});
  }
  names = NamesById();
  std::vector<MemberView> views;
  for (const auto& p : probes) {
    MemberView v;
    v.name = p.name;
    v.id = p.id;
    v.pid = p.running ? p.pid : 0;
    v.learner = p.learner;
    if (!p.running) {
      v.role = "down";
      v.error = "process exited (" + p.last_exit + ")";
      views.push_back(v);
      continue;
    }
    Result<evidence::RaftSample> s = PollRaftStatus(p.name, 1000);
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
    if (s->lead != 0) v.leader = names.count(s->lead) ? names[s->lead] : driver::IdToHex(s->lead);
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

Result<std::shared_ptr<driver::EtcdClient>> Lab::PickClient(const std::string& via, std::string* name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!up_) return FailedPrecondition("no lab is up: run `raftlab up` first");
  if (!via.empty()) {
    auto it = members_.find(via);
    if (it == members_.end()) {
      std::string known;
      for (const auto& [n, m] : members_) known += (known.empty() ? "" : ", ") + n;
      return NotFound("unknown member '" + via + "' (members: " + known + ")");
    }
    if (!it->second.running)
      return FailedPrecondition("member " + via + " is down (" + it->second.last_exit + "): pick another with --via");
    *name = via;
    return it->second.client;
  }
  const Member* pick = nullptr;
  if (sampler_) {
    for (const auto& [n, m] : members_) {
      auto latest = sampler_->Latest(n);
      if (m.running && latest && latest->state == "StateLeader") pick = &m;
    }
  }
  for (const auto& [n, m] : members_) if (pick == nullptr && m.running && !m.learner) pick = &m;
  if (pick == nullptr) return Unavailable("no member is running");
  *name = pick->name;
  return pick->client;
}

void Lab::RecordOp(const Json& invoke, const Status& status, Json done) {
  if (!journal_) return;
  Json complete = invoke;
  complete["phase"] = status.ok() ? "ok" : (status.code() == Code::kTimeout || status.code() == Code::kUnavailable ? "info" : "fail");
  if (!status.ok()) complete["error"] = status.message();
  complete.update(done);
  journal_->Record("op", complete);
}

Result<driver::PutResult> Lab::Put(const std::string& key, const std::string& value, const std::string& via,
                                   driver::Millis timeout, std::string* served_by, int64_t client_id) {
  if (key.empty()) return InvalidArgument("empty key");
  Result<std::shared_ptr<driver::EtcdClient>> client = PickClient(via, served_by);
  if (!client.ok()) return client.status();
  Json invoke = {{"op_id", journal_->NextOpId()}, {"client", client_id}, {"f", "put"}, {"key", key},
                 {"value", value}, {"via", *served_by}, {"phase", "invoke"}};
  journal_->Record("op", invoke);
  Result<driver::PutResult> r = (*client)->Put(key, value, timeout);
  RecordOp(invoke, r.status(), r.ok() ? Json{{"revision", r->header.revision}} : Json::object());
  return r;
}

Result<driver::GetResult> Lab::Get(const std::string& key, bool serializable, const std::string& via,
                                   driver::Millis timeout, std::string* served_by, int64_t client_id) {
  if (key.empty()) return InvalidArgument("empty key");
  Result<std::shared_ptr<driver::EtcdClient>> client = PickClient(via, served_by);
  if (!client.ok()) return client.status();
  Json invoke = {{"op_id", journal_->NextOpId()}, {"client", client_id}, {"f", "get"}, {"key", key},
                 {"via", *served_by}, {"serializable", serializable}, {"phase", "invoke"}};
  journal_->Record("op", invoke);
  Result<driver::GetResult> r = (*client)->Get(key, serializable, timeout);
  Json done = Json::object();
  if (r.ok()) done = {{"found", r->found}, {"value", r->value}, {"revision", r->header.revision}};
  RecordOp(invoke, r.status(), done);
  return r;
}

std::vector<std::string> Lab::EnvLines() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string endpoints;
  for (const auto& [name, m] : members_) endpoints += (endpoints.empty() ? "" : ",") + ClientUrl(name);
  std::vector<std::string> lines = {"ETCDCTL_API=3", "ETCDCTL_ENDPOINTS=" + endpoints};
  if (exporter_) lines.push_back("RAFTLAB_EXPORTER_URL=http://" + exporter_->address() + "/metrics");
  if (journal_) lines.push_back("RAFTLAB_JOURNAL=" + journal_->path());
  lines.push_back("RAFTLAB_STATE_DIR=" + paths_.state_dir);
  return lines;
}

Result<MemberFiles> Lab::Files(const std::string& member) const {
  RL_RETURN_IF_ERROR(CheckMember(member));
  std::lock_guard<std::mutex> lock(mu_);
  const Member& m = members_.at(member);
  MemberFiles f;
  f.data_dir = m.spec.data_dir;
  f.wal_dir = m.spec.wal_dir.empty() ? m.spec.data_dir + "/member/wal" : m.spec.wal_dir;
  f.log_path = paths_.LogPath(member);
  return f;
}

bool Lab::IsRunning(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = members_.find(name);
  return it != members_.end() && it->second.running;
}

std::string Lab::ToolPath(const std::string& tool) const {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / tool).string();
}

Status Lab::SignalMember(const std::string& name, int signal) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  std::lock_guard<std::mutex> lock(mu_);
  const Member& m = members_.at(name);
  if (!m.running) return FailedPrecondition("member " + name + " is down (" + m.last_exit + ")");
  return agent_->Signal(m.pid, signal);
}

Status Lab::StopMember(const std::string& name, int timeout_ms) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  if (!IsRunning(name)) return Status::Ok();
  (void)SignalMember(name, SIGCONT);   // a paused member cannot act on SIGTERM
  RL_RETURN_IF_ERROR(SignalMember(name, SIGTERM));
  const int64_t deadline = MonoNowNs() + static_cast<int64_t>(timeout_ms) * 1'000'000;
  while (IsRunning(name) && MonoNowNs() < deadline) SleepMs(20);
  if (IsRunning(name)) (void)SignalMember(name, SIGKILL);
  while (IsRunning(name)) SleepMs(20);
  return Status::Ok();
}

std::string Lab::CurrentWalDir(const Member& m) const {
  return m.spec.wal_dir.empty() ? m.spec.data_dir + "/member/wal" : m.spec.wal_dir;
}

Status Lab::EnsureSlowWalMount(Member* m) {
  if (m->slowfs_pid > 0) return Status::Ok();
  const std::string tool = ToolPath("raftlab-slowfs");
  if (!IsExecutable(tool)) return FailedPrecondition("raftlab-slowfs not found at " + tool);
  if (access("/dev/fuse", R_OK | W_OK) != 0)
    return Unsupported("no usable /dev/fuse here, so no slow-disk WAL mount; fallback: none in this lab "
                       "(cgroup blkio throttling would slow the whole process, not just the WAL)");
  const std::string dir = paths_.MemberDir(m->name);
  const std::string mount = SlowWalMount(m->name);
  RL_RETURN_IF_ERROR(MakeDirs(dir + "/wal-backing"));
  RL_RETURN_IF_ERROR(MakeDirs(mount));
  RL_RETURN_IF_ERROR(WriteFileAtomic(dir + "/fsync-delay-ms", "0\n"));
  Result<pid_t> pid = agent_->StartOnHost(
      m->name, {tool, "--backing", dir + "/wal-backing", "--mount", mount, "--control", dir + "/fsync-delay-ms", "--foreground"},
      dir + "/slowfs.log");
  if (!pid.ok()) return pid.status();
  m->slowfs_pid = *pid;
  for (int i = 0; i < 250; ++i) {
    std::ifstream mounts("/proc/mounts");
    for (std::string line; std::getline(mounts, line);)
      if (line.find(" " + mount + " ") != std::string::npos) return Status::Ok();
    if (waitpid(*pid, nullptr, WNOHANG) == *pid) break;
    SleepMs(20);
  }
  return Unavailable("raftlab-slowfs did not mount " + mount + "; see " + dir + "/slowfs.log");
}

Result<std::string> Lab::FsyncControlFile(const std::string& name) const {
  RL_RETURN_IF_ERROR(CheckMember(name));
  std::lock_guard<std::mutex> lock(mu_);
  const Member& m = members_.at(name);
  if (m.slowfs_pid <= 0 || m.spec.wal_dir != SlowWalDir(name))
    return FailedPrecondition("member " + name + "'s WAL is on the plain disk: bring the lab up with --slow-wal, or "
                              "`raftlab restart " + name + " --wal-dir slow` first");
  return paths_.MemberDir(name) + "/fsync-delay-ms";
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

Status Lab::WaitUntilAnswering(const std::string& name, int timeout_ms) {
  const int64_t deadline = MonoNowNs() + static_cast<int64_t>(timeout_ms) * 1'000'000;
  while (MonoNowNs() < deadline) {
    if (!IsRunning(name))
      return Unavailable("etcd " + name + " exited while starting; its log ends:" + TailOfFile(paths_.LogPath(name), 3));
    if (PollRaftStatus(name, 300).ok()) return Status::Ok();
    SleepMs(50);
  }
  return Timeout("etcd " + name + " did not answer within " + std::to_string(timeout_ms / 1000) + " s");
}

// Moves every file of `from` into `to` (different filesystems: copy, then remove).
static Status MoveDirContents(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::create_directories(to, ec);
  if (!std::filesystem::exists(from)) return Status::Ok();
  for (const auto& e : std::filesystem::directory_iterator(from, ec)) {
    std::filesystem::copy(e.path(), std::filesystem::path(to) / e.path().filename(),
                          std::filesystem::copy_options::overwrite_existing | std::filesystem::copy_options::recursive, ec);
    if (ec) return Internal("cannot move " + e.path().string() + " to " + to + ": " + ec.message());
  }
  std::filesystem::remove_all(from, ec);
  return Status::Ok();
}

Status Lab::RestartMember(const std::string& name, WalPlacement wal, const Progress& progress,
                          const RestartTiming& timing) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  EtcdFlags flags;
  {
    std::lock_guard<std::mutex> lock(mu_);
    flags = members_.at(name).spec.flags;
  }
  if (timing.heartbeat_ms != 0) flags.heartbeat_ms = timing.heartbeat_ms;
  if (timing.election_ms != 0) flags.election_ms = timing.election_ms;
  if (std::string why = ValidateEtcdFlags(flags); !why.empty()) return InvalidArgument(why);
  if (IsRunning(name)) {
    progress("stopping etcd " + name + " (SIGTERM)");
    RL_RETURN_IF_ERROR(StopMember(name, 10000));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    Member& m = members_.at(name);
    const std::string before = CurrentWalDir(m);
    if (wal == WalPlacement::kSlow && m.spec.wal_dir != SlowWalDir(name)) {
      RL_RETURN_IF_ERROR(EnsureSlowWalMount(&m));
      progress("moving " + name + "'s WAL from " + before + " to the slowfs mount " + SlowWalDir(name));
      RL_RETURN_IF_ERROR(MoveDirContents(before, SlowWalDir(name)));
      m.spec.wal_dir = SlowWalDir(name);
    } else if (wal == WalPlacement::kFast && !m.spec.wal_dir.empty()) {
      const std::string fast = m.spec.data_dir + "/member/wal";
      progress("moving " + name + "'s WAL from " + before + " to fast storage " + fast);
      RL_RETURN_IF_ERROR(MoveDirContents(before, fast));
      m.spec.wal_dir.clear();
    }
    m.spec.flags = flags;
    if (journal_)
      journal_->Record("action", {{"name", "restart"}, {"member", name}, {"wal_dir", CurrentWalDir(m)},
                                  {"heartbeat_ms", flags.heartbeat_ms}, {"election_ms", flags.election_ms}});
    progress("starting etcd " + name + " (WAL in " + CurrentWalDir(m) + ", --heartbeat-interval " +
             std::to_string(flags.heartbeat_ms) + " --election-timeout " + std::to_string(flags.election_ms) + ")");
    RL_RETURN_IF_ERROR(StartMember(&m));
    Persist();
  }
  Status answering = WaitUntilAnswering(name, 20000);
  if (answering.code() == Code::kTimeout && IsRunning(name)) {
    // etcd serves clients only after it has reached a quorum; a restarted member that is
    // still partitioned is running but silent, which is what the user asked for.
    progress("etcd " + name + " is running but not serving clients yet: a member serves only once it reaches a quorum");
    return Status::Ok();
  }
  return answering;
}

Result<Json> Lab::RecordMembership() {
  std::string leader_name;
  Result<std::shared_ptr<driver::EtcdClient>> client = PickClient("", &leader_name);
  if (!client.ok()) return client.status();
  Result<std::vector<driver::EtcdMember>> list = (*client)->MemberList(driver::Millis(3000));
  if (!list.ok()) return list.status();
  Json membership = {{"voters", Json::array()}, {"learners", Json::array()}, {"ids", Json::object()}};
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& em : *list) {
    std::string name;
    for (auto& [n, m] : members_)
      if (!em.peer_urls.empty() && em.peer_urls[0] == PeerUrl(n)) {
        name = n;
        m.id = em.id;
        m.learner = em.is_learner;
      }
    if (name.empty()) name = driver::IdToHex(em.id);
    membership[em.is_learner ? "learners" : "voters"].push_back(name);
    membership["ids"][name] = driver::IdToHex(em.id);
  }
  for (const char* k : {"voters", "learners"}) std::sort(membership[k].begin(), membership[k].end());
  // A "membership" event is a configuration step for the checkers: journal changes only.
  if (journal_ && membership != last_membership_) journal_->Record("membership", membership);
  last_membership_ = membership;
  Persist();
  return membership;
}

Status Lab::AddMember(const std::string& name, bool learner, const Progress& progress) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!up_) return FailedPrecondition("no lab is up: run `raftlab up` first");
    if (MemberOrdinal(name) == 0)
      return InvalidArgument("member names are n1..n" + std::to_string(kMaxMembers) + ", got '" + name + "'");
    if (members_.count(name) != 0) return AlreadyExists("member " + name + " already exists");
  }
  std::string via;
  Result<std::shared_ptr<driver::EtcdClient>> client = PickClient("", &via);
  if (!client.ok()) return client.status();
  progress("creating host " + MemberNetns(name) + " at " + MemberIp(name));
  RL_RETURN_IF_ERROR(agent_->CreateHost(name));
  progress(std::string("asking ") + via + " to add " + name + (learner ? " as a learner" : " as a voter") + " (peer " + PeerUrl(name) + ")");
  Result<driver::EtcdMember> added = Unavailable("not tried");
  (void)RetryWhileUnhealthy(progress, [&] {
    added = (*client)->MemberAdd({PeerUrl(name)}, learner, driver::Millis(10000));
    return added.status();
  });
  if (!added.ok()) {
    (void)agent_->RemoveHost(name);
    return added.status();
  }
  Result<std::vector<driver::EtcdMember>> list = (*client)->MemberList(driver::Millis(3000));
  if (!list.ok()) return list.status();
  std::string initial_cluster;
  for (const auto& em : *list) {
    if (em.peer_urls.empty()) continue;
    std::string n = em.name.empty() ? (em.id == added->id ? name : "") : em.name;
    if (n.empty()) continue;   // another unstarted member: etcd would refuse to start anyway
    initial_cluster += (initial_cluster.empty() ? "" : ",") + n + "=" + em.peer_urls[0];
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    Member& m = members_[name];
    m.name = name;
    m.id = added->id;
    m.learner = learner;
    m.spec.etcd_binary = options_.etcd_binary;
    m.spec.name = name;
    m.spec.data_dir = paths_.DataDir(name);
    m.spec.initial_cluster = initial_cluster;
    m.spec.join_existing = true;
    m.spec.flags = options_.flags;
    m.client = std::make_shared<driver::EtcdClient>(ClientEndpoint(name));
    if (options_.slow_wal) {
      RL_RETURN_IF_ERROR(EnsureSlowWalMount(&m));
      m.spec.wal_dir = SlowWalDir(name);
    }
    journal_->Record("action", {{"name", "member_add"}, {"member", name}, {"learner", learner},
                                {"id", driver::IdToHex(added->id)}, {"via", via}});
    progress("starting etcd " + name + " with --initial-cluster-state existing");
    RL_RETURN_IF_ERROR(StartMember(&m));
    if (sampler_) sampler_->AddMember(name, MemberIp(name), kClientPort);
    Persist();
  }
  RL_RETURN_IF_ERROR(WaitUntilAnswering(name, 30000));
  (void)RecordMembership();
  return Status::Ok();
}

Status Lab::PromoteMember(const std::string& name, int timeout_ms, const Progress& progress) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!members_.at(name).learner) return FailedPrecondition(name + " is already a voter");
    id = members_.at(name).id;
  }
  const int64_t start = MonoNowNs();
  const int64_t deadline = start + static_cast<int64_t>(timeout_ms) * 1'000'000;
  int64_t next_report = start + 1'000'000'000;
  for (;;) {
    std::string via;
    Result<std::shared_ptr<driver::EtcdClient>> client = PickClient("", &via);
    if (!client.ok()) return client.status();
    Status s = (*client)->MemberPromote(id, driver::Millis(5000));
    if (s.ok()) {
      progress("promoted " + name + " to voter after " + std::to_string((MonoNowNs() - start) / 1'000'000) + " ms");
      if (journal_) journal_->Record("action", {{"name", "member_promote"}, {"member", name}, {"via", via}});
      (void)RecordMembership();
      return Status::Ok();
    }
    // etcd refuses until the learner's log is close to the leader's: that is a wait, not an error.
    if (s.message().find("in sync") == std::string::npos && s.message().find("not leader") == std::string::npos)
      return s;
    if (MonoNowNs() > deadline) return Timeout("learner " + name + " did not catch up within " + std::to_string(timeout_ms / 1000) + " s: " + s.message());
    if (MonoNowNs() > next_report) {
      progress("waiting for learner " + name + " to catch up (" + s.message() + ")");
      next_report += 1'000'000'000;
    }
    SleepMs(100);
  }
}

Status Lab::RemoveMember(const std::string& name, const Progress& progress) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  uint64_t id = 0;
  std::shared_ptr<driver::EtcdClient> client;
  std::string via;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = members_.at(name).id;
    if (id == 0) return FailedPrecondition("etcd id of " + name + " unknown");
    size_t voters = 0;
    for (const auto& [n, m] : members_) voters += m.learner ? 0 : 1;
    if (voters <= 1 && !members_.at(name).learner) return FailedPrecondition("cannot remove the last voter");
  }
  // Ask a member other than the one leaving (the leader when it is not the one leaving).
  for (const auto& v : StatusOfMembers()) {
    if (v.name == name || v.role == "down") continue;
    if (via.empty() || v.role == "leader") via = v.name;
  }
  if (via.empty()) return Unavailable("no other running member to send the removal to");
  {
    std::lock_guard<std::mutex> lock(mu_);
    client = members_.at(via).client;
  }
  progress("asking " + via + " to remove " + name + " (id " + driver::IdToHex(id) + ")");
  RL_RETURN_IF_ERROR(RetryWhileUnhealthy(progress, [&] { return client->MemberRemove(id, driver::Millis(10000)); }));
  if (journal_) journal_->Record("action", {{"name", "member_remove"}, {"member", name}, {"via", via}});
  // A removed member stops itself once it applies its removal; give it a moment, then stop it.
  const int64_t deadline = MonoNowNs() + 5'000'000'000LL;
  while (IsRunning(name) && MonoNowNs() < deadline) SleepMs(50);
  if (IsRunning(name)) RL_RETURN_IF_ERROR(StopMember(name, 5000));
  if (sampler_) sampler_->RemoveMember(name);
  {
    std::lock_guard<std::mutex> lock(mu_);
    Member& m = members_.at(name);
    if (m.slowfs_pid > 0) {
      agent_->Signal(m.slowfs_pid, SIGTERM);
      for (int i = 0; i < 100 && waitpid(m.slowfs_pid, nullptr, WNOHANG) == 0; ++i) SleepMs(20);
    }
    members_.erase(name);
    Persist();
  }
  RL_RETURN_IF_ERROR(agent_->RemoveHost(name));
  std::error_code ec;
  if (journal_) {
    // Its own log is evidence of the removal: keep it beside the journal.
    std::filesystem::path logs = std::filesystem::path(journal_->path()).parent_path() / "etcd";
    std::filesystem::create_directories(logs, ec);
    std::filesystem::copy_file(paths_.LogPath(name), logs / (name + ".log"), std::filesystem::copy_options::overwrite_existing, ec);
  }
  std::filesystem::remove_all(paths_.MemberDir(name), ec);
  progress("removed " + name + "; its host " + MemberNetns(name) + " is gone");
  (void)RecordMembership();
  return Status::Ok();
}

std::vector<Lab::MemberHash> Lab::HashKvAll(int64_t revision) {
  std::vector<std::pair<std::string, std::shared_ptr<driver::EtcdClient>>> running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, m] : members_) if (m.running) running.emplace_back(name, m.client);
  }
  std::vector<MemberHash> out;
  for (const auto& [name, client] : running) {
    MemberHash h;
    h.member = name;
    Result<driver::HashKvResult> r = client->HashKV(revision, driver::Millis(5000));
    if (r.ok()) {
      h.revision = revision != 0 ? revision : r->header.revision;
      h.hash = r->hash;
      h.compact_revision = r->compact_revision;
      if (journal_) journal_->Record("hashkv", {{"member", name}, {"revision", h.revision}, {"hash", h.hash},
                                                {"compact_revision", h.compact_revision}});
    } else {
      h.error = r.status().message();
    }
    out.push_back(h);
  }
  return out;
}

Result<std::string> Lab::TransferLeader(const std::string& target) {
  RL_RETURN_IF_ERROR(CheckMember(target));
  Result<std::string> leader = ResolveTarget("leader");
  if (!leader.ok()) return leader.status();
  if (*leader == target) return FailedPrecondition(target + " is already the leader");
  std::shared_ptr<driver::EtcdClient> client;
  uint64_t target_id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    client = members_.at(*leader).client;
    target_id = members_.at(target).id;
  }
  if (journal_) journal_->Record("action", {{"name", "transfer_leader"}, {"from", *leader}, {"to", target}});
  RL_RETURN_IF_ERROR(client->MoveLeader(target_id, driver::Millis(10000)));
  return *leader;
}

void Lab::Supervise() {
  while (!stop_supervisor_) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [name, m] : members_) {
        if (!m.running) continue;
        int status = 0;
        if (waitpid(m.pid, &status, WNOHANG) == m.pid) {
          m.running = false;
          m.last_exit = ExitDescription(status);
          if (journal_) journal_->Record("member", {{"member", name}, {"event", "exited"}, {"pid", m.pid},
                                                    {"status", m.last_exit}});
          Persist();
        }
      }
    }
    SleepMs(50);
  }
}

void Lab::Persist() {
  PublishMemberNames();   // every change of members_ is persisted, so the sampler sees it too
  Json doc = {{"state_dir", paths_.state_dir}, {"daemon_pid", getpid()}, {"up", up_}, {"members", Json::array()}};
  if (journal_) doc["journal"] = journal_->path();
  doc["flags"] = {{"heartbeat_ms", options_.flags.heartbeat_ms}, {"election_ms", options_.flags.election_ms},
                  {"pre_vote", options_.flags.pre_vote}, {"snapshot_count", options_.flags.snapshot_count}};
  for (const auto& [name, m] : members_)
    doc["members"].push_back({{"name", name}, {"id", driver::IdToHex(m.id)}, {"pid", m.pid},
                              {"running", m.running}, {"ip", MemberIp(name)}, {"data_dir", m.spec.data_dir}});
  (void)WriteJsonFileAtomic(paths_.StateFile(), doc);
}

}  // namespace raftlab::cluster
