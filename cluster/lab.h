// Lab: one etcd cluster in namespaces on this machine, owned by raftlabd.
//
// Up() builds the fabric and hosts through a HostAgent, starts one etcd member per host,
// waits for a leader, then starts the sampler and exporter; Down() stops everything and
// removes every namespace, link, mount and process the lab made (cluster/leftovers.h). The
// lab's state (members, pids, flags, journal) is persisted in <state_dir>/lab.json after each
// change so that the next Up or Down can clean up after a crash.
//
// Member processes are supervised: a thread reaps them and journals each exit.
// Thread-safe: every public method takes the lab's mutex (long waits poll without holding it).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/etcd_member.h"
#include "cluster/host_agent.h"
#include "cluster/topology.h"
#include "common/json_util.h"
#include "common/status.h"
#include "cluster/etcd_client.h"
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
  pid_t pid = 0;
  std::string error;
};

enum class WalPlacement { kUnchanged, kFast, kSlow };

// etcd timing flags a restart changes (0: keep the member's current value).
struct RestartTiming {
  uint32_t heartbeat_ms = 0;           // --heartbeat-interval
  uint32_t election_ms = 0;            // --election-timeout
};

struct MemberFiles {
  std::string data_dir, wal_dir, log_path;
};

class Lab {
 public:
  using Progress = std::function<void(const std::string&)>;

  Lab(LabPaths paths, std::unique_ptr<HostAgent> agent);
  ~Lab();

  Status Up(const UpOptions& options, const Progress& progress);
  // Returns one line per removed item.
  Result<std::vector<std::string>> Down();
  bool IsUp() const;

  std::vector<MemberView> StatusOfMembers();
  // Client operations, journaled as invoke + ok/fail/info under `client`'s id.
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
  std::vector<std::string> EnvLines() const;
  Result<MemberFiles> Files(const std::string& member) const;
  std::string JournalPath() const;
  // Each member's client endpoint (host:port), for scrapers such as the service's prometheus.
  struct MemberEndpoint {
    std::string name, client_endpoint;
  };
  std::vector<MemberEndpoint> ClientEndpoints() const;
  std::string ExporterAddress() const;

  // Process control, for the chaos layer and `restart`.
  Status SignalMember(const std::string& name, int signal);
  // SIGTERM, then SIGKILL after timeout_ms; returns once the supervisor saw it exit.
  Status StopMember(const std::string& name, int timeout_ms);
  // Stops the member if it runs, moves its WAL when `wal` asks, starts it again on the same
  // data (with `timing`'s flags when set, checked against etcd's limits before it stops) and
  // waits until it answers.
  Status RestartMember(const std::string& name, WalPlacement wal, const Progress& progress,
                       const RestartTiming& timing = {});
  // "n2" | "leader" | "a-follower": a member name, resolved now.
  Result<std::string> ResolveTarget(const std::string& spec);
  // The control file of the member's slowfs mount; FailedPrecondition when its WAL is on
  // the plain disk.
  Result<std::string> FsyncControlFile(const std::string& name) const;
  bool IsRunning(const std::string& name) const;
  // Directory holding raftlab-slowfs, raftlab-delayer (beside raftlabd).
  std::string ToolPath(const std::string& tool) const;

  // Membership, one member at a time through etcd's Cluster API (sent to the leader).
  // AddMember creates the host, asks the cluster to add it (as a learner or a voter), starts
  // etcd with --initial-cluster-state existing and waits until it answers.
  Status AddMember(const std::string& name, bool learner, const Progress& progress);
  // Retries while etcd says the learner is not yet in sync, up to timeout_ms.
  Status PromoteMember(const std::string& name, int timeout_ms, const Progress& progress);
  // Removes it from the cluster, waits for its process to exit, deletes its host.
  Status RemoveMember(const std::string& name, const Progress& progress);
  // Voters and learners per etcd's MemberList (names), journaled as a "membership" event.
  Result<Json> RecordMembership();

  // For the chaos and membership layers.
  HostAgent* agent() { return agent_.get(); }
  evidence::Journal* journal() { return journal_.get(); }
  evidence::Exporter* exporter() { return exporter_.get(); }
  const LabPaths& paths() const { return paths_; }
  std::vector<std::string> MemberNames() const;
  // NotFound naming the known members when `name` is not one of them.
  Status CheckMember(const std::string& name) const;

 private:
  struct Member {
    std::string name;
    uint64_t id = 0;
    pid_t pid = 0;
    bool running = false;
    bool learner = false;
    std::string last_exit;
    EtcdMemberSpec spec;
    pid_t slowfs_pid = 0;              // its WAL mount's server, when it has one
    std::shared_ptr<driver::EtcdClient> client;
  };

  Status StartMember(Member* m);
  // Mounts <member>/wal-slow (backed by <member>/wal-backing) with raftlab-slowfs.
  Status EnsureSlowWalMount(Member* m);
  std::string SlowWalMount(const std::string& name) const { return paths_.MemberDir(name) + "/wal-slow"; }
  // etcd creates its WAL dir as <dir>.tmp and renames it into place, so the WAL dir must be
  // inside the mount, not the mount point itself.
  std::string SlowWalDir(const std::string& name) const { return SlowWalMount(name) + "/wal"; }
  std::string CurrentWalDir(const Member& m) const;
  Status WaitUntilAnswering(const std::string& name, int timeout_ms);
  Status WaitForLeader(int timeout_ms, const Progress& progress);
  void RefreshMemberIds();
  std::map<uint64_t, std::string> NamesById() const;
  // The member named `via`, or the leader (else any running member) when `via` is empty.
  Result<std::shared_ptr<driver::EtcdClient>> PickClient(const std::string& via, std::string* name);
  void Supervise();
  void Persist();
  void RecordOp(const Json& invoke, const Status& status, Json ok_fields);

  LabPaths paths_;
  std::unique_ptr<HostAgent> agent_;
  mutable std::mutex mu_;
  bool up_ = false;
  UpOptions options_;
  std::map<std::string, Member> members_;
  std::unique_ptr<evidence::Journal> journal_;
  std::unique_ptr<evidence::Exporter> exporter_;
  // What the sampler's threads label peers with, published whole on every change of members_
  // so that they never take mu_ (declared before sampler_, which reads it, so it outlives it).
  evidence::MemberNames sampler_names_;
  // Journals every running member's HashKV at the lowest revision they all report.
  void FinalHashKv();
  void PublishMemberNames();   // caller holds mu_
  std::unique_ptr<evidence::Sampler> sampler_;
  Json last_membership_;                 // journaled again only when it changes
  std::atomic<bool> stop_supervisor_{false};
  std::thread supervisor_;
};

}  // namespace raftlab::cluster
