// The unique-value path of the linearizability checker: a polynomial-time decision for one key
// whose written values are all distinct, tried before the general search (linearizability.h).
//
// When every write (register write, KV put, the new value of a cas, an appended value) is
// distinct, a read names the write it saw ("reads-from" is known), so each written value is a
// *version*: its writer, the reads that saw it, and the op that replaced it when that op needed
// it (a successful cas reads its expected value and writes its new one at one instant; an
// append whose value a read shows after a given prefix replaced that prefix). Such links chain
// versions that must follow each other immediately. In every linearization a version occupies
// one contiguous stretch (its writer, its reads, then the next writer), so the history is
// linearizable iff the chains can be put in one order. With a = the earliest return and b = the
// latest call of a chain's operations, chain X must precede chain Y iff a_X < b_Y; such a
// relation has a cycle iff it has one of length two (take the chain of least a on the cycle),
// which is the zone argument of Gibbons & Korach (forward zones may not overlap, a backward
// zone may not lie inside a forward one). Sorting the chains by zone start then gives an order.
// The initial (empty) state is a version with no writer that must come first.
//
// Operations that may or may not have taken effect (never returned): a write nobody saw is
// left out (it may never have happened); one that was seen must take effect, and so must the
// versions it needs. A failed cas is a read of "anything but its expected value": it is placed
// in a concrete schedule (earliest, then latest points of every writer); a failed cas that must
// fall inside its expected value's stretch in every linearization (called after that value's
// writer returned, returned before a later read of it was called) is a violation.
//
// Soundness: ok is claimed only with a witness (a total order with a point in every operation's
// interval) that is replayed against the model and checked before it is believed; violated only
// on a certificate that holds in every linearization. Anything else (repeated values, deletes,
// an ambiguous or impossible append string, a failed cas the schedules cannot place) is handed
// to the general search with the reason: this path never guesses.
//
// Pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "evidence/history.h"
#include "evidence/models.h"

namespace raftlab::evidence {

enum class UniqueOutcome {
  kNotApplicable,   // values repeat, or an operation kind this path does not model
  kUndecided,       // applicable, but no witness or certificate was found
  kOk,
  kViolated,
};

struct UniqueValueResult {
  UniqueOutcome outcome = UniqueOutcome::kNotApplicable;
  std::string why;                    // not applicable / undecided: the reason
  std::vector<std::string> report;    // violated: the certificate, readable lines
};

// `ops`: the operations of one key, in call order, reads with unknown results left out.
// `label`: "key \"k\"" or "the register", for the report. `kind` and `empty_is_absent` are the
// history's (History::model, History::empty_is_absent).
UniqueValueResult DecideUniqueValues(const Model& model, ModelKind kind, bool empty_is_absent,
                                     const std::vector<const Operation*>& ops,
                                     const std::string& label);

}  // namespace raftlab::evidence
