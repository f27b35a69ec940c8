// `raftlab check run RUN_DIR [--require SPEC] [--json]`: judge a run directory with every Raft
// checker and apply the requirement policy (verdict_policy.h).
//
// Loads the run (run_loader.h), runs the registry (checkers.h), writes RUN_DIR/verdicts.json
// (format in verdict_report.h) and prints the readable table (required verdicts, then the
// informative ones, each with its first evidence lines), or with --json the same document as
// the file. Which verdicts are required: --require SPEC ("durability:all,commit_quorum:5,..."),
// else the requirements the run's scenario recorded in RUN_DIR/result.json ("required"), else
// every checker whose verdict is not not_applicable.
// Exit codes (shared with `scenario run` and `lab`): 0 every required verdict ok with its
// minimum, 1 a property was violated, 2 bad input (usage, unknown checker, unreadable or
// malformed run, or verdicts.json not writable), 3 a required verdict unknown, not_applicable
// or below its minimum.
// Reads and writes files in RUN_DIR only; no other side effects. Thread-compatible.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace raftlab::evidence {

// `args` are the words after `raftlab check run`.
int RunCheckRun(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace raftlab::evidence
