// The Raft checkers and their registry.
//
// Each checker is a pure function `Verdict CheckX(const Run&)` (no clocks, files or sockets)
// that judges one property of Raft over a loaded run (run_loader.h) and returns ok, violated or
// unknown or not_applicable (run.h) with the evidence lines that justify the answer either way. Times in evidence are
// seconds since the run's first sample. One file per checker: evidence/check_<name>.cc.
//
// RunAllCheckers runs every registered checker in registry order. The registry is a constant
// table in checkers.cc; the linearizability checker plugs in there (see the marked line).
// Everything here is thread-safe: no shared mutable state.
#pragma once

#include <string>
#include <vector>

#include "evidence/run.h"

namespace raftlab::evidence {

// At most one leader per term, over every sample (a leader's own state and followers' `lead`)
// and no member voting twice in one term in its WAL hard states.
Verdict CheckElectionSafety(const Run& run);

// Each member's term never decreases across its samples (restarts included) nor across its
// WAL hard states.
Verdict CheckTermMonotonic(const Run& run);

// A leader's commit index advances (every sampled advance, the first of each term included)
// only to an index that a quorum of the voters in force there holds (voter_config.h; learners
// never count), and only to an entry of the leader's term; earlier-term entries committed under
// it are reported as indirect commits.
Verdict CheckCommitQuorum(const Run& run);

// Equal (index, term) in two members' logs implies equal entries and equal prefixes.
Verdict CheckLogMatching(const Run& run);

// No two members hold different committed entries at one index; HashKV equal per revision.
Verdict CheckStateMachineSafety(const Run& run);

// Every acknowledged put is in every member's committed log at the end, and no member
// overwrote an entry at or below a commit index it had reported.
Verdict CheckDurability(const Run& run);

// The members' own WALs applied one ConfChange sequence (identical everywhere, at most one voter
// moved per change, never two pending), every .snap ConfState equals the configuration at its
// index, and the lab's membership records keep old and new majorities overlapping.
Verdict CheckMembership(const Run& run);
Verdict CheckLinearizable(const Run& run);

// The message-level checkers, over Run::messages (messages.jsonl; unknown without it). Each file
// says exactly what it judges (evidence/check_msg_<name>.cc):
// every commit a leader announces on the wire is covered by a quorum of the acknowledgements it
// can have received, on an entry of its term or below one;
Verdict CheckMsgCommitRule(const Run& run);
// one granted vote per voter per term, and a quorum of grants behind every leader;
Verdict CheckMsgVotes(const Run& run);
// pre-votes never move a receiver's term, and a rejected pre-candidate never campaigns;
Verdict CheckMsgPreVote(const Run& run);
// every MsgSnap's ConfState is the configuration in force at its index;
Verdict CheckMsgSnapshotConf(const Run& run);
// evidence only: the commits that needed the leader's own copy, and whether it was fsynced.
Verdict CheckMsgDurableCopies(const Run& run);

using CheckerFn = Verdict (*)(const Run&);

struct CheckerInfo {
  const char* name;       // "election_safety": the verdict's `checker`
  const char* property;   // one line: what is judged
  CheckerFn fn;
  // Whether `check run` requires it when neither --require nor the run's scenario names the
  // requirements (verdict_report.h DefaultRequirements). The message-level checkers are not:
  // they are informative until the scenarios name them (a violation still fails a run).
  bool required_by_default = true;
};

// Every checker, in the order RunAllCheckers runs them.
const std::vector<CheckerInfo>& AllCheckers();
// Their names, in the same order (what a requirement spec may name).
std::vector<std::string> CheckerNames();

// Runs `checkers` on `run`; each verdict's checker and property are set from the registry.
// An ok that judged nothing (judged == 0) is turned into unknown, whatever the checker said.
std::vector<Verdict> RunCheckers(const Run& run, const std::vector<CheckerInfo>& checkers);

// RunCheckers(run, AllCheckers()).
std::vector<Verdict> RunAllCheckers(const Run& run);

// Worst of all verdicts (violated > unknown > ok > not_applicable); not_applicable for none.
Validity Overall(const std::vector<Verdict>& verdicts);

}  // namespace raftlab::evidence
