// `raftlab check run RUN_DIR [--json]`: judge a run directory with every Raft checker.
//
// Loads the run (run_loader.h), runs the registry (checkers.h), writes RUN_DIR/verdicts.json
//   {"verdicts":[{"checker","property","validity","evidence":[...]}],"overall":"ok|violated|unknown"}
// and prints a readable summary (one line per checker: PASS, FAIL or UNKNOWN, its name and
// property, then its first evidence lines), or with --json the same document as the file.
// Exit codes: 0 all ok, 1 any violated, 2 bad input (usage, unreadable or malformed run, or
// verdicts.json not writable), 3 unknown but nothing violated.
// Reads and writes files in RUN_DIR only; no other side effects. Thread-compatible.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "evidence/run.h"

namespace raftlab::evidence {

// `args` are the words after `raftlab check run`: RUN_DIR and optionally --json (or --help).
int RunCheckRun(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The verdicts.json document for `verdicts`, pretty-printed, ending with a newline.
std::string VerdictsJson(const std::vector<Verdict>& verdicts);

// 0, 1 or 3 as above, from the merged validity of `verdicts`.
int ExitCodeFor(const std::vector<Verdict>& verdicts);

}  // namespace raftlab::evidence
