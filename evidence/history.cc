#include "evidence/history.h"

#include <sstream>

namespace raftlab::evidence {

const char* OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kRead: return "read";
    case OpKind::kWrite: return "write";
    case OpKind::kCas: return "cas";
    case OpKind::kGet: return "get";
    case OpKind::kPut: return "put";
    case OpKind::kAppend: return "append";
    case OpKind::kDelete: return "delete";
  }
  return "?";
}

namespace {

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string DescribeInput(const OpInput& in) {
  std::string s = OpKindName(in.kind);
  if (!in.key.empty()) s += " " + Quote(in.key);
  switch (in.kind) {
    case OpKind::kWrite:
    case OpKind::kPut:
    case OpKind::kAppend: s += " " + Quote(in.value); break;
    case OpKind::kCas: s += " [" + Quote(in.expected) + " " + Quote(in.value) + "]"; break;
    default: break;
  }
  return s;
}

std::string DescribeOutput(const OpInput& in, const OpOutput& out) {
  if (!out.known) return "?";
  switch (in.kind) {
    case OpKind::kRead:
    case OpKind::kGet: return out.found ? Quote(out.value) : "nil";
    case OpKind::kCas: return out.ok ? "ok" : "fail";
    default: return "ok";
  }
}

}  // namespace

std::string DescribeOp(const Operation& op) {
  std::ostringstream s;
  s << "client " << op.client << " " << DescribeInput(op.input) << " -> "
    << DescribeOutput(op.input, op.output) << "  (call " << op.call << ", ret ";
  if (op.ret) {
    s << *op.ret;
  } else {
    s << "never";
  }
  s << ")";
  if (!op.origin.empty()) s << " " << op.origin;
  return s.str();
}

Result<History> HistoryFromClientOps(const std::vector<ClientOp>& ops,
                                     const ClientOpConversion& conv) {
  History h;
  h.model = ModelKind::kKv;
  h.ops.reserve(ops.size());
  for (const ClientOp& c : ops) {
    if (c.outcome == OpOutcome::kFail) continue;   // definitely did not take effect
    Operation op;
    op.client = c.client;
    op.origin = "op " + std::to_string(c.op_id);
    op.call = c.invoke_ns;
    op.input.key = c.key;
    if (c.f == "put") {
      op.input.kind = OpKind::kPut;
      op.input.value = c.value;
    } else if (c.f == "get") {
      if (c.serializable && !conv.include_serializable_reads) continue;
      op.input.kind = OpKind::kGet;
    } else if (c.f == "delete") {
      op.input.kind = OpKind::kDelete;
    } else {
      return InvalidArgument("op " + std::to_string(c.op_id) + ": unknown f \"" + c.f +
                             "\" (want put, get or delete)");
    }
    if (c.outcome == OpOutcome::kOk) {
      if (c.complete_ns < c.invoke_ns) {
        return InvalidArgument("op " + std::to_string(c.op_id) + ": completes before its invoke");
      }
      op.ret = c.complete_ns;
      op.output.known = true;
      if (op.input.kind == OpKind::kGet) {
        op.output.found = c.found;
        if (c.found) op.output.value = c.value;
      }
    } else {   // kUnknown, kPending: may take effect any time after invocation, or never
      op.ret.reset();
      op.output.known = false;
    }
    h.ops.push_back(std::move(op));
  }
  return h;
}

}  // namespace raftlab::evidence
