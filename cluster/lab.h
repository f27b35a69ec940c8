// Lab: one etcd cluster whose members run on hosts reached only through HostAgents (the
// local agent's namespaces, or raftlab-agents elsewhere), owned by raftlabd.
//
// Up() always starts a fresh cluster: it sweeps what an earlier lab left on every agent it
// used or will use, removes (or, asked to, keeps aside) the earlier members' data, builds the
// hosts, starts one etcd per host, waits for a leader, then starts the sampler. Down() stops
// everything and removes what the lab made. lab.json (lab_state.h) is rewritten after each
// change so that the next Up or Down can clean up after a crash.
//
// One class, its methods in files of one job each:
//   lab_lifecycle.cc   Up (fresh every time), Down, the earlier lab's sweep
//   lab_processes.cc   member processes: start, signal, stop, restart, slow WAL, their exits
//   lab_membership.cc  add / promote / remove through etcd's Cluster API, RecordMembership
//   lab_client_ops.cc  Put, Get, HashKV, TransferLeader, journaled as invoke + ok/fail/info
//   lab_status.cc      StatusOfMembers, ResolveTarget, waits on raft.status, member lookups
//   lab_files.cc       a member's files seen from this machine: logs, captures for `wal dump`
//   lab_capture.cc     the wire capture on the fabric: start, stop, decode into the run folder
//   lab_state.cc       lab.json (LabStateFile), SaveFaults, ReadPersistedLabState
//   lab_agents.h       the agents, and the one consumer of their exit streams
//
// Thread-safety: every public method may be called from any thread. mu_ guards the member
// table, the session and the sampler; it is never held across an agent call, an RPC, a wait
// or file I/O (callers copy what they need, release it, then act). lifecycle_mu_ serialises
// the operations that change the set of members or their processes' placement (Up, Down,
// AddMember, RemoveMember, RestartMember) against each other; status, client operations,
// signals, the supervisor and the sampler never take it. The journal, exporter and sampler
// are handed out as shared_ptr snapshots, so Down ending a session never frees what a
// concurrent caller is using. The sampler reads member names from sampler_names_, never mu_.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/etcd_client.h"
#include "cluster/etcd_member.h"
#include "cluster/host_agent.h"
#include "cluster/lab_agents.h"
#include "cluster/lab_state.h"
#include "cluster/member_layout.h"
#include "cluster/topology.h"
#include "common/json_util.h"
#include "common/status.h"
#include "evidence/exporter.h"
#include "evidence/journal.h"
#include "evidence/sampler.h"

namespace raftlab::cluster {

struct UpOptions {
  int members = 3;
  EtcdFlags flags;
  int sample_interval_ms = 50;
  std::string journal_path;            // required
  std::string etcd_binary = "/usr/bin/etcd";
  std::string exporter_address = "127.0.0.1:9464";
  bool slow_wal = false;               // every member's WAL on its own slowfs mount (delay 0)
  int ready_timeout_ms = 60000;
  // The earlier lab's member data is moved to <agent root>/kept/<UTC time>/ instead of removed.
  bool keep_data = false;
  // Member name -> HOST:PORT of the raftlab-agent that runs it; the others run on the local agent.
  std::map<std::string, std::string> agents;
  std::string token_file;              // the agents' token; required with `agents`
  // raftlab-capture on the fabric from before the members start until Down, which puts
  // wire.pcap, capture.json and messages.jsonl beside the journal (lab_capture.cc).
  bool capture = false;
};

// What `status` shows for one member.
struct MemberView {
  std::string name;
  uint64_t id = 0;
  std::string role;                    // leader|follower|candidate|precandidate|learner|down
  uint64_t term = 0, commit = 0, applied = 0;
  std::string leader;                  // leader's name, "" if none
  std::map<std::string, evidence::PeerProgress> progress;   // leader only, by peer name
  uint64_t last_index = 0;   // leader only: its own last log index (its match in its own progress)
  bool healthy = false;
  bool learner = false;
  uint64_t process = 0;                // its etcd process as its agent numbers it (not a pid); 0 when down
  std::string address;                 // the IP it listens on
  std::string agent;                   // HostAgent::Describe() of its agent
  std::string error;
};

enum class WalPlacement { kUnchanged, kFast, kSlow };

// etcd timing flags a restart changes (0: keep the member's current value).
struct RestartTiming {
  uint32_t heartbeat_ms = 0;           // --heartbeat-interval
  uint32_t election_ms = 0;            // --election-timeout
};

struct MemberFiles {
  std::string data_dir, wal_dir, log_path, member_dir;
};

class Lab {
 public:
  using Progress = std::function<void(const std::string&)>;

  // `local_agent` serves every member not placed on a remote agent; `connector` reaches
  // raftlab-agents (none: `up --agent` is refused as Unsupported).
  Lab(LabPaths paths, std::unique_ptr<HostAgent> local_agent, AgentConnector connector = nullptr);
  ~Lab();

  // --- lifecycle (lab_lifecycle.cc)
  Status Up(const UpOptions& options, const Progress& progress);
  // Returns one line per removed item.
  Result<std::vector<std::string>> Down();
  bool IsUp() const;

  // --- status and lookups (lab_status.cc)
  std::vector<MemberView> StatusOfMembers();
  // "n2" | "leader" | "a-follower": a member name, resolved now.
  Result<std::string> ResolveTarget(const std::string& spec);
  std::vector<std::string> EnvLines() const;
  std::string JournalPath() const;
  // Each member's client endpoint (host:port), for scrapers such as the service's prometheus.
  struct MemberEndpoint {
    std::string name, client_endpoint;
  };
  std::vector<MemberEndpoint> ClientEndpoints() const;
  std::string ExporterAddress() const;
  std::vector<std::string> MemberNames() const;
  // NotFound naming the known members when `name` is not one of them.
  Status CheckMember(const std::string& name) const;
  bool IsRunning(const std::string& name) const;
  // The IP the member listens on and is reached at (its agent's HostIp); "" when unknown.
  std::string MemberAddress(const std::string& member) const;
  // The agent serving the member's host. For a member of a crashed earlier lab (not in this
  // one) the agent its lab.json recorded, else the local agent. Never null; valid for the
  // Lab's lifetime. May connect to a remote agent (an RPC): call it without locks held.
  HostAgent* AgentOf(const std::string& member);

  // --- client operations (lab_client_ops.cc), journaled as invoke + ok/fail/info under `client`'s id
  Result<driver::PutResult> Put(const std::string& key, const std::string& value, const std::string& via,
                                driver::Millis timeout, std::string* served_by, int64_t client = 0);
  Result<driver::GetResult> Get(const std::string& key, bool serializable, const std::string& via,
                                driver::Millis timeout, std::string* served_by, int64_t client = 0);
  struct MemberHash {
    std::string member;
    int64_t revision = 0, compact_revision = 0;
    uint32_t hash = 0;
    std::string error;
  };
  // HashKV of every running member at `revision` (0: latest), each journaled as "hashkv".
  std::vector<MemberHash> HashKvAll(int64_t revision);
  // MoveLeader to `target`; returns the old leader's name.
  Result<std::string> TransferLeader(const std::string& target);

  // --- member processes (lab_processes.cc), for the chaos layer and `restart`
  Status SignalMember(const std::string& name, int signal);
  // SIGTERM, then SIGKILL after timeout_ms; returns once the process exited.
  Status StopMember(const std::string& name, int timeout_ms);
  // Stops the member if it runs, moves its WAL when `wal` asks, starts it again on the same
  // data (with `timing`'s flags when set, checked against etcd's limits before it stops) and
  // waits until it answers.
  Status RestartMember(const std::string& name, WalPlacement wal, const Progress& progress,
                       const RestartTiming& timing = {});
  // The control file of the member's slowfs mount, a path on its host; FailedPrecondition when
  // its WAL is on the plain disk.
  Result<std::string> FsyncControlFile(const std::string& name) const;

  // --- membership (lab_membership.cc), one member at a time through etcd's Cluster API.
  // AddMember creates the host (on the local agent), asks the cluster to add it (as a learner
  // or a voter), starts etcd with --initial-cluster-state existing and waits until it answers.
  Status AddMember(const std::string& name, bool learner, const Progress& progress);
  // Retries while etcd says the learner is not yet in sync, up to timeout_ms.
  Status PromoteMember(const std::string& name, int timeout_ms, const Progress& progress);
  // Removes it from the cluster, waits for its process to exit, deletes its host.
  Status RemoveMember(const std::string& name, const Progress& progress);
  // Voters and learners per etcd's MemberList (names), journaled as a "membership" event.
  Result<Json> RecordMembership();

  // --- a member's files (lab_files.cc)
  // Paths on the member's host.
  Result<MemberFiles> Files(const std::string& member) const;
  // Paths on this machine: the member's own for a local member; for a member on a remote
  // agent, a fresh capture of its data dir, WAL and log under <state>/captures/<member>/.
  Result<MemberFiles> LocalFiles(const std::string& member);

  // --- persisted state (lab_state.cc)
  // Stores the active faults in lab.json under "faults", atomically with the rest of the state.
  void SaveFaults(const Json& faults);
  // lab.json as last written (null when there is none), e.g. a crashed lab's faults and agents.
  static Json ReadPersistedLabState(const LabPaths& paths);

  // --- evidence, for the chaos and membership layers: snapshots valid while held.
  std::shared_ptr<evidence::Journal> journal() const;
  std::shared_ptr<evidence::Exporter> exporter() const;
  // Journals one event when a session is open (no-op otherwise).
  void Record(const std::string& kind, Json fields) const;
  HostAgent* agent() { return agents_.local(); }   // the local agent
  const LabPaths& paths() const { return paths_; }

 private:
  // One session's evidence. The sampler (which holds raw pointers to both) keeps the
  // session alive through its deleter, so it always goes first.
  struct Session {
    std::unique_ptr<evidence::Exporter> exporter;
    std::unique_ptr<evidence::Journal> journal;
  };
  struct Member {
    std::string name;
    uint64_t id = 0;
    HostAgent* agent = nullptr;
    std::string agent_address;         // "" for the local agent
    std::string address;               // HostIp: client and peer URLs, the sampler
    MemberLayout layout;               // its files under its agent's root
    ProcessRef process;
    bool running = false;
    bool learner = false;
    std::string last_exit;
    EtcdMemberSpec spec;
    ProcessRef slowfs;                 // its WAL mount's server, when it has one
    std::shared_ptr<driver::EtcdClient> client;
  };
  struct PendingState {
    uint64_t version = 0;
    Json doc;
  };

  // lab_lifecycle.cc
  // Kills what an earlier lab left on each agent it or this Up uses and removes (or keeps
  // aside) its members' data.
  Status ClearEarlierLab(const std::map<std::string, HostAgent*>& placement, const std::string& token,
                       bool keep_data, const Progress& progress);
  Result<Member> PrepareMember(const std::string& name, HostAgent* agent, const std::string& agent_address,
                               const Progress& progress);
  // lab_capture.cc
  // Starts raftlab-capture and returns once it captures (not when a member is remote: says so).
  Status StartCapture(const std::map<std::string, HostAgent*>& placement, const Progress& progress);
  // Stops it; keeps the pcap, its counters and the decoded messages beside the journal and
  // journals the stop with the kernel's drop counters. No-op when not capturing.
  void StopCapture(const std::map<std::string, std::string>& names_by_ip, evidence::Journal* journal,
                   std::vector<std::string>* lines);
  // lab_processes.cc
  Status StartMember(const std::string& name);
  // Mounts the member's slow WAL store (idempotent).
  Status EnsureSlowWalMount(const std::string& name);
  // Marks the member whose process `ref` is on `agent` as exited (once) and journals it.
  void OnExit(HostAgent* agent, const ProcessRef& ref, const std::string& status);
  static std::string CurrentWalDir(const Member& m);
  // lab_status.cc
  Status WaitUntilAnswering(const std::string& name, int timeout_ms);
  Status WaitForLeader(int timeout_ms, const Progress& progress);
  std::map<uint64_t, std::string> NamesById() const;
  // lab_membership.cc
  void RefreshMemberIds();
  // lab_client_ops.cc
  // The member named `via`, or the leader (else any running voter) when `via` is empty.
  Result<std::shared_ptr<driver::EtcdClient>> PickClient(const std::string& via, std::string* name);
  // A client operation's start: the checks, the member that serves it and its invoke event,
  // journaled. `fields` holds what is particular to the operation (f, key, value...).
  struct StartedOp {
    std::shared_ptr<driver::EtcdClient> client;
    Json invoke;
  };
  Result<StartedOp> StartOp(const std::string& key, const std::string& via, int64_t client_id, Json fields,
                            std::string* served_by);
  void RecordOp(const Json& invoke, const Status& status, Json ok_fields);
  // Journals every running member's HashKV at the lowest revision they all report.
  void FinalHashKv();
  // lab_files.cc
  // Copies the member's etcd log beside the journal (<run>/etcd/<name>.log).
  void KeepLogBesideJournal(const Member& m, const std::string& journal_path);
  // The last lines of the member's etcd log, for error messages.
  std::string LogTail(const std::string& name, size_t lines);
  // lab_state.cc; the caller holds mu_ for SnapshotStateLocked, and not for SaveState.
  PendingState SnapshotStateLocked();
  void SaveState(const PendingState& state);
  void PublishMemberNamesLocked();
  std::shared_ptr<Session> CurrentSession() const;
  std::shared_ptr<evidence::Sampler> CurrentSampler() const;

  const LabPaths paths_;
  LabStateFile state_file_;
  std::mutex lifecycle_mu_;
  mutable std::mutex mu_;
  bool up_ = false;                      // under mu_, like everything below
  UpOptions options_;
  std::string token_;                    // the agents' token, read from options_.token_file
  std::map<std::string, Member> members_;
  std::shared_ptr<Session> session_;
  std::shared_ptr<evidence::Sampler> sampler_;
  ProcessRef capture_;                   // raftlab-capture on the local agent's fabric host
  Json last_membership_;                 // journaled again only when it changes
  Json faults_ = Json::array();          // the chaos layer's, saved in lab.json
  uint64_t state_version_ = 0;
  // What the sampler's threads label peers with, published whole on every change of members_
  // so that they never take mu_ (declared before anything that starts a sampler).
  evidence::MemberNames sampler_names_;
  // Last: its supervisor threads call OnExit, so it is destroyed (joined) first.
  LabAgents agents_;
};

}  // namespace raftlab::cluster
