// The linearizability checker as a Raft-run checker: the run's client history (journal "op"
// events) judged per key by the search in linearizability.h. Serializable reads are left out
// (etcd allows them to be stale by design). A step budget instead of a clock keeps it pure.
#include "evidence/checkers.h"
#include "evidence/history.h"
#include "evidence/linearizability.h"

namespace raftlab::evidence {

Verdict CheckLinearizable(const Run& run) {
  Verdict v;
  Result<History> history = HistoryFromClientOps(run.ops);
  if (!history.ok()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("client history not usable: " + history.status().message());
    return v;
  }
  if (history->ops.empty()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("no linearizable client operations in this run (nothing to judge)");
    return v;
  }
  LinOptions options;
  options.max_steps = 50'000'000;
  options.memory_budget_bytes = 1ULL << 30;
  Result<LinResult> result = CheckLinearizability(*history, options);
  if (!result.ok()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("linearizability search failed: " + result.status().message());
    return v;
  }
  Verdict judged = ToVerdict(*result);
  v.validity = judged.validity;
  v.evidence = judged.evidence;
  v.evidence.insert(v.evidence.begin(), std::to_string(history->ops.size()) + " operations judged (serializable reads excluded)");
  return v;
}

}  // namespace raftlab::evidence
