// Lab lifecycle: Up gives a fresh cluster every time (also after a crashed raftlabd: the
// earlier lab's leftovers are swept on every agent and its member data removed or kept aside),
// Down stops everything and removes what the lab made.
#include <signal.h>
#include <time.h>

#include <set>

#include "cluster/agent_token.h"
#include "cluster/lab.h"
#include "common/clock.h"
#include "common/strings.h"
#include "common/subprocess.h"

namespace raftlab::cluster {
namespace {

// "20261202T001500Z": a folder name that sorts by time, in UTC whatever the machine's zone.
std::string UtcStamp() {
  time_t now = time(nullptr);
  struct tm tm {};
  gmtime_r(&now, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// " on agent 127.99.0.21:7070" for a remote agent, "" for the local one.
std::string OnAgent(HostAgent* agent, HostAgent* local) { return agent == local ? "" : " on " + agent->Describe(); }

}  // namespace

Lab::Lab(LabPaths paths, std::unique_ptr<HostAgent> local_agent, AgentConnector connector)
    : paths_(std::move(paths)),
      state_file_(paths_.StateFile()),
      agents_(std::move(local_agent), std::move(connector),
              [this](HostAgent* agent, const ProcessExit& e) { OnExit(agent, e.process, e.status); }) {}

Lab::~Lab() { agents_.StopSupervisors(); }

Status Lab::ClearEarlierLab(const std::map<std::string, HostAgent*>& placement, const std::string& token,
                            bool keep_data, const Progress& progress) {
  // Every agent this Up places a member on, every agent the earlier lab's state names, and
  // the local agent, each with a host name to address its files by.
  std::map<HostAgent*, std::string> hosts;
  for (const auto& [name, agent] : placement) hosts.emplace(agent, name);
  const Json earlier = ReadPersistedLabState(paths_);
  std::string earlier_token = PersistedToken(earlier);
  if (earlier_token.empty()) earlier_token = token;
  std::map<HostAgent*, std::vector<std::string>> earlier_members;
  for (const auto& [name, address] : PersistedAgents(earlier)) {
    Result<HostAgent*> agent = agents_.Get(address, earlier_token);
    if (!agent.ok()) {
      progress("cannot reach " + address + ", the agent of the earlier lab's " + name +
               ": what that lab left there stays (" + agent.status().message() + ")");
      continue;
    }
    hosts.emplace(*agent, name);
    earlier_members[*agent].push_back(name);
  }
  hosts.emplace(agents_.local(), MemberName(1));
  const std::string stamp = UtcStamp();
  for (const auto& [agent, host] : hosts) {
    const std::string where = OnAgent(agent, agents_.local());
    for (const auto& line : agent->RemoveLeftovers()) progress("cleaned up after an earlier lab" + where + ": " + line);
    const std::string dir = MembersDir(agent->RootDir());
    const std::string names = JoinNames(earlier_members[agent], ", ");
    if (keep_data) {
      const std::string kept = agent->RootDir() + "/kept/" + stamp;
      Status s = agent->MoveTree(host, dir, kept);
      if (!s.ok()) return Status(s.code(), "cannot keep the earlier lab's member data aside" + where + ": " + s.message());
      progress("kept the earlier lab's member data" + (names.empty() ? "" : " (" + names + ")") + where + " at " + kept +
               "; the new cluster starts empty");
    } else {
      Status s = agent->RemoveTree(host, dir);
      if (!s.ok()) return Status(s.code(), "cannot remove the earlier lab's member data " + dir + where + ": " + s.message());
      if (!names.empty()) progress("removed the earlier lab's member data (" + names + ")" + where);
    }
  }
  return Status::Ok();
}

Result<Lab::Member> Lab::PrepareMember(const std::string& name, HostAgent* agent, const std::string& agent_address,
                                       const Progress& progress) {
  RL_RETURN_IF_ERROR(agent->CreateHost(name));
  Result<std::string> ip = agent->HostIp(name);
  if (!ip.ok()) return ip.status();
  progress("host " + name + " at " + *ip + OnAgent(agent, agents_.local()));
  Member m;
  m.name = name;
  m.agent = agent;
  m.agent_address = agent_address;
  m.address = *ip;
  m.layout = {agent->RootDir(), name};
  m.spec.etcd_binary = options_.etcd_binary;
  m.spec.name = name;
  m.spec.address = *ip;
  m.spec.data_dir = m.layout.DataDir();
  m.spec.flags = options_.flags;
  m.client = std::make_shared<driver::EtcdClient>(ClientEndpointAt(*ip));
  return m;
}

Status Lab::Up(const UpOptions& options, const Progress& progress) {
  std::lock_guard<std::mutex> change(lifecycle_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (up_) return AlreadyExists("a lab is already up (" + std::to_string(members_.size()) +
                                  " members): run `raftlab down` first");
  }
  if (options.members < 1 || options.members > kMaxMembers)
    return InvalidArgument("--members must be between 1 and " + std::to_string(kMaxMembers));
  if (std::string why = ValidateEtcdFlags(options.flags); !why.empty()) return InvalidArgument(why);
  if (options.journal_path.empty()) return InvalidArgument("no journal path");
  for (const auto& [name, address] : options.agents) {
    const int ordinal = MemberOrdinal(name);
    if (ordinal == 0 || ordinal > options.members)
      return InvalidArgument("--agent " + name + "=" + address + ": the lab's members are n1..n" +
                             std::to_string(options.members));
    if (address.empty()) return InvalidArgument("--agent " + name + "= needs HOST:PORT");
  }
  if (static_cast<int>(options.agents.size()) < options.members && !IsExecutable(options.etcd_binary))
    return FailedPrecondition("etcd binary not found at " + options.etcd_binary +
                              ": install Debian's etcd-server (scripts/setup.sh does) or pass --etcd PATH");
  std::string token;
  if (!options.agents.empty()) {
    if (options.token_file.empty()) return InvalidArgument("--agent needs --token-file FILE (the agents' token)");
    Result<std::string> t = ReadTokenFile(options.token_file);
    if (!t.ok()) return t.status();
    token = *t;
  }
  std::map<std::string, HostAgent*> placement;
  for (int i = 1; i <= options.members; ++i) {
    const std::string name = MemberName(i);
    const std::string address = options.agents.count(name) ? options.agents.at(name) : "";
    Result<HostAgent*> agent = agents_.Get(address, token);
    if (!agent.ok()) return Status(agent.status().code(), "member " + name + ": " + agent.status().message());
    placement[name] = *agent;
  }
  // A crashed earlier lab may have left processes, namespaces, mounts and its data: clear them.
  RL_RETURN_IF_ERROR(ClearEarlierLab(placement, token, options.keep_data, progress));

  Result<std::unique_ptr<evidence::Exporter>> exporter = evidence::Exporter::Start(options.exporter_address);
  if (!exporter.ok()) return exporter.status();
  Result<std::unique_ptr<evidence::Journal>> journal = evidence::Journal::Open(options.journal_path);
  if (!journal.ok()) return journal.status();
  auto session = std::make_shared<Session>();
  session->exporter = std::move(*exporter);
  session->journal = std::move(*journal);
  {
    std::lock_guard<std::mutex> lock(mu_);
    options_ = options;
    token_ = token;
    session_ = session;
    faults_ = Json::array();
    last_membership_ = Json();
  }
  Record("session", {{"event", "start"}, {"members", options.members},
                     {"flags", {{"heartbeat_ms", options.flags.heartbeat_ms},
                                {"election_ms", options.flags.election_ms},
                                {"pre_vote", options.flags.pre_vote},
                                {"snapshot_count", options.flags.snapshot_count},
                                {"sample_interval_ms", options.sample_interval_ms}}}});

  std::set<HostAgent*> used;
  for (const auto& [name, agent] : placement) used.insert(agent);
  auto fail = [&](const Status& s) {
    Record("action", {{"name", "up"}, {"ok", false}, {"error", s.ToString()}});
    std::map<std::string, Member> made;
    uint64_t version = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      made.swap(members_);
      up_ = false;
      capture_ = {};   // RemoveLeftovers below ends it
      version = ++state_version_;
    }
    for (auto& [name, m] : made)
      if (m.running) (void)m.agent->Signal(m.process, SIGKILL);
    for (HostAgent* agent : used) {
      (void)agent->RemoveLeftovers();
      for (const auto& [name, a] : placement)
        if (a == agent) (void)agent->RemoveTree(name, MembersDir(agent->RootDir()));
    }
    state_file_.Remove(version);
    std::lock_guard<std::mutex> lock(mu_);
    session_.reset();
    return s;
  };

  for (HostAgent* agent : used) {
    progress(agent == agents_.local()
                 ? "creating the lab network (namespace " + std::string(kBridgeNetns) + ", bridge " + kBridge +
                       ", uplink " + kUplink + ")"
                 : "preparing " + agent->Describe());
    if (Status s = agent->CreateFabric(); !s.ok()) return fail(s);
  }
  if (options.capture) {
    if (Status s = StartCapture(placement, progress); !s.ok()) return fail(s);
  }
  std::map<std::string, Member> fresh;
  for (const auto& [name, agent] : placement) {
    Result<Member> m = PrepareMember(name, agent, agents_.AddressOf(agent), progress);
    if (!m.ok()) return fail(m.status());
    fresh[name] = std::move(*m);
  }
  std::string initial_cluster;
  for (const auto& [name, m] : fresh) initial_cluster += (initial_cluster.empty() ? "" : ",") + name + "=" + PeerUrlAt(m.address);
  PendingState state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, m] : fresh) m.spec.initial_cluster = initial_cluster;
    members_ = std::move(fresh);
    state = SnapshotStateLocked();
  }
  SaveState(state);
  for (const auto& [name, agent] : placement) {
    if (options.slow_wal) {
      progress("mounting " + name + "'s WAL dir on raftlab-slowfs (fsync delay 0)");
      if (Status s = EnsureSlowWalMount(name); !s.ok()) return fail(s);
      std::lock_guard<std::mutex> lock(mu_);
      Member& m = members_.at(name);
      m.spec.wal_dir = m.layout.SlowWalDir();
    }
    progress("starting etcd " + name + " (" + ClientUrlAt(MemberAddress(name)) + ")");
    if (Status s = StartMember(name); !s.ok()) return fail(s);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    up_ = true;
    state = SnapshotStateLocked();
  }
  SaveState(state);
  Status ready = WaitForLeader(options.ready_timeout_ms, progress);
  // Ids and the initial configuration come from etcd's own member list, journaled.
  if (ready.ok()) ready = RecordMembership().status();
  if (!ready.ok()) return fail(ready);

  evidence::SamplerOptions so;
  so.interval_ms = options.sample_interval_ms;
  // The deleter holds the session: the sampler's journal and exporter outlive it.
  std::shared_ptr<evidence::Sampler> sampler(
      new evidence::Sampler(session->journal.get(), session->exporter.get(), so, &sampler_names_),
      [session](evidence::Sampler* s) { delete s; });
  for (const auto& [name, agent] : placement) sampler->AddMember(name, MemberAddress(name), kClientPort);
  {
    std::lock_guard<std::mutex> lock(mu_);
    sampler_ = sampler;
    state = SnapshotStateLocked();
  }
  Record("action", {{"name", "up"}, {"ok", true}, {"members", options.members}});
  SaveState(state);
  return Status::Ok();
}

Result<std::vector<std::string>> Lab::Down() {
  std::lock_guard<std::mutex> change(lifecycle_mu_);
  std::shared_ptr<Session> session = CurrentSession();
  // The last evidence of a session: every member's HashKV at one revision, so that state
  // machine safety compares the applied stores of a hand session too.
  if (session) FinalHashKv();
  std::shared_ptr<evidence::Sampler> sampler;
  std::map<std::string, Member> members;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sampler = std::move(sampler_);
    sampler_.reset();
    up_ = false;
    members = members_;
    // Down's kills are not crashes: the supervisor does not journal them as exits.
    for (auto& [name, m] : members_) m.running = false;
  }
  if (sampler) sampler->StopAll();   // joins its threads; a caller's snapshot keeps it, idle
  std::vector<std::string> removed;
  for (auto& [name, m] : members)
    if (m.running) (void)m.agent->Signal(m.process, SIGKILL);
  for (auto& [name, m] : members) {
    if (!m.running) continue;
    Result<std::string> ended = m.agent->WaitExit(m.process, 10000);
    removed.push_back("stopped etcd " + name + " (process " + std::to_string(m.process.id) + OnAgent(m.agent, agents_.local()) +
                      (ended.ok() ? ", " + *ended : ", " + ended.status().message()) + ")");
  }
  // The capture outlives the members so that their last messages are in it.
  {
    std::map<std::string, std::string> names_by_ip;
    for (const auto& [name, m] : members) names_by_ip[m.address] = name;
    StopCapture(names_by_ip, session ? session->journal.get() : nullptr, &removed);
  }
  // Keep each member's own log beside the journal: it is evidence, the lab's state is not.
  if (session) {
    for (const auto& [name, m] : members) KeepLogBesideJournal(m, session->journal->path());
    session->journal->Record("action", {{"name", "down"}, {"ok", true}});
    session->journal->Record("session", {{"event", "end"}});
  }
  for (auto& [name, m] : members) {
    if (!m.slowfs.valid()) continue;
    Status s = m.agent->UnmountSlowStore(name, m.layout.SlowWal(), m.slowfs);
    removed.push_back(s.ok() ? "unmounted " + m.layout.SlowWal().mount + " (raftlab-slowfs)" : s.message());
  }
  // Then whatever else the lab (or an earlier one) made, on every agent it reached.
  std::map<HostAgent*, std::string> hosts;
  for (const auto& [name, m] : members) hosts.emplace(m.agent, name);
  hosts.emplace(agents_.local(), MemberName(1));
  for (const auto& [agent, host] : hosts) {
    for (const auto& line : agent->RemoveLeftovers()) removed.push_back(line + OnAgent(agent, agents_.local()));
    if (Status s = agent->RemoveTree(host, MembersDir(agent->RootDir())); !s.ok()) removed.push_back(s.message());
  }
  uint64_t version = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    members_.clear();
    last_membership_ = Json();
    faults_ = Json::array();
    session_.reset();
    version = ++state_version_;
    PublishMemberNamesLocked();
  }
  state_file_.Remove(version);
  return removed;
}

}  // namespace raftlab::cluster
