// Lab member processes: start, signal, stop and restart etcd through the member's agent,
// the slow WAL store and the WAL moves between it and fast storage, and each process exit as
// the agents' supervisors report it (LabAgents is the only reader of the exit streams).
#include <signal.h>

#include "cluster/lab.h"

namespace raftlab::cluster {

std::string Lab::CurrentWalDir(const Member& m) {
  return m.spec.wal_dir.empty() ? m.layout.FastWalDir() : m.spec.wal_dir;
}

Status Lab::StartMember(const std::string& name) {
  HostAgent* agent = nullptr;
  EtcdMemberSpec spec;
  MemberLayout layout;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Member& m = members_.at(name);
    agent = m.agent;
    spec = m.spec;
    layout = m.layout;
  }
  RL_RETURN_IF_ERROR(agent->MakeDirs(name, layout.Dir()));
  const std::vector<std::string> argv = EtcdArgv(spec);
  Result<ProcessRef> started = agent->StartOnHost(name, argv, layout.LogPath());
  if (!started.ok()) return started.status();
  PendingState state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Member& m = members_.at(name);
    m.process = *started;
    m.running = true;
    m.last_exit.clear();
    state = SnapshotStateLocked();
  }
  Record("member", {{"member", name}, {"event", "started"}, {"process", started->id}, {"argv", argv}});
  SaveState(state);
  // An exit the supervisor saw before the member table knew the process.
  if (Result<std::string> ended = agent->WaitExit(*started, 0); ended.ok()) OnExit(agent, *started, *ended);
  return Status::Ok();
}

void Lab::OnExit(HostAgent* agent, const ProcessRef& ref, const std::string& status) {
  std::string name;
  PendingState state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [n, m] : members_) {
      if (m.agent != agent) continue;
      if (m.slowfs == ref) m.slowfs = {};   // its WAL mount is gone; the next mount starts anew
      if (m.running && m.process == ref) {
        m.running = false;
        m.last_exit = status;
        name = n;
      }
    }
    if (name.empty()) return;   // a helper's exit, or a member Down or Stop already accounted for
    state = SnapshotStateLocked();
  }
  Record("member", {{"member", name}, {"event", "exited"}, {"process", ref.id}, {"status", status}});
  SaveState(state);
}

bool Lab::IsRunning(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = members_.find(name);
  return it != members_.end() && it->second.running;
}

Status Lab::SignalMember(const std::string& name, int signal) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  HostAgent* agent = nullptr;
  ProcessRef process;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Member& m = members_.at(name);
    if (!m.running) return FailedPrecondition("member " + name + " is down (" + m.last_exit + ")");
    agent = m.agent;
    process = m.process;
  }
  return agent->Signal(process, signal);
}

Status Lab::StopMember(const std::string& name, int timeout_ms) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  HostAgent* agent = nullptr;
  ProcessRef process;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Member& m = members_.at(name);
    if (!m.running) return Status::Ok();
    agent = m.agent;
    process = m.process;
  }
  (void)agent->Signal(process, SIGCONT);   // a paused member cannot act on SIGTERM
  (void)agent->Signal(process, SIGTERM);   // fails only when it has exited already
  Result<std::string> ended = agent->WaitExit(process, timeout_ms);
  if (ended.status().code() == Code::kTimeout) {
    (void)agent->Signal(process, SIGKILL);
    ended = agent->WaitExit(process, 10000);
  }
  if (!ended.ok()) return Status(ended.status().code(), "etcd " + name + " did not exit: " + ended.status().message());
  OnExit(agent, process, *ended);
  return Status::Ok();
}

Status Lab::EnsureSlowWalMount(const std::string& name) {
  HostAgent* agent = nullptr;
  SlowStore store;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Member& m = members_.at(name);
    if (m.slowfs.valid()) return Status::Ok();
    agent = m.agent;
    store = m.layout.SlowWal();
  }
  Result<ProcessRef> server = agent->MountSlowStore(name, store);
  if (!server.ok()) return server.status();
  std::lock_guard<std::mutex> lock(mu_);
  members_.at(name).slowfs = *server;
  return Status::Ok();
}

Result<std::string> Lab::FsyncControlFile(const std::string& name) const {
  RL_RETURN_IF_ERROR(CheckMember(name));
  std::lock_guard<std::mutex> lock(mu_);
  const Member& m = members_.at(name);
  if (!m.slowfs.valid() || m.spec.wal_dir != m.layout.SlowWalDir())
    return FailedPrecondition("member " + name + "'s WAL is on the plain disk: bring the lab up with --slow-wal, or "
                              "`raftlab restart " + name + " --wal-dir slow` first");
  return m.layout.SlowWal().control_file;
}

Status Lab::RestartMember(const std::string& name, WalPlacement wal, const Progress& progress,
                          const RestartTiming& timing) {
  RL_RETURN_IF_ERROR(CheckMember(name));
  std::lock_guard<std::mutex> change(lifecycle_mu_);
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
  HostAgent* agent = nullptr;
  MemberLayout layout;
  std::string before, wal_dir;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Member& m = members_.at(name);
    agent = m.agent;
    layout = m.layout;
    before = CurrentWalDir(m);
    wal_dir = m.spec.wal_dir;
  }
  if (wal == WalPlacement::kSlow && wal_dir != layout.SlowWalDir()) {
    RL_RETURN_IF_ERROR(EnsureSlowWalMount(name));
    progress("moving " + name + "'s WAL from " + before + " to the slowfs mount " + layout.SlowWalDir());
    RL_RETURN_IF_ERROR(agent->MoveTree(name, before, layout.SlowWalDir()));
    wal_dir = layout.SlowWalDir();
  } else if (wal == WalPlacement::kFast && !wal_dir.empty()) {
    progress("moving " + name + "'s WAL from " + before + " to fast storage " + layout.FastWalDir());
    RL_RETURN_IF_ERROR(agent->MoveTree(name, before, layout.FastWalDir()));
    wal_dir.clear();
  }
  std::string now_in;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Member& m = members_.at(name);
    m.spec.wal_dir = wal_dir;
    m.spec.flags = flags;
    now_in = CurrentWalDir(m);
  }
  Record("action", {{"name", "restart"}, {"member", name}, {"wal_dir", now_in},
                    {"heartbeat_ms", flags.heartbeat_ms}, {"election_ms", flags.election_ms}});
  progress("starting etcd " + name + " (WAL in " + now_in + ", --heartbeat-interval " +
           std::to_string(flags.heartbeat_ms) + " --election-timeout " + std::to_string(flags.election_ms) + ")");
  RL_RETURN_IF_ERROR(StartMember(name));
  Status answering = WaitUntilAnswering(name, 20000);
  if (answering.code() == Code::kTimeout && IsRunning(name)) {
    // etcd serves clients only after it has reached a quorum; a restarted member that is
    // still partitioned is running but silent, which is what the user asked for.
    progress("etcd " + name + " is running but not serving clients yet: a member serves only once it reaches a quorum");
    return Status::Ok();
  }
  return answering;
}

}  // namespace raftlab::cluster
