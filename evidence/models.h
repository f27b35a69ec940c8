// Sequential specifications the linearizability checker replays operations against.
//
// Both models are per key: a history is split into one sub-history per key (keys are
// independent objects, so the whole history is linearizable iff every per-key sub-history is:
// P-compositionality), and each sub-history is replayed against the state of one key.
//   - RegisterModel: read / write / cas on a register that starts empty (nil).
//   - KvModel: get / put / append / delete on one key of a store that starts empty; optionally
//     (Porcupine's KV format) an absent key reads as "" and "" is the same as absent.
// A KeyState is a small value with equality and a hash, so the checker can memoise on it.
// An operation whose output is unknown is accepted in every state (it takes effect if it can).
//
// Models are immutable after construction; Step and friends are const and thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "evidence/history.h"

namespace raftlab::evidence {

struct KeyState {
  bool present = false;
  std::string value;
  bool operator==(const KeyState& o) const { return present == o.present && value == o.value; }
};

struct KeyStateHash {
  size_t operator()(const KeyState& s) const;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const char* Name() const = 0;                 // "register", "kv"
  KeyState Init() const { return KeyState{}; }
  // InvalidArgument when the model does not know the operation's kind.
  virtual Status Validate(const Operation& op) const = 0;
  // Whether `op`, with its recorded output, may take effect in state `s`; if so *next is the
  // state after it. Only called with validated operations.
  virtual bool Step(const KeyState& s, const Operation& op, KeyState* next) const = 0;
  // True when Step never changes the state for this operation (a read, a cas known to have
  // failed). The search may then commit to the operation wherever it is legal.
  virtual bool ReadOnly(const Operation& op) const = 0;
  // "nil", "\"x 1 0 y\"".
  std::string DescribeState(const KeyState& s) const;
  // Why Step(s, op) is false, in a few words: "read \"3\" but the register holds \"4\"".
  virtual std::string WhyNot(const KeyState& s, const Operation& op) const = 0;
};

class RegisterModel final : public Model {
 public:
  const char* Name() const override { return "register"; }
  Status Validate(const Operation& op) const override;
  bool Step(const KeyState& s, const Operation& op, KeyState* next) const override;
  bool ReadOnly(const Operation& op) const override;
  std::string WhyNot(const KeyState& s, const Operation& op) const override;
};

class KvModel final : public Model {
 public:
  explicit KvModel(bool empty_is_absent) : empty_is_absent_(empty_is_absent) {}
  const char* Name() const override { return "kv"; }
  Status Validate(const Operation& op) const override;
  bool Step(const KeyState& s, const Operation& op, KeyState* next) const override;
  bool ReadOnly(const Operation& op) const override;
  std::string WhyNot(const KeyState& s, const Operation& op) const override;

 private:
  KeyState Normal(KeyState s) const;
  bool empty_is_absent_;
};

// The model a history names (History::model, History::empty_is_absent).
std::unique_ptr<Model> MakeModel(const History& h);

// Indices of h.ops grouped by key, keys in first-appearance order; each group in h.ops order.
struct Partition {
  std::string key;
  std::vector<size_t> ops;
};
std::vector<Partition> PartitionByKey(const History& h);

}  // namespace raftlab::evidence
