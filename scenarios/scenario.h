// Scenarios: the catalogue's runs (DESIGN.md §4), each a short sequence of steps on one small
// API so that its source reads like its transcript.
//
// A ScenarioContext owns one run: it creates runs/<time>-<name>/ under the chosen directory,
// starts raftlabd when none answers, brings a lab up with the run's journal.jsonl, and offers
//   act     one control-plane RPC (raftlabd journals it; the context writes a transcript line),
//   await   poll a condition (Status/Get) until it holds or a deadline passes, with a progress
//           line every second — never a fixed sleep,
//   record  a "note" journal line and a transcript line,
//   expect  a fact with its numbers: a transcript line marked PASS or FAIL.
// Finish() decodes every member's WAL into logs/<member>.wal.jsonl, takes the lab down (which
// copies the members' logs to etcd/), runs every checker (verdicts.json), draws the panels,
// writes transcript.md and points runs/latest at the run. The destructor takes the lab down if
// Finish() was never reached (RAII: a failed or aborted scenario leaves nothing behind).
//
// Notes are appended to the journal by this process (O_APPEND, one write() per line) since the
// control plane has no RPC for free text; raftlabd appends to the same file the same way.
// Talks to raftlabd over its unix socket; reads WAL files; runs gnuplot (through the
// dashboards library). Not thread-safe: one scenario thread drives a context (the load
// generator, load.h, uses the stub, which is thread-safe, not the context).
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"
#include "common/strings.h"   // JoinNames, as scenarios name members
#include "driver/membership_table.h"
#include "evidence/raft_log.h"
#include "evidence/run.h"
#include "proto/raftlab.grpc.pb.h"

namespace raftlab::driver {
class DaemonClient;
}

namespace raftlab::scenarios {

struct ScenarioOptions {
  uint64_t seed = 1;
  int members = 0;                 // 0: the scenario's default
  std::string out_dir = ".";       // runs/ (and report/) go under it
  std::string state_dir;           // raftlabd's state directory
  std::string self_path;           // the raftlab binary (raftlabd is beside it)
  std::ostream* progress = nullptr;   // live lines (the transcript's, plus waits); may be null
  int64_t soak_ms = 0;             // the catalogue soak's length (0: its default, about a minute)
};

// How a scenario wants its lab.
struct LabSpec {
  std::string run_name;            // run folder suffix: "partition-5" ("" = the scenario's name)
  int members = 3;
  int heartbeat_ms = 100;
  int election_ms = 1000;
  bool pre_vote = false;
  bool slow_wal = false;           // every WAL on the lab's slowfs mount (up --slow-wal)
  int snapshot_count = 0;          // etcd --snapshot-count (0: etcd's default, 100000)
  bool capture = true;             // up --capture: wire.pcap and messages.jsonl in the run
  std::string required;            // this case's own verdict spec; "" = the scenario's `required`
};

struct CheckerSummary {
  std::string checker;
  std::string validity;            // ok, violated, unknown, not_applicable
  bool required = false;
  bool earned = false;             // required and ok with its minimum evidence
  uint64_t judged = 0, of = 0;
  std::string unit;
};

struct ScenarioResult {
  std::string name;
  std::string run_dir;             // absolute
  bool passed = false;
  // 0 passed; 1 a verdict violated, an expectation failed or the run stopped early; 3 a required
  // verdict not earned (verdict_policy.h; `check run` on the folder gives the same code).
  int exit_code = 1;
  std::string required;            // the requirement spec the verdicts were held to
  std::string policy;              // the policy's summary line
  int expectations = 0;
  int failed_expectations = 0;
  std::vector<CheckerSummary> verdicts;
  std::string overall;             // merged checker validity
  std::string error;               // why the scenario stopped early, "" when it ran through
  double wall_s = 0;
  Json facts = Json::object();     // key numbers the scenario chose to publish (result.json)
};

// What ScenarioContext::Restart changes besides the WAL's place (0: the member's current value).
struct RestartOptions {
  int heartbeat_ms = 0;            // etcd --heartbeat-interval
  int election_ms = 0;             // etcd --election-timeout
};

class ScenarioContext {
 public:
  // Brings the lab up for `name`. On failure nothing is left running.
  static Result<std::unique_ptr<ScenarioContext>> Start(const std::string& name, const LabSpec& lab,
                                                        const ScenarioOptions& options);
  ~ScenarioContext();
  ScenarioContext(const ScenarioContext&) = delete;
  ScenarioContext& operator=(const ScenarioContext&) = delete;

  v1::LabControl::Stub* stub();
  const std::string& run_dir() const { return run_dir_; }
  uint64_t seed() const { return options_.seed; }
  const ScenarioOptions& options() const { return options_; }
  std::mt19937_64& rng() { return rng_; }
  const LabSpec& lab() const { return lab_; }
  // Milliseconds since the lab came up.
  int64_t NowMs() const;
  // Key numbers for result.json and the report (e.g. facts["time_to_leader_ms"]).
  Json& facts() { return result_.facts; }

  // ---- act: one RPC each; a transcript line saying what was done and what came back.
  Result<v1::StatusReply> Status();                       // quiet: used by awaits
  Result<v1::PutReply> Put(const std::string& key, const std::string& value, const std::string& via,
                           int timeout_ms = 5000, int64_t client = 1);
  Result<v1::GetReply> Get(const std::string& key, const std::string& via, bool serializable,
                           int timeout_ms = 5000, int64_t client = 1, bool quiet = false);
  Result<v1::FaultInfo> Fault(const v1::FaultRequest& request);
  Result<v1::FaultList> Heal(const std::string& id);      // "" heals everything
  Result<v1::TransferLeaderReply> TransferLeader(const std::string& target);
  // Stops and starts `member` again; wal_dir "fast" or "slow" moves its WAL first; `options`
  // changes etcd's timing flags for it (0 keeps the member's current value).
  raftlab::Status Restart(const std::string& member, const std::string& wal_dir, const RestartOptions& options = {});
  raftlab::Status MemberChange(const std::string& op, const std::string& member, bool learner = false,
                               int timeout_ms = 30000);
  Result<driver::MembershipStep> Members();
  Result<v1::HashKvReply> HashKv(int64_t revision);
  // Decodes `member`'s WAL now and writes logs/<member>.wal.jsonl (Finish rewrites it for
  // members still present then; call this before removing a member).
  Result<evidence::RaftLog> CaptureWal(const std::string& member);

  // ---- await: polls `probe` (true = done; `detail` says what it saw) every poll_ms.
  // Returns the elapsed milliseconds, or Timeout naming `what` and the last detail.
  Result<int64_t> Await(const std::string& what, int deadline_ms,
                        const std::function<bool(std::string* detail)>& probe, int poll_ms = 100);
  // Await on Status(): `ok(reply, detail)`; returns the reply that satisfied it.
  Result<v1::StatusReply> AwaitStatus(const std::string& what, int deadline_ms,
                                      const std::function<bool(const v1::StatusReply&, std::string*)>& ok,
                                      int poll_ms = 100, int64_t* elapsed_ms = nullptr);
  // AwaitStatus until every running member names the same leader.
  Result<v1::StatusReply> AwaitAgreedLeader(int deadline_ms, int64_t* elapsed_ms = nullptr);

  // ---- record / expect
  void Section(const std::string& title);
  void Record(const std::string& text);
  // A fact: a PASS or FAIL transcript line (and journal note). Returns `holds`.
  bool Expect(bool holds, const std::string& fact);
  // Verbatim lines (a table, a WAL excerpt) as a block in the transcript.
  void Quote(const std::string& text);
  // A step the panels mark with a labelled vertical line (a journal note with "mark": label,
  // dashboards/journal_series.h), e.g. "stopgap" or "fix"; also a transcript line.
  void Mark(const std::string& label, const std::string& text);

  // The verdicts this run must earn (verdict_policy.h spec, e.g. "durability:all,commit_quorum:5").
  void Require(const std::string& spec) { required_ = spec; }

  // Decodes WALs, takes the lab down, judges, draws, writes transcript.md and result.json.
  // `aborted` is the error that stopped the scenario early (ok when it ran through).
  ScenarioResult Finish(const raftlab::Status& aborted);

 private:
  ScenarioContext(std::string name, LabSpec lab, ScenarioOptions options);
  raftlab::Status Up();
  raftlab::Status Down();
  void Line(const std::string& text);         // transcript + progress
  void Note(const std::string& text);         // journal note
  // Appends one line to the run's journal (O_APPEND, one write); nothing once the lab is down.
  void AppendJournal(const Json& line);
  std::string Stamp() const;
  // One extra entry so every member's WAL holds the last commit index (see scenario.cc); its
  // revision, once every running member applied it.
  std::optional<int64_t> WalFence();
  // HashKV of every member at `revision`, journaled for state machine safety, with a line.
  void FinalHashKv(int64_t revision);
  // Journals that `member`'s WAL could not be decoded (a WAL problem for the checkers).
  void NoteWalUndecoded(const std::string& member, const std::string& error);
  // Reads the run's capture.json after Down: its counts and drops into the transcript; null when not capturing.
  Json NoteCapture();
  // Judges the run under required_: verdicts.json, the transcript's verdict table, result_.
  void Judge();

  std::string name_;
  LabSpec lab_;
  ScenarioOptions options_;
  std::string run_dir_;
  std::string journal_path_;
  std::unique_ptr<driver::DaemonClient> daemon_;
  bool up_ = false;
  int64_t up_mono_ns_ = 0;
  int64_t start_mono_ns_ = 0;                 // this context's creation (the scenario's wall time)
  int64_t run_start_ns_ = 0;                  // the journal's run start: transcript stamps count from it
  std::mt19937_64 rng_;
  std::vector<std::string> transcript_;
  std::vector<std::string> known_members_;    // every member seen in a Status reply
  std::string required_;
  ScenarioResult result_;
};

// ---- helpers over a Status reply (pure).
// The member every running member names as leader, with its term; nullopt when they disagree
// or none has a leader.
struct LeaderView {
  std::string name;
  uint64_t term = 0;
};
std::optional<LeaderView> AgreedLeader(const v1::StatusReply& status);
const v1::MemberStatus* FindMember(const v1::StatusReply& status, const std::string& name);
// Names of members whose role is leader.
std::vector<std::string> Leaders(const v1::StatusReply& status);
// A transcript line's stamp, "+4.26s": seconds from the run's start (the journal's, read with
// evidence::ReadRunStartNs, the instant the panels and verdicts count from too) to `now_ns`.
std::string TranscriptStamp(int64_t run_start_ns, int64_t now_ns);

// ---- the catalogue
using ScenarioFn = std::function<raftlab::Status(ScenarioContext&)>;

struct ScenarioInfo {
  std::string name;
  std::string summary;
  // One run (and run folder) per case, e.g. partition: 5 members split 2/3, then 3 split 1/2.
  // --members N keeps the case with N members, or runs one case with N members.
  std::vector<LabSpec> cases;
  ScenarioFn run;
  // The verdicts every case must earn, with their minimum evidence (verdict_policy.h spec).
  std::string required;
};

// In the order `lab` runs them: replicate, election, leader-crash, partition, membership.
const std::vector<ScenarioInfo>& Catalogue();
const ScenarioInfo* FindScenario(const std::string& name);

// The cases `options.members` selects (all when 0).
std::vector<LabSpec> SelectCases(const ScenarioInfo& scenario, int members);

// Runs each selected case from start to Finish, one run folder each. A lab that cannot come
// up gives a failed result with `error` set.
std::vector<ScenarioResult> RunScenario(const ScenarioInfo& scenario, const ScenarioOptions& options);
ScenarioResult RunCase(const ScenarioInfo& scenario, const LabSpec& lab, const ScenarioOptions& options);

// One per scenario file.
raftlab::Status RunReplicate(ScenarioContext& ctx);
raftlab::Status RunElection(ScenarioContext& ctx);
raftlab::Status RunLeaderCrash(ScenarioContext& ctx);
raftlab::Status RunPartition(ScenarioContext& ctx);
raftlab::Status RunMembership(ScenarioContext& ctx);
raftlab::Status RunSlowDisk(ScenarioContext& ctx);
raftlab::Status RunSnapshot(ScenarioContext& ctx);
raftlab::Status RunPrevote(ScenarioContext& ctx);
raftlab::Status RunReads(ScenarioContext& ctx);
raftlab::Status RunSoak(ScenarioContext& ctx);          // soak.h: the catalogue's 60 s soak

}  // namespace raftlab::scenarios
