// Shrinks a non-linearizable history to a minimal failing sub-history, for the violation report.
//
// The sub-histories tried are closed under "saw": removing an operation also removes every
// read it leaves without a source, so that no sub-history fails merely because a read now saw a
// value nobody wrote (RemoveWithDependents says exactly which). The result is 1-minimal under
// that removal: it is not linearizable, and removing any one of its operations (with the reads
// that then have no source) leaves a linearizable history. It is found delta-debugging style:
// chunks of halving size are removed while the rest still fails, then single operations until a
// whole pass removes none. Each try is one CheckLinearizability call (unique-value path first).
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

// `kept` minus `drop`, then minus the reads left without a source, repeatedly: a read of value v
// (a get or read that found v, a successful cas expecting v) loses its source when no remaining
// operation writes v although one in `h` does; where the key has appends, a get of s also
// depends on every put or append whose value occurs in s, and loses its source when any of them
// goes. Reads of the empty state need no source. Indices into h.ops, result in `kept` order.
std::vector<size_t> RemoveWithDependents(const History& h, const std::vector<size_t>& kept,
                                         const std::vector<size_t>& drop);

// The sub-history as readable lines: a heading naming `label` and whether it is proven minimal,
// then one DescribeOp line per operation (client, call and return times, value).
std::vector<std::string> DescribeShrunk(const History& h, const ShrunkHistory& s,
                                        const std::string& label);

}  // namespace raftlab::evidence
