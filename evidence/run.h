// Run: everything the checkers judge, loaded from one run directory (journal.jsonl plus the
// decoded WALs in logs/). A Verdict is what one checker says about a Run.
//
// Checkers are pure functions `Verdict CheckX(const Run&)`: no clocks, files or sockets.
// Plain data, no thread-safety concerns.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "evidence/raft_log.h"
#include "evidence/snap_reader.h"
#include "evidence/wire_message.h"

namespace raftlab::evidence {

struct PeerProgress {
  uint64_t match = 0;
  uint64_t next = 0;
  std::string state;
};

// One successful poll of one member's raft.status (journal kind "sample", ok:true).
struct RaftSample {
  int64_t mono_ns = 0;
  std::string member;          // lab name, "n1"
  uint64_t id = 0;             // etcd member id
  uint64_t term = 0;
  uint64_t vote = 0;
  uint64_t commit = 0;
  uint64_t applied = 0;
  uint64_t lead = 0;
  std::string state;           // StateLeader, StateFollower, StateCandidate, StatePreCandidate
  std::map<uint64_t, PeerProgress> progress;   // leader only; includes itself
  // The /metrics reading that rode on this sample (journal "metrics", names without etcd's
  // etcd_server_/etcd_disk_/etcd_network_ prefix); empty on the samples that read none
  // (the sampler reads /metrics every ~500 ms, raft.status every ~50 ms).
  std::map<std::string, double> metrics;
};

enum class OpOutcome { kOk, kFail, kUnknown, kPending };

// A completion's journal phase ("ok", "fail", "info") as an outcome; false for anything else.
bool OutcomeFromPhase(const std::string& phase, OpOutcome* outcome);

// A client operation: its invoke joined with its completion (journal kind "op").
struct ClientOp {
  int64_t op_id = 0;
  int64_t client = 0;
  std::string f;               // put, get, delete
  std::string key;
  std::string value;           // written value (put) or read value (get, when found)
  bool found = false;          // get only
  bool serializable = false;
  std::string via;
  int64_t revision = 0;
  int64_t invoke_ns = 0;
  int64_t complete_ns = 0;     // 0 while pending
  OpOutcome outcome = OpOutcome::kPending;
  std::string error;
};

struct HashKvRecord {
  int64_t mono_ns = 0;
  std::string member;
  int64_t revision = 0;
  uint64_t hash = 0;
  int64_t compact_revision = 0;
};

struct MembershipRecord {
  int64_t mono_ns = 0;
  std::vector<std::string> voters;
  std::vector<std::string> learners;
};

struct Run {
  std::string dir;
  // The run's start (evidence/journal_start.h): the mono_ns every time shown to a user is
  // measured from. LoadRun sets it from the journal; 0 in a Run built in code (see TimeOrigin).
  int64_t start_ns = 0;
  std::vector<RaftSample> samples;               // in journal order
  std::vector<ClientOp> ops;                     // in invoke order
  std::vector<HashKvRecord> hashkvs;
  std::vector<MembershipRecord> memberships;     // in order; first is the initial config
  std::map<std::string, RaftLog> logs;           // member name -> decoded WAL
  std::map<uint64_t, std::string> member_names;  // etcd id -> lab name
  // member name -> its .snap files as the run captured them (logs/<member>.snap.jsonl); a member
  // with an empty list had none, a member missing here was not captured.
  std::map<std::string, std::vector<SnapFile>> snaps;
  // Members whose WAL the run failed to decode (journal "wal_capture", ok:false): the error.
  std::map<std::string, std::string> wal_errors;
  // Every raft message the lab fabric carried (RUN_DIR/messages.jsonl, wire_json.h), by capture
  // time; nullopt when the run has no messages.jsonl (it ran without --capture).
  std::optional<std::vector<WireMessage>> messages;
  // wall clock minus CLOCK_MONOTONIC (ns), from the journal lines' "wall" and "mono_ns": turns a
  // capture time (wall clock) into the journal's mono_ns. Millisecond precision (the journal's
  // wall has milliseconds); nullopt when no journal line carries a readable "wall".
  std::optional<int64_t> wall_minus_mono_ns;
};

// What a checker concluded (DESIGN.md §5):
//   kOk             it judged at least one real instance of the property and all of them held;
//   kViolated       an instance broke the property (the evidence shows which);
//   kUnknown        evidence was expected but is missing or undecidable (the evidence says which);
//   kNotApplicable  the run never did what the property speaks about (no membership change, no
//                   acknowledged write, ...). Neither unknown nor not_applicable is a pass.
enum class Validity { kOk, kViolated, kUnknown, kNotApplicable };
const char* ValidityName(Validity v);   // "ok", "violated", "unknown", "not_applicable"
// The inverse of ValidityName; false for anything else.
bool ParseValidity(const std::string& name, Validity* v);

struct Verdict {
  std::string checker;                 // "election_safety", ...
  std::string property;                // one line: the property judged
  Validity validity = Validity::kUnknown;   // ok must be earned: a checker sets it
  // How much real evidence was judged: `judged` instances (commit advances, acknowledged puts,
  // ConfChange entries, ...; `unit` names them) out of `of` that the run held (0: not counted).
  // ok requires judged >= 1; a scenario may require more (verdict_policy.h). The first
  // evidence line says the same in words ("judged 61 commit advances of ...").
  uint64_t judged = 0;
  uint64_t of = 0;
  std::string unit;
  std::vector<std::string> evidence;   // lines that justify the verdict either way
};

// Worst wins: violated > unknown > ok > not_applicable (a run's overall is not_applicable only
// when every verdict is).
Validity Merge(Validity a, Validity b);

}  // namespace raftlab::evidence
