// Shrinks a non-linearizable history to a minimal failing sub-history, for the violation report.
//
// The sub-histories tried are closed under "may have seen": removing a write also removes every
// operation that may have seen its effect (RemoveWithDependents says exactly which), and so on.
// This keeps linearizability monotone: removing an operation that way from a linearizable
// history leaves a linearizable one (in a linearization, only the stretch of the removed write
// changes, and every operation that observed that stretch goes with it). So every sub-history
// the shrinker keeps, the result included, is a genuine witness: had the whole history been
// linearizable, so would it. The result is 1-minimal under that removal: it is not linearizable,
// and removing any one of its operations (with its dependents) leaves a linearizable history.
// It is found delta-debugging style: chunks of halving size are removed while the rest still
// fails, then single operations until a whole pass removes none. Each try is one
// CheckLinearizability call (unique-value path first).
//
// Budgets: LinOptions::shrink_time_budget_ns (with now_ns), shrink_max_steps (search steps over
// all tries) and shrink_max_checks; when one runs out, or a try is undecided, the result is still
// failing but not proven minimal, and says why.
//
// Pure; thread-safe as CheckLinearizability is.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "evidence/history.h"
#include "evidence/linearizability.h"

namespace raftlab::evidence {

struct ShrunkHistory {
  std::vector<size_t> ops;      // indices into the shrunk history's ops, in call order
  bool minimal = false;         // 1-minimality was checked for every remaining operation
  size_t checks = 0;            // CheckLinearizability calls made
  std::string not_minimal_why;  // when !minimal
};

// `h` must not be linearizable (normally one key's operations, unknown reads left out).
ShrunkHistory ShrinkViolation(const History& h, const LinOptions& options);

// `kept` minus `drop`, then minus every operation that depends on a removed one, repeatedly.
// An observer depends on the writes it may have seen, i.e. those called before it returned: a
// read of value v on the writes of v (put, write, a cas setting v, taken effect or not); a read
// of the empty state on the deletes; a cas on the writes of its expected value; a failed cas on
// every write; where the key has appends, a get of s on every write whose value occurs in s
// and on every delete.
// Indices into h.ops; the result keeps `kept`'s order.
std::vector<size_t> RemoveWithDependents(const History& h, const std::vector<size_t>& kept,
                                         const std::vector<size_t>& drop);

// The sub-history as readable lines: a heading naming `label` and whether it is proven minimal,
// then one DescribeOp line per operation (client, call and return times, value).
std::vector<std::string> DescribeShrunk(const History& h, const ShrunkHistory& s,
                                        const std::string& label);

}  // namespace raftlab::evidence
