#include "evidence/models.h"

#include <functional>
#include <unordered_map>

namespace raftlab::evidence {

size_t KeyStateHash::operator()(const KeyState& s) const {
  size_t h = std::hash<std::string>()(s.value);
  return s.present ? h * 1099511628211ull + 0x9e3779b97f4a7c15ull : 0x51ed27a1u;
}

std::string Model::DescribeState(const KeyState& s) const {
  return s.present ? "\"" + s.value + "\"" : "nil";
}

namespace {

bool Holds(const KeyState& s, const std::string& v) { return s.present && s.value == v; }

std::string Show(const KeyState& s) { return s.present ? "\"" + s.value + "\"" : "nil"; }

std::string ShowRead(const OpOutput& o) { return o.found ? "\"" + o.value + "\"" : "nil"; }

Status Unknown(const Model& m, const Operation& op) {
  return InvalidArgument(std::string("the ") + m.Name() + " model has no operation \"" +
                         OpKindName(op.input.kind) + "\"" +
                         (op.origin.empty() ? "" : " (" + op.origin + ")"));
}

}  // namespace

// ---- register -------------------------------------------------------------------------------

Status RegisterModel::Validate(const Operation& op) const {
  switch (op.input.kind) {
    case OpKind::kRead:
    case OpKind::kWrite:
    case OpKind::kCas: return Status::Ok();
    default: return Unknown(*this, op);
  }
}

bool RegisterModel::Step(const KeyState& s, const Operation& op, KeyState* next) const {
  const OpInput& in = op.input;
  const OpOutput& out = op.output;
  switch (in.kind) {
    case OpKind::kRead:
      *next = s;
      if (!out.known) return true;
      return out.found ? Holds(s, out.value) : !s.present;
    case OpKind::kWrite:
      *next = KeyState{true, in.value};
      return true;
    case OpKind::kCas: {
      bool match = Holds(s, in.expected);
      if (!out.known) {   // takes effect when it can; otherwise it failed
        *next = match ? KeyState{true, in.value} : s;
        return true;
      }
      if (out.ok) {
        if (!match) return false;
        *next = KeyState{true, in.value};
        return true;
      }
      *next = s;
      return !match;
    }
    default: return false;
  }
}

bool RegisterModel::ReadOnly(const Operation& op) const {
  return op.input.kind == OpKind::kRead ||
         (op.input.kind == OpKind::kCas && op.output.known && !op.output.ok);
}

std::string RegisterModel::WhyNot(const KeyState& s, const Operation& op) const {
  const OpInput& in = op.input;
  switch (in.kind) {
    case OpKind::kRead:
      return "read " + ShowRead(op.output) + " but the register holds " + Show(s);
    case OpKind::kCas:
      if (op.output.ok) {
        return "cas succeeded but the register holds " + Show(s) + ", not \"" + in.expected + "\"";
      }
      return "cas failed but the register holds \"" + in.expected + "\"";
    default: return "not applicable";
  }
}

// ---- kv -------------------------------------------------------------------------------------

KeyState KvModel::Normal(KeyState s) const {
  if (empty_is_absent_ && s.present && s.value.empty()) s.present = false;
  return s;
}

Status KvModel::Validate(const Operation& op) const {
  switch (op.input.kind) {
    case OpKind::kGet:
    case OpKind::kPut:
    case OpKind::kAppend:
    case OpKind::kDelete: return Status::Ok();
    default: return Unknown(*this, op);
  }
}

bool KvModel::Step(const KeyState& s, const Operation& op, KeyState* next) const {
  const OpInput& in = op.input;
  switch (in.kind) {
    case OpKind::kGet: {
      *next = s;
      if (!op.output.known) return true;
      KeyState seen = Normal(KeyState{op.output.found, op.output.found ? op.output.value : ""});
      return seen == Normal(s);
    }
    case OpKind::kPut:
      *next = Normal(KeyState{true, in.value});
      return true;
    case OpKind::kAppend:
      *next = Normal(KeyState{true, s.value + in.value});
      return true;
    case OpKind::kDelete:
      *next = KeyState{};
      return true;
    default: return false;
  }
}

bool KvModel::ReadOnly(const Operation& op) const { return op.input.kind == OpKind::kGet; }

std::string KvModel::WhyNot(const KeyState& s, const Operation& op) const {
  if (op.input.kind == OpKind::kGet) {
    return "get " + ShowRead(op.output) + " but the key holds " + Show(Normal(s));
  }
  return "not applicable";
}

// ---- helpers --------------------------------------------------------------------------------

std::unique_ptr<Model> MakeModel(const History& h) {
  if (h.model == ModelKind::kRegister) return std::make_unique<RegisterModel>();
  return std::make_unique<KvModel>(h.empty_is_absent);
}

std::vector<Partition> PartitionByKey(const History& h) {
  std::vector<Partition> parts;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const std::string& key = h.ops[i].input.key;
    auto [it, inserted] = index.emplace(key, parts.size());
    if (inserted) parts.push_back(Partition{key, {}});
    parts[it->second].ops.push_back(i);
  }
  return parts;
}

}  // namespace raftlab::evidence
