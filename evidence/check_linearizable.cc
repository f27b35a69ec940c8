// The linearizability checker as a Raft-run checker: the run's client history (journal "op"
// events) judged per key by linearizability.h (the unique-value path, then the search).
// Serializable reads are left out (etcd allows them to be stale by design). A step budget
// instead of a clock keeps it pure.
//
// What counts: judged = the operations of the keys decided, unit "operations", of = the
// operations of the history. Verdicts:
//   not_applicable  no client operations at all; or a history too thin to test anything: no
//                   key has both a write (put or delete, whatever its outcome) and a read that
//                   returned (a key only written, or only read, accepts every order, so no
//                   history of such keys can be refuted);
//   unknown         the journal's ops cannot be made a history, or the search budget ran out
//                   (the evidence says which key and which budget);
//   ok / violated   as the checker decided; on a violation the evidence lists a minimal failing
//                   sub-history of the failing key.
#include <map>

#include "evidence/checkers.h"
#include "evidence/history.h"
#include "evidence/linearizability.h"

namespace raftlab::evidence {
namespace {

bool IsWrite(const Operation& op) {
  return op.input.kind == OpKind::kPut || op.input.kind == OpKind::kDelete;
}
bool IsReturnedRead(const Operation& op) {
  return op.input.kind == OpKind::kGet && op.ret.has_value() && op.output.known;
}

// Keys with at least one write and one returned read: the ones a check could refute.
size_t TestableKeys(const History& h) {
  std::map<std::string, std::pair<bool, bool>> seen;   // key -> (written, read)
  for (const Operation& op : h.ops) {
    auto& [w, r] = seen[op.input.key];
    w = w || IsWrite(op);
    r = r || IsReturnedRead(op);
  }
  size_t n = 0;
  for (const auto& [key, wr] : seen) n += wr.first && wr.second;
  return n;
}

size_t CountKeys(const History& h) {
  std::map<std::string, bool> keys;
  for (const Operation& op : h.ops) keys[op.input.key] = true;
  return keys.size();
}

}  // namespace

Verdict CheckLinearizable(const Run& run) {
  Verdict v;
  v.checker = "linearizable";
  v.property = "the client history is linearizable (per key, kv model)";
  v.unit = "operations";
  if (run.ops.empty()) {
    v.validity = Validity::kNotApplicable;
    v.evidence.push_back("judged 0 operations: no client operations in this run");
    return v;
  }
  Result<History> history = HistoryFromClientOps(run.ops);
  if (!history.ok()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("judged 0 operations: the client history is not usable: " +
                         history.status().message());
    return v;
  }
  size_t left_out = run.ops.size() - history->ops.size();
  std::string scope = std::to_string(history->ops.size()) + " operations on " +
                      std::to_string(CountKeys(*history)) + " keys (" +
                      std::to_string(left_out) +
                      " failed ops and serializable reads of the journal's " +
                      std::to_string(run.ops.size()) + " left out)";
  v.of = history->ops.size();
  if (TestableKeys(*history) == 0) {
    v.validity = Validity::kNotApplicable;
    v.evidence.push_back("judged 0 of " + scope +
                         ": too thin to test: no key has both a write and a read that returned");
    return v;
  }
  LinOptions options;
  options.max_steps = 50'000'000;
  options.memory_budget_bytes = 1ULL << 30;
  Result<LinResult> result = CheckLinearizability(*history, options);
  if (!result.ok()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("judged 0 of " + scope + ": the check failed: " +
                         result.status().message());
    return v;
  }
  Verdict judged = ToVerdict(*result, history->ops.size());
  v.property = judged.property;
  v.validity = judged.validity;
  v.judged = judged.judged;
  v.evidence.push_back("judged " + std::to_string(v.judged) + " of " + scope + ": " +
                       DescribePaths(*result));
  v.evidence.insert(v.evidence.end(), judged.evidence.begin(), judged.evidence.end());
  return v;
}

}  // namespace raftlab::evidence
