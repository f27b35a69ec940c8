// History: the operation model the linearizability checker judges, and its conversion from the
// journal's client operations.
//
// An Operation is one client call: who made it (client), what it asked (input), what it got
// (output), when it was called and when it returned. Times are abstract, monotone integers
// (nanoseconds for the journal, line numbers for the test-data formats); only their order
// matters. An operation that never returned (a timeout, a crash, still pending at the end of the
// run) has no return time and an unknown output: it may have taken effect at any moment after its
// call, or never. Operations that definitely did not take effect (journal "fail") are dropped.
//
// Two operations are ordered in real time only when one returned strictly before the other was
// called; equal times count as concurrent.
//
// Plain data and pure functions: no clocks, files or globals; no thread-safety concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "evidence/run.h"

namespace raftlab::evidence {

enum class OpKind {
  kRead,    // register read
  kWrite,   // register write
  kCas,     // register compare-and-set: expected -> value
  kGet,     // kv get
  kPut,     // kv put
  kAppend,  // kv append: value is concatenated to the key's current string
  kDelete,  // kv delete
};
const char* OpKindName(OpKind kind);   // "read", "write", "cas", "get", ...

struct OpInput {
  OpKind kind = OpKind::kRead;
  std::string key;        // "" for the single register of a Jepsen register history
  std::string value;      // write/put/append: the value; cas: the new value
  std::string expected;   // cas: the value the register must hold
};

struct OpOutput {
  bool known = true;      // false: outcome unknown, any result is acceptable
  bool ok = true;         // cas: whether it succeeded (false: the register did not hold expected)
  bool found = false;     // read/get: whether the key held a value
  std::string value;      // read/get: the value read when found
};

struct Operation {
  int64_t client = 0;
  OpInput input;
  OpOutput output;
  int64_t call = 0;
  std::optional<int64_t> ret;   // nullopt: never returned (then output.known is false)
  std::string origin;           // where it came from, for reports: "file:line" or "op 17"
};

// Which model judges a history.
enum class ModelKind {
  kRegister,   // read/write/cas on one or more independent registers (partitioned by key)
  kKv,         // get/put/append/delete, partitioned by key
};

struct History {
  ModelKind model = ModelKind::kKv;
  // Porcupine-style KV: an absent key reads as "" and "" is the same as absent.
  bool empty_is_absent = false;
  std::vector<Operation> ops;
};

// One line describing an operation: `client 3 cas [1 2] -> fail  (call 17, ret 19) file:12`.
std::string DescribeOp(const Operation& op);

// Options of the journal conversion.
struct ClientOpConversion {
  // etcd serializable reads may legally be stale: by default they are left out.
  bool include_serializable_reads = false;
};

// Converts the journal's client operations (invoke joined with completion) into a KV history.
// kFail is dropped; kUnknown and kPending become never-returned with unknown output.
// Unknown `f` values are InvalidArgument naming the op id.
Result<History> HistoryFromClientOps(const std::vector<ClientOp>& ops,
                                     const ClientOpConversion& conv = {});

}  // namespace raftlab::evidence
