// `raftlab check history FILE [--format jsonl|jepsen|edn-kv] [--json] [--timeout S]`: reads a
// history file, checks it for linearizability (linearizability.h) and prints the verdict.
//
// Exit codes: 0 linearizable, 1 not linearizable, 2 bad input or usage, 3 unknown (a budget was
// exceeded). `--help` prints the usage on `out` and exits 0. Text output is a verdict line plus
// the evidence lines; with --json, one JSON object {"file", "format", "validity", "ops",
// "keys", "steps", "elapsed_ms", "peak_memory_bytes", "evidence": [...]}.
//
// This is the edge of the checker: it reads the file and the monotonic clock (std::chrono's
// steady_clock) and hands both to the pure core. No globals; safe to call from any thread.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace raftlab::evidence {

// `args` are the words after `check history`: FILE and the flags, in any order.
int RunCheckHistory(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The usage text printed by --help and on usage errors.
const char* CheckHistoryUsage();

}  // namespace raftlab::evidence
