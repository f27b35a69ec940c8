// Linearizability checker: is there a total order of a history's operations, consistent with
// their real-time order, that the sequential model accepts?
//
// The history is split per key (models.h). Each key is first offered to the unique-value path
// (lin_unique_values.h): when every written value of the key is distinct it decides in
// polynomial time, or says why it cannot and hands the key on. The rest is searched with the
// Wing & Gong algorithm as improved by Lowe: the calls and returns form a doubly linked list in
// time order; the search repeatedly "lifts" a call that the model accepts out of the list
// (linearizing it), backtracks when it meets a return whose call is not yet linearized, and
// memoises every (set of linearized operations, model state) configuration it has explored, so
// none is explored twice. Sets are bitsets over the partition's operations in call order, stored
// compactly (the fully-linearized leading words are implied) and hashed incrementally.
// Operations that never returned sit at the end of the list and are accepted in any state; once
// every operation that did return is linearized, the rest is placed after them. Reads with an
// unknown result constrain nothing and are dropped before either path.
//
// Budgets: the search is bounded by time (through an injected monotonic clock: this code reads
// no clock itself), by the memory of its caches and optionally by a step count. Exceeding one
// yields Validity::kUnknown with the reason, never a hang or an out-of-memory.
//
// On a violation, the report names the path that found it and its evidence (the search: the
// deepest configuration it reached; the unique-value path: the operations of its certificate),
// then a minimal failing sub-history of the key (lin_shrink.h) unless shrink_violations is off.
//
// Pure and re-entrant: each call owns its state; concurrent calls on different histories are
// safe. The injected clock must be safe to call from the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "evidence/history.h"
#include "evidence/run.h"

namespace raftlab::evidence {

struct LinOptions {
  // Wall-time budget for the whole history, measured with now_ns.
  int64_t time_budget_ns = 60LL * 1000 * 1000 * 1000;
  // Monotonic clock in nanoseconds. Null: the time budget is not enforced.
  std::function<int64_t()> now_ns;
  // Upper bound on the search's cache and bookkeeping memory for one partition.
  uint64_t memory_budget_bytes = 2ULL << 30;
  // Upper bound on search steps for the whole history; 0 = unlimited (deterministic budget).
  uint64_t max_steps = 0;
  // Stop after the first partition found violated (the verdict cannot get better).
  bool stop_at_first_violation = true;
  // In a violation report, at most this many operations of the linearized sequence are listed
  // (the last ones); the rest is summarised.
  size_t max_report_ops = 40;
  // Offer each key to the polynomial unique-value path before the search.
  bool unique_value_path = true;
  // Shrink a violated key's operations to a minimal failing sub-history for the report, within
  // these budgets (time only with now_ns; steps are search steps summed over all tries).
  bool shrink_violations = true;
  int64_t shrink_time_budget_ns = 10LL * 1000 * 1000 * 1000;
  uint64_t shrink_max_steps = 20'000'000;
  size_t shrink_max_checks = 5000;
};

// Which path decided a key.
enum class LinPath { kUniqueValues, kSearch };
const char* LinPathName(LinPath p);   // "unique-value", "search"

struct PartitionResult {
  std::string key;
  size_t ops = 0;                 // operations searched (after dropping unknown reads)
  Validity validity = Validity::kOk;
  uint64_t steps = 0;             // search iterations
  uint64_t cache_entries = 0;     // memoised configurations
  uint64_t memory_bytes = 0;      // peak bytes of the caches
  size_t best_depth = 0;          // longest linearized sequence found
  LinPath path = LinPath::kSearch;
  std::string handover;           // search: why the unique-value path did not decide the key
  std::vector<std::string> report;   // violation or unknown explanation, readable lines
};

struct LinResult {
  Validity validity = Validity::kOk;
  std::string model;              // "register", "kv"
  size_t ops = 0;                 // operations in the history
  size_t dropped = 0;             // reads with unknown results, left out
  size_t partitions_total = 0;
  std::vector<PartitionResult> partitions;   // those searched, in order
  uint64_t steps = 0;
  uint64_t peak_memory_bytes = 0;
  size_t judged_ops = 0;          // operations of the keys decided (ok or violated)
  size_t keys_unique_path = 0;    // keys decided by the unique-value path
  size_t keys_search = 0;         // keys decided by the search
  // One-line summary, then the report of each violated (or else unknown) partition.
  std::vector<std::string> evidence;
};

// InvalidArgument when an operation does not fit the model, returns before its call, or never
// returned yet claims a known output.
Result<LinResult> CheckLinearizability(const History& history, const LinOptions& options = {});

// "decided 3 keys by the unique-value path, 0 by search".
std::string DescribePaths(const LinResult& result);

// The Verdict of checker "linearizable" for a result: judged = judged_ops of `of` operations.
Verdict ToVerdict(const LinResult& result, uint64_t of = 0);

}  // namespace raftlab::evidence
