// Loading a run directory (DESIGN.md §3) into a Run for the checkers.
//
// LoadRun reads RUN_DIR/journal.jsonl (evidence/journal_format.md) and every
// RUN_DIR/logs/<member>.wal.jsonl (evidence/raft_log_json.h), and every
// RUN_DIR/logs/<member>.snap.jsonl (evidence/snap_json.h) into Run::snaps, and
// RUN_DIR/messages.jsonl when present (wire_json.h) into Run::messages. From the journal it keeps:
// successful samples (hex ids parsed, their "metrics" too), client ops (an invoke joined with its completion by
// op_id), HashKV records, membership records, and the etcd id -> lab name map (from samples'
// "id", member events' "id" and membership "ids"), and the run's start instant (Run::start_ns,
// evidence/journal_start.h), and the wall-minus-monotonic offset of its lines' clocks
// (Run::wall_minus_mono_ns). Other kinds are skipped.
// Errors: NotFound when the journal is missing; InvalidArgument naming the file and line of a
// malformed journal line or log; Corruption when a log's entries are not contiguous.
// Reads files; otherwise pure. Thread-safe (no shared state).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "evidence/run.h"

namespace raftlab::evidence {

Result<Run> LoadRun(const std::string& run_dir);

// The journal part of LoadRun, from the text of journal.jsonl. Errors name "line N".
Result<Run> RunFromJournal(std::string_view jsonl);

}  // namespace raftlab::evidence
