#include "evidence/history_formats.h"

#include <cctype>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

namespace raftlab::evidence {
namespace {

using nlohmann::json;

// Splits text into lines (without '\n' or a trailing '\r'); line numbers are index + 1.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status LineError(std::string_view file, size_t line, const std::string& what) {
  return InvalidArgument(std::string(file) + ":" + std::to_string(line) + ": " + what);
}

std::string Where(std::string_view file, size_t line) {
  return std::string(file) + ":" + std::to_string(line);
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// ---- jsonl ----------------------------------------------------------------------------------

bool GetInt(const json& j, const char* k, int64_t* out) {
  auto it = j.find(k);
  if (it == j.end() || !it->is_number_integer()) return false;
  *out = it->get<int64_t>();
  return true;
}
bool GetString(const json& j, const char* k, std::string* out) {
  auto it = j.find(k);
  if (it == j.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}
bool GetBool(const json& j, const char* k, bool* out) {
  auto it = j.find(k);
  if (it == j.end() || !it->is_boolean()) return false;
  *out = it->get<bool>();
  return true;
}

// ---- edn ------------------------------------------------------------------------------------

struct EdnValue {
  enum Kind { kNil, kInt, kString, kKeyword } kind = kNil;
  std::string text;   // string contents, keyword name without ':', or the integer's digits
};

// A one-line EDN map of keyword keys to scalar values. Returns "" on success, else the problem.
std::string ParseEdnMap(std::string_view s, std::map<std::string, EdnValue>* out) {
  size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '\t')) ++i;
  };
  auto is_sym = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '?' ||
           c == '!' || c == '.' || c == '*' || c == '/' || c == '+';
  };
  skip();
  if (i >= s.size() || s[i] != '{') return "expected '{'";
  ++i;
  while (true) {
    skip();
    if (i >= s.size()) return "unterminated map (no '}')";
    if (s[i] == '}') {
      ++i;
      break;
    }
    if (s[i] != ':') return "expected a keyword key at column " + std::to_string(i + 1);
    size_t k0 = ++i;
    while (i < s.size() && is_sym(s[i])) ++i;
    if (i == k0) return "empty keyword at column " + std::to_string(k0);
    std::string key(s.substr(k0, i - k0));
    skip();
    if (i >= s.size()) return "no value for :" + key;
    EdnValue v;
    if (s[i] == '"') {
      v.kind = EdnValue::kString;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i >= s.size()) break;
          char e = s[i++];
          switch (e) {
            case 'n': v.text += '\n'; break;
            case 't': v.text += '\t'; break;
            case 'r': v.text += '\r'; break;
            default: v.text += e; break;
          }
        } else {
          v.text += c;
        }
      }
      if (!closed) return "unterminated string for :" + key;
    } else if (s[i] == ':') {
      size_t v0 = ++i;
      while (i < s.size() && is_sym(s[i])) ++i;
      if (i == v0) return "empty keyword value for :" + key;
      v.kind = EdnValue::kKeyword;
      v.text = std::string(s.substr(v0, i - v0));
    } else {
      size_t v0 = i;
      while (i < s.size() && is_sym(s[i])) ++i;
      std::string_view tok = s.substr(v0, i - v0);
      int64_t n;
      if (tok == "nil") {
        v.kind = EdnValue::kNil;
      } else if (ParseInt(tok, &n)) {
        v.kind = EdnValue::kInt;
        v.text = std::string(tok);
      } else {
        return "bad value for :" + key + " at column " + std::to_string(v0 + 1);
      }
    }
    if (!out->emplace(key, std::move(v)).second) return "duplicate key :" + key;
  }
  skip();
  if (i != s.size()) return "trailing characters after the map at column " + std::to_string(i + 1);
  return "";
}

// Completes a History whose `open` ops never returned and drops those marked dropped.
History Finish(History h, const std::vector<bool>& dropped) {
  History out;
  out.model = h.model;
  out.empty_is_absent = h.empty_is_absent;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    if (!dropped[i]) out.ops.push_back(std::move(h.ops[i]));
  }
  return out;
}

}  // namespace

const char* HistoryFormatName(HistoryFormat f) {
  switch (f) {
    case HistoryFormat::kJsonl: return "jsonl";
    case HistoryFormat::kJepsen: return "jepsen";
    case HistoryFormat::kEdnKv: return "edn-kv";
  }
  return "?";
}

Result<HistoryFormat> ParseHistoryFormatName(std::string_view name) {
  if (name == "jsonl") return HistoryFormat::kJsonl;
  if (name == "jepsen") return HistoryFormat::kJepsen;
  if (name == "edn-kv") return HistoryFormat::kEdnKv;
  return InvalidArgument("unknown history format \"" + std::string(name) +
                         "\" (want jsonl, jepsen or edn-kv)");
}

Result<HistoryFormat> DetectHistoryFormat(std::string_view text, std::string_view file) {
  std::vector<std::string_view> lines = Lines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view l = Trim(lines[n]);
    if (l.empty()) continue;
    if (l.substr(0, 2) == "{\"") return HistoryFormat::kJsonl;
    if (l.substr(0, 2) == "{:") return HistoryFormat::kEdnKv;
    if (l.find("jepsen.util") != std::string_view::npos) return HistoryFormat::kJepsen;
    return LineError(file, n + 1,
                     "cannot tell the history format (want jsonl, jepsen or edn-kv); "
                     "give --format");
  }
  return InvalidArgument(std::string(file) + ": empty history");
}

// ---- journal --------------------------------------------------------------------------------

Result<std::vector<ClientOp>> ParseJournalOps(std::string_view text, std::string_view file) {
  std::vector<ClientOp> ops;
  std::map<int64_t, size_t> by_id;          // op_id -> index in ops
  std::map<int64_t, size_t> invoke_line;    // op_id -> line of its invoke
  std::vector<std::string_view> lines = Lines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    size_t ln = n + 1;
    if (Trim(lines[n]).empty()) continue;
    json j = json::parse(lines[n], nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return LineError(file, ln, "not a JSON object");
    std::string kind;
    if (!GetString(j, "kind", &kind)) return LineError(file, ln, "no \"kind\"");
    if (kind != "op") continue;
    int64_t id = 0, mono = 0;
    std::string phase;
    if (!GetInt(j, "op_id", &id)) return LineError(file, ln, "op event without integer op_id");
    if (!GetString(j, "phase", &phase)) return LineError(file, ln, "op event without phase");
    if (!GetInt(j, "mono_ns", &mono)) return LineError(file, ln, "op event without mono_ns");
    std::string value;
    GetString(j, "value", &value);
    if (phase == "invoke") {
      if (by_id.count(id)) {
        return LineError(file, ln, "op " + std::to_string(id) + " invoked twice (first at line " +
                                       std::to_string(invoke_line[id]) + ")");
      }
      ClientOp op;
      op.op_id = id;
      op.invoke_ns = mono;
      if (!GetInt(j, "client", &op.client)) return LineError(file, ln, "invoke without client");
      if (!GetString(j, "f", &op.f)) return LineError(file, ln, "invoke without f");
      if (!GetString(j, "key", &op.key)) return LineError(file, ln, "invoke without key");
      if (op.f != "put" && op.f != "get" && op.f != "delete") {
        return LineError(file, ln, "unknown f \"" + op.f + "\" (want put, get or delete)");
      }
      op.value = value;
      GetBool(j, "serializable", &op.serializable);
      GetString(j, "via", &op.via);
      op.outcome = OpOutcome::kPending;
      by_id[id] = ops.size();
      invoke_line[id] = ln;
      ops.push_back(std::move(op));
      continue;
    }
    OpOutcome outcome;
    if (!OutcomeFromPhase(phase, &outcome))
      return LineError(file, ln, "unknown phase \"" + phase + "\" (want invoke, ok, fail, info)");
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      return LineError(file, ln, "completion of op " + std::to_string(id) + " without an invoke");
    }
    ClientOp& op = ops[it->second];
    if (op.outcome != OpOutcome::kPending) {
      return LineError(file, ln, "op " + std::to_string(id) + " completed twice");
    }
    if (mono < op.invoke_ns) {
      return LineError(file, ln, "op " + std::to_string(id) + " completes before its invoke");
    }
    op.outcome = outcome;
    op.complete_ns = mono;
    GetString(j, "error", &op.error);
    GetInt(j, "revision", &op.revision);
    if (op.f == "get" && outcome == OpOutcome::kOk) {
      if (!GetBool(j, "found", &op.found)) {
        return LineError(file, ln, "ok get of op " + std::to_string(id) + " without found");
      }
      op.value = op.found ? value : "";
    }
  }
  return ops;
}

Result<History> ParseJsonlHistory(std::string_view text, std::string_view file,
                                  const ClientOpConversion& conv) {
  Result<std::vector<ClientOp>> ops = ParseJournalOps(text, file);
  if (!ops.ok()) return ops.status();
  Result<History> h = HistoryFromClientOps(*ops, conv);
  if (!h.ok()) return InvalidArgument(std::string(file) + ": " + h.status().message());
  return h;
}

// ---- jepsen ---------------------------------------------------------------------------------

Result<History> ParseJepsenHistory(std::string_view text, std::string_view file) {
  static constexpr std::string_view kMarker = "jepsen.util - ";
  History h;
  h.model = ModelKind::kRegister;
  std::vector<bool> dropped;
  std::map<int64_t, size_t> open;   // process -> index of its open invocation
  std::vector<std::string_view> lines = Lines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    size_t ln = n + 1;
    size_t at = lines[n].find(kMarker);
    if (at == std::string_view::npos) continue;
    std::string_view rest = lines[n].substr(at + kMarker.size());
    std::vector<std::string_view> f;
    while (true) {
      size_t tab = rest.find('\t');
      f.push_back(Trim(rest.substr(0, tab)));
      if (tab == std::string_view::npos) break;
      rest.remove_prefix(tab + 1);
    }
    if (f.size() < 3) continue;
    std::string_view type = f[1], fn = f[2];
    if (type != ":invoke" && type != ":ok" && type != ":fail") continue;
    if (fn != ":read" && fn != ":write" && fn != ":cas") continue;
    int64_t process;
    if (!ParseInt(f[0], &process)) continue;   // e.g. the nemesis
    std::string_view val = f.size() > 3 ? f[3] : std::string_view();
    OpKind kind = fn == ":read" ? OpKind::kRead : fn == ":write" ? OpKind::kWrite : OpKind::kCas;
    int64_t a, b;
    std::string expected, value;
    if (kind == OpKind::kWrite) {
      if (!ParseInt(val, &a)) return LineError(file, ln, "write of a non-integer \"" + std::string(val) + "\"");
      value = std::to_string(a);
    } else if (kind == OpKind::kCas) {
      bool good = val.size() >= 2 && val.front() == '[' && val.back() == ']';
      std::string_view inner = good ? Trim(val.substr(1, val.size() - 2)) : std::string_view();
      size_t sp = inner.find(' ');
      good = good && sp != std::string_view::npos && ParseInt(Trim(inner.substr(0, sp)), &a) &&
             ParseInt(Trim(inner.substr(sp + 1)), &b);
      if (!good) return LineError(file, ln, "cas wants [A B] with integers, got \"" + std::string(val) + "\"");
      expected = std::to_string(a);
      value = std::to_string(b);
    }
    if (type == ":invoke") {
      // A process with an open invocation that invokes again: the earlier one never returned.
      open[process] = h.ops.size();
      Operation op;
      op.client = process;
      op.input = OpInput{kind, "", value, expected};
      op.output.known = false;
      op.call = int64_t(ln);
      op.origin = Where(file, ln);
      h.ops.push_back(std::move(op));
      dropped.push_back(false);
      continue;
    }
    auto it = open.find(process);
    if (it == open.end()) {
      return LineError(file, ln, std::string(type) + " " + std::string(fn) + " of process " +
                                     std::to_string(process) + " with no open invocation");
    }
    size_t idx = it->second;
    Operation& op = h.ops[idx];
    if (op.input.kind != kind) {
      return LineError(file, ln, "completion " + std::string(fn) + " does not match the open " +
                                     OpKindName(op.input.kind) + " of process " +
                                     std::to_string(process) + " (" + op.origin + ")");
    }
    if (kind != OpKind::kRead && (op.input.value != value || op.input.expected != expected)) {
      return LineError(file, ln, "completion value \"" + std::string(val) +
                                     "\" differs from the invocation's (" + op.origin + ")");
    }
    open.erase(it);
    op.ret = int64_t(ln);
    if (type == ":ok") {
      op.output.known = true;
      op.output.ok = true;
      if (kind == OpKind::kRead) {
        if (val == "nil") {
          op.output.found = false;
        } else if (ParseInt(val, &a)) {
          op.output.found = true;
          op.output.value = std::to_string(a);
        } else {
          return LineError(file, ln, "read of a non-integer \"" + std::string(val) + "\"");
        }
      }
    } else if (kind == OpKind::kCas) {   // :fail cas: the register did not hold A
      op.output.known = true;
      op.output.ok = false;
    } else if (kind == OpKind::kRead && val == ":timed-out") {
      op.output.known = false;   // completes, result unknown
    } else {
      dropped[idx] = true;       // any other :fail did not take effect
    }
  }
  return Finish(std::move(h), dropped);
}

// ---- edn kv ---------------------------------------------------------------------------------

Result<History> ParseEdnKvHistory(std::string_view text, std::string_view file) {
  History h;
  h.model = ModelKind::kKv;
  h.empty_is_absent = true;
  std::vector<bool> dropped;
  std::map<int64_t, size_t> open;
  std::vector<std::string_view> lines = Lines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    size_t ln = n + 1;
    if (Trim(lines[n]).empty()) continue;
    std::map<std::string, EdnValue> m;
    std::string problem = ParseEdnMap(lines[n], &m);
    if (!problem.empty()) return LineError(file, ln, problem);
    auto need = [&](const char* k, EdnValue::Kind kind, const EdnValue** out) -> Status {
      auto it = m.find(k);
      if (it == m.end()) return LineError(file, ln, std::string("missing :") + k);
      if (it->second.kind != kind) return LineError(file, ln, std::string("bad type for :") + k);
      *out = &it->second;
      return Status::Ok();
    };
    const EdnValue *proc, *type, *fn;
    RL_RETURN_IF_ERROR(need("process", EdnValue::kInt, &proc));
    RL_RETURN_IF_ERROR(need("type", EdnValue::kKeyword, &type));
    RL_RETURN_IF_ERROR(need("f", EdnValue::kKeyword, &fn));
    auto key_it = m.find("key");
    if (key_it == m.end() || (key_it->second.kind != EdnValue::kString &&
                              key_it->second.kind != EdnValue::kInt)) {
      return LineError(file, ln, "missing or bad :key");
    }
    auto val_it = m.find("value");
    bool has_value = val_it != m.end() && val_it->second.kind != EdnValue::kNil;
    if (has_value && val_it->second.kind != EdnValue::kString &&
        val_it->second.kind != EdnValue::kInt) {
      return LineError(file, ln, "bad type for :value");
    }
    std::string value = has_value ? val_it->second.text : "";
    int64_t process = 0;
    ParseInt(proc->text, &process);
    OpKind kind;
    if (fn->text == "get") {
      kind = OpKind::kGet;
    } else if (fn->text == "put") {
      kind = OpKind::kPut;
    } else if (fn->text == "append") {
      kind = OpKind::kAppend;
    } else {
      return LineError(file, ln, "unknown :f :" + fn->text + " (want :get, :put or :append)");
    }
    const std::string& t = type->text;
    if (t == "invoke") {
      if (kind != OpKind::kGet && !has_value) {
        return LineError(file, ln, ":" + fn->text + " without a :value");
      }
      open[process] = h.ops.size();
      Operation op;
      op.client = process;
      op.input = OpInput{kind, key_it->second.text, kind == OpKind::kGet ? "" : value, ""};
      op.output.known = false;
      op.call = int64_t(ln);
      op.origin = Where(file, ln);
      h.ops.push_back(std::move(op));
      dropped.push_back(false);
      continue;
    }
    if (t != "ok" && t != "fail" && t != "info") {
      return LineError(file, ln, "unknown :type :" + t + " (want :invoke, :ok, :fail or :info)");
    }
    auto it = open.find(process);
    if (it == open.end()) {
      return LineError(file, ln, ":" + t + " of process " + std::to_string(process) +
                                     " with no open invocation");
    }
    size_t idx = it->second;
    Operation& op = h.ops[idx];
    if (op.input.kind != kind || op.input.key != key_it->second.text) {
      return LineError(file, ln, "completion does not match the open invocation of process " +
                                     std::to_string(process) + " (" + op.origin + ")");
    }
    open.erase(it);
    if (t == "info") continue;   // outcome unknown: never returned
    if (t == "fail") {
      dropped[idx] = true;
      continue;
    }
    op.ret = int64_t(ln);
    op.output.known = true;
    if (kind == OpKind::kGet) {
      op.output.found = has_value;
      op.output.value = value;
    }
  }
  return Finish(std::move(h), dropped);
}

Result<History> ParseHistory(std::string_view text, std::string_view file,
                             std::optional<HistoryFormat> format) {
  if (!format) {
    Result<HistoryFormat> f = DetectHistoryFormat(text, file);
    if (!f.ok()) return f.status();
    format = *f;
  }
  switch (*format) {
    case HistoryFormat::kJsonl: return ParseJsonlHistory(text, file);
    case HistoryFormat::kJepsen: return ParseJepsenHistory(text, file);
    case HistoryFormat::kEdnKv: return ParseEdnKvHistory(text, file);
  }
  return InvalidArgument("unknown format");
}

}  // namespace raftlab::evidence
