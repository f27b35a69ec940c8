#include "evidence/run_loader.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/hex_id.h"
#include "evidence/journal_start.h"
#include "evidence/raft_log_json.h"
#include "evidence/snap_json.h"
#include "evidence/wire_json.h"
#include "evidence/wire_timeline.h"

namespace raftlab::evidence {
namespace {

using nlohmann::json;

// Field readers: absent fields read as the default, present ones must have the right type.
// The error text names the field; the caller adds the line.
Status ReadU64(const json& o, const char* key, uint64_t* out) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return Status::Ok();
  if (it->is_number_unsigned()) {
    *out = it->get<uint64_t>();
  } else if (it->is_number_integer() && it->get<int64_t>() >= 0) {
    *out = static_cast<uint64_t>(it->get<int64_t>());
  } else if (it->is_string()) {   // a decimal string, for numbers that a JSON writer quoted
    const std::string& s = it->get_ref<const std::string&>();
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno != 0 || s[0] == '-') {
      return InvalidArgument(std::string("field \"") + key + "\" is not a number: " + s);
    }
    *out = v;
  } else {
    return InvalidArgument(std::string("field \"") + key + "\" is not a non-negative number");
  }
  return Status::Ok();
}

Status ReadI64(const json& o, const char* key, int64_t* out) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer()) {
    return InvalidArgument(std::string("field \"") + key + "\" is not an integer");
  }
  *out = it->get<int64_t>();
  return Status::Ok();
}

Status ReadString(const json& o, const char* key, std::string* out) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return InvalidArgument(std::string("field \"") + key + "\" is not a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status ReadBool(const json& o, const char* key, bool* out) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return Status::Ok();
  if (!it->is_boolean()) return InvalidArgument(std::string("field \"") + key + "\" is not a bool");
  *out = it->get<bool>();
  return Status::Ok();
}

Status ReadId(const json& o, const char* key, uint64_t* out) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return Status::Ok();
  if (it->is_number_unsigned()) {
    *out = it->get<uint64_t>();
    return Status::Ok();
  }
  if (!it->is_string()) return InvalidArgument(std::string("field \"") + key + "\" is not a hex id");
  Result<uint64_t> id = ParseHexId(it->get_ref<const std::string&>());
  if (!id.ok()) {
    return InvalidArgument(std::string("field \"") + key + "\": " + id.status().message());
  }
  *out = *id;
  return Status::Ok();
}

Status ReadNames(const json& o, const char* key, std::vector<std::string>* out) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return InvalidArgument(std::string("field \"") + key + "\" is not a list");
  for (const json& x : *it) {
    if (!x.is_string()) {
      return InvalidArgument(std::string("field \"") + key + "\" holds a non-string");
    }
    out->push_back(x.get<std::string>());
  }
  return Status::Ok();
}

// Builds a Run line by line.
class JournalParser {
 public:
  Status Line(const json& e) {
    if (!e.is_object()) return InvalidArgument("not a JSON object");
    std::string kind;
    RL_RETURN_IF_ERROR(ReadString(e, "kind", &kind));
    if (kind.empty()) return InvalidArgument("no \"kind\"");
    if (!e.contains("mono_ns")) return InvalidArgument("no \"mono_ns\"");
    int64_t mono_ns = 0;
    RL_RETURN_IF_ERROR(ReadI64(e, "mono_ns", &mono_ns));
    start_.See(e);
    NoteWall(e, mono_ns);
    if (kind == "sample") return Sample(e, mono_ns);
    if (kind == "op") return Op(e, mono_ns);
    if (kind == "hashkv") return HashKv(e, mono_ns);
    if (kind == "membership") return Membership(e, mono_ns);
    if (kind == "member") return Member(e);
    if (kind == "wal_capture") return WalCapture(e);
    return Status::Ok();   // session, action, fault, note, and kinds added later
  }

  // The parsed Run, its start_ns and wall_minus_mono_ns set from the lines seen.
  Run& run() {
    run_.start_ns = start_.start_ns().value_or(0);
    run_.wall_minus_mono_ns = wall_minus_mono_;
    return run_;
  }

 private:
  // The journal's "wall" is cut to milliseconds, so wall - mono_ns of a line is at most 1 ms below
  // the clocks' true offset: the largest over the lines is the closest.
  void NoteWall(const json& e, int64_t mono_ns) {
    auto it = e.find("wall");
    if (it == e.end() || !it->is_string()) return;
    std::optional<int64_t> wall = ParseWallIsoNs(it->get_ref<const std::string&>());
    if (!wall) return;
    const int64_t offset = *wall - mono_ns;
    if (!wall_minus_mono_ || offset > *wall_minus_mono_) wall_minus_mono_ = offset;
  }

  Status Sample(const json& e, int64_t mono_ns) {
    bool ok = false;
    RL_RETURN_IF_ERROR(ReadBool(e, "ok", &ok));
    if (!ok) return Status::Ok();
    RaftSample s;
    s.mono_ns = mono_ns;
    RL_RETURN_IF_ERROR(ReadString(e, "member", &s.member));
    if (s.member.empty()) return InvalidArgument("sample without \"member\"");
    RL_RETURN_IF_ERROR(ReadId(e, "id", &s.id));
    RL_RETURN_IF_ERROR(ReadU64(e, "term", &s.term));
    RL_RETURN_IF_ERROR(ReadId(e, "vote", &s.vote));
    RL_RETURN_IF_ERROR(ReadU64(e, "commit", &s.commit));
    RL_RETURN_IF_ERROR(ReadU64(e, "applied", &s.applied));
    RL_RETURN_IF_ERROR(ReadId(e, "lead", &s.lead));
    RL_RETURN_IF_ERROR(ReadString(e, "state", &s.state));
    if (auto it = e.find("progress"); it != e.end() && !it->is_null()) {
      if (!it->is_object()) return InvalidArgument("field \"progress\" is not an object");
      for (const auto& [hex, p] : it->items()) {
        Result<uint64_t> peer = ParseHexId(hex);
        if (!peer.ok()) return InvalidArgument("progress key: " + peer.status().message());
        if (!p.is_object()) return InvalidArgument("progress of " + hex + " is not an object");
        PeerProgress pp;
        RL_RETURN_IF_ERROR(ReadU64(p, "match", &pp.match));
        RL_RETURN_IF_ERROR(ReadU64(p, "next", &pp.next));
        RL_RETURN_IF_ERROR(ReadString(p, "state", &pp.state));
        s.progress[*peer] = pp;
      }
    }
    if (auto it = e.find("metrics"); it != e.end() && !it->is_null()) {
      if (!it->is_object()) return InvalidArgument("field \"metrics\" is not an object");
      for (const auto& [name, value] : it->items()) {
        if (!value.is_number()) return InvalidArgument("metric \"" + name + "\" is not a number");
        s.metrics[name] = value.get<double>();
      }
    }
    if (s.id != 0) run_.member_names[s.id] = s.member;
    run_.samples.push_back(std::move(s));
    return Status::Ok();
  }

  Status Op(const json& e, int64_t mono_ns) {
    if (!e.contains("op_id")) return InvalidArgument("op without \"op_id\"");
    int64_t op_id = 0;
    RL_RETURN_IF_ERROR(ReadI64(e, "op_id", &op_id));
    std::string phase;
    RL_RETURN_IF_ERROR(ReadString(e, "phase", &phase));
    if (phase == "invoke") {
      if (op_index_.count(op_id)) {
        return InvalidArgument("op " + std::to_string(op_id) + " invoked twice");
      }
      ClientOp op;
      op.op_id = op_id;
      op.invoke_ns = mono_ns;
      RL_RETURN_IF_ERROR(ReadI64(e, "client", &op.client));
      RL_RETURN_IF_ERROR(ReadString(e, "f", &op.f));
      RL_RETURN_IF_ERROR(ReadString(e, "key", &op.key));
      RL_RETURN_IF_ERROR(ReadString(e, "value", &op.value));
      RL_RETURN_IF_ERROR(ReadString(e, "via", &op.via));
      RL_RETURN_IF_ERROR(ReadBool(e, "serializable", &op.serializable));
      op_index_[op_id] = run_.ops.size();
      run_.ops.push_back(std::move(op));
      return Status::Ok();
    }
    OpOutcome outcome;
    if (!OutcomeFromPhase(phase, &outcome))
      return InvalidArgument("op phase \"" + phase + "\" is not invoke, ok, fail or info");
    auto it = op_index_.find(op_id);
    if (it == op_index_.end()) {
      return InvalidArgument("op " + std::to_string(op_id) + " completes with no invoke before it");
    }
    ClientOp& op = run_.ops[it->second];
    if (op.outcome != OpOutcome::kPending) {
      return InvalidArgument("op " + std::to_string(op_id) + " completes twice");
    }
    op.outcome = outcome;
    op.complete_ns = mono_ns;
    RL_RETURN_IF_ERROR(ReadI64(e, "revision", &op.revision));
    RL_RETURN_IF_ERROR(ReadString(e, "error", &op.error));
    if (op.f == "get") {
      RL_RETURN_IF_ERROR(ReadBool(e, "found", &op.found));
      op.value.clear();
      RL_RETURN_IF_ERROR(ReadString(e, "value", &op.value));
    }
    return Status::Ok();
  }

  Status HashKv(const json& e, int64_t mono_ns) {
    HashKvRecord h;
    h.mono_ns = mono_ns;
    RL_RETURN_IF_ERROR(ReadString(e, "member", &h.member));
    RL_RETURN_IF_ERROR(ReadI64(e, "revision", &h.revision));
    RL_RETURN_IF_ERROR(ReadU64(e, "hash", &h.hash));
    RL_RETURN_IF_ERROR(ReadI64(e, "compact_revision", &h.compact_revision));
    run_.hashkvs.push_back(std::move(h));
    return Status::Ok();
  }

  Status Membership(const json& e, int64_t mono_ns) {
    MembershipRecord m;
    m.mono_ns = mono_ns;
    RL_RETURN_IF_ERROR(ReadNames(e, "voters", &m.voters));
    RL_RETURN_IF_ERROR(ReadNames(e, "learners", &m.learners));
    if (auto it = e.find("ids"); it != e.end() && !it->is_null()) {
      if (!it->is_object()) return InvalidArgument("field \"ids\" is not an object");
      for (const auto& [name, hex] : it->items()) {
        uint64_t id = 0;
        RL_RETURN_IF_ERROR(ReadId(*it, name.c_str(), &id));
        if (id != 0) run_.member_names[id] = name;
      }
    }
    run_.memberships.push_back(std::move(m));
    return Status::Ok();
  }

  Status Member(const json& e) {
    std::string member;
    uint64_t id = 0;
    RL_RETURN_IF_ERROR(ReadString(e, "member", &member));
    RL_RETURN_IF_ERROR(ReadId(e, "id", &id));
    if (id != 0 && !member.empty()) run_.member_names[id] = member;
    return Status::Ok();
  }

  // A WAL that could not be decoded when the run captured it (ok:false, error).
  Status WalCapture(const json& e) {
    bool ok = true;
    std::string member, error;
    RL_RETURN_IF_ERROR(ReadBool(e, "ok", &ok));
    RL_RETURN_IF_ERROR(ReadString(e, "member", &member));
    RL_RETURN_IF_ERROR(ReadString(e, "error", &error));
    if (!ok && !member.empty()) run_.wal_errors[member] = error;
    return Status::Ok();
  }

  Run run_;
  std::optional<int64_t> wall_minus_mono_;
  RunStartFinder start_;                  // the run's start (journal_start.h)
  std::map<int64_t, size_t> op_index_;   // op_id -> index in run_.ops
};

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Unavailable("cannot read " + path.string());
  return text.str();
}

Status CheckContiguous(const RaftLog& log) {
  for (size_t i = 1; i < log.entries.size(); ++i) {
    if (log.entries[i].index != log.entries[0].index + i) {
      return Corruption("entries are not contiguous: index " +
                        std::to_string(log.entries[i - 1].index) + " is followed by " +
                        std::to_string(log.entries[i].index));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Run> RunFromJournal(std::string_view jsonl) {
  JournalParser parser;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < jsonl.size()) {
    size_t end = jsonl.find('\n', pos);
    if (end == std::string_view::npos) end = jsonl.size();
    std::string_view line = jsonl.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json e;
    try {
      e = json::parse(line);
    } catch (const json::exception& ex) {
      return InvalidArgument("line " + std::to_string(line_no) + ": not JSON: " + ex.what());
    }
    Status st;
    try {
      st = parser.Line(e);
    } catch (const json::exception& ex) {   // a type the readers did not foresee
      st = InvalidArgument(ex.what());
    }
    if (!st.ok()) return Status(st.code(), "line " + std::to_string(line_no) + ": " + st.message());
  }
  return std::move(parser.run());
}

Result<Run> LoadRun(const std::string& run_dir) {
  namespace fs = std::filesystem;
  const fs::path dir(run_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound(run_dir + " is not a directory");
  const fs::path journal_path = dir / "journal.jsonl";
  if (!fs::exists(journal_path, ec)) return NotFound("no journal.jsonl in " + run_dir);
  Result<std::string> journal = ReadFile(journal_path);
  if (!journal.ok()) return journal.status();
  Result<Run> parsed = RunFromJournal(*journal);
  if (!parsed.ok()) {
    return Status(parsed.status().code(), journal_path.string() + " " + parsed.status().message());
  }
  Run run = std::move(parsed).value();
  run.dir = run_dir;

  const fs::path logs = dir / "logs";
  if (fs::is_directory(logs, ec)) {
    const std::string suffix = ".wal.jsonl", snap_suffix = ".snap.jsonl";
    auto ends_with = [](const std::string& name, const std::string& end) {
      return name.size() > end.size() && name.compare(name.size() - end.size(), end.size(), end) == 0;
    };
    for (const fs::directory_entry& f : fs::directory_iterator(logs, ec)) {
      const std::string name = f.path().filename().string();
      if (!f.is_regular_file(ec)) continue;
      if (ends_with(name, snap_suffix)) {
        Result<std::string> text = ReadFile(f.path());
        if (!text.ok()) return text.status();
        Result<std::vector<SnapFile>> snaps = SnapFilesFromJsonl(*text);
        if (!snaps.ok()) {
          return Status(snaps.status().code(), f.path().string() + ": " + snaps.status().message());
        }
        run.snaps[name.substr(0, name.size() - snap_suffix.size())] = std::move(snaps).value();
        continue;
      }
      if (!ends_with(name, suffix)) continue;
      const std::string member = name.substr(0, name.size() - suffix.size());
      Result<std::string> text = ReadFile(f.path());
      if (!text.ok()) return text.status();
      Result<RaftLog> log = RaftLogFromJsonl(*text);
      if (!log.ok()) {
        return Status(log.status().code(), f.path().string() + ": " + log.status().message());
      }
      Status st = CheckContiguous(*log);
      if (!st.ok()) return Status(st.code(), f.path().string() + ": " + st.message());
      run.logs[member] = std::move(log).value();
    }
    if (ec) return Unavailable("cannot list " + logs.string() + ": " + ec.message());
  }

  const fs::path messages = dir / "messages.jsonl";
  if (fs::exists(messages, ec)) {
    Result<std::string> text = ReadFile(messages);
    if (!text.ok()) return text.status();
    Result<std::vector<WireMessage>> parsed_messages = WireMessagesFromJsonl(*text);
    if (!parsed_messages.ok()) {
      return Status(parsed_messages.status().code(),
                    messages.string() + ": " + parsed_messages.status().message());
    }
    run.messages = std::move(parsed_messages).value();
  }
  return run;
}

}  // namespace raftlab::evidence
