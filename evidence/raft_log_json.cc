#include "evidence/raft_log_json.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "evidence/request_decoder.h"

namespace raftlab::evidence {
namespace {

using nlohmann::json;

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF): exactly what a JSON
// writer can emit unchanged.
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the first continuation byte
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b & 0xc0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string ToHex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

bool FromHex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) {
    return (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
  };
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi << 4 | lo);
  }
  return true;
}

// Thrown inside this file only, turned into a Status by RaftLogFromJsonl.
struct BadField {
  std::string what;
};

void PutBytes(json& j, const char* field, const std::string& bytes, bool always) {
  if (bytes.empty() && !always) return;
  if (IsUtf8(bytes)) {
    j[field] = bytes;
  } else {
    j[std::string(field) + "_hex"] = ToHex(bytes);
  }
}

std::string GetBytes(const json& j, const char* field) {
  if (auto it = j.find(field); it != j.end()) return it->get<std::string>();
  if (auto it = j.find(std::string(field) + "_hex"); it != j.end()) {
    std::string out;
    if (!FromHex(it->get<std::string>(), out)) throw BadField{std::string(field) + "_hex is not hex"};
    return out;
  }
  return "";
}

void PutId(json& j, const char* field, uint64_t id, bool always) {
  if (id != 0 || always) j[field] = HexId(id);
}

uint64_t GetId(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end()) return 0;
  if (it->is_number_unsigned()) return it->get<uint64_t>();
  std::string s = it->get<std::string>();
  Result<uint64_t> v = ParseHexId(s);
  if (!v.ok()) throw BadField{std::string(field) + " is not a hex id: " + s};
  return *v;
}

template <typename T>
T Get(const json& j, const char* field, T fallback = T{}) {
  auto it = j.find(field);
  return it == j.end() ? fallback : it->get<T>();
}

json EntryJson(const LogEntry& e) {
  json j;
  j["index"] = e.index;
  j["term"] = e.term;
  j["type"] = EntryTypeName(e.type);
  const DecodedRequest& r = e.request;
  j["kind"] = r.kind;
  PutBytes(j, "key", r.key, true);
  PutBytes(j, "value", r.value, true);
  PutBytes(j, "summary", r.summary, true);
  j["data_crc"] = e.data_crc;
  j["data_size"] = e.data_size;
  PutBytes(j, "range_end", r.range_end, false);
  PutId(j, "lease", static_cast<uint64_t>(r.lease), false);
  PutId(j, "request_id", r.request_id, false);
  if (!r.conf_type.empty()) j["conf_type"] = r.conf_type;
  PutId(j, "conf_node_id", r.conf_node_id, false);
  if (!r.conf_name.empty()) j["conf_name"] = r.conf_name;
  if (!r.conf_peer_urls.empty()) j["conf_peer_urls"] = r.conf_peer_urls;
  if (r.conf_is_learner) j["conf_is_learner"] = true;
  if (r.conf_is_promote) j["conf_is_promote"] = true;
  return j;
}

EntryType ParseEntryType(const std::string& s) {
  if (s == "normal") return EntryType::kNormal;
  if (s == "conf_change") return EntryType::kConfChange;
  if (s == "conf_change_v2") return EntryType::kConfChangeV2;
  throw BadField{"unknown entry type " + s};
}

LogEntry EntryFromJson(const json& j) {
  LogEntry e;
  e.index = Get<uint64_t>(j, "index");
  e.term = Get<uint64_t>(j, "term");
  e.type = ParseEntryType(Get<std::string>(j, "type", "normal"));
  e.data_crc = Get<uint32_t>(j, "data_crc");
  e.data_size = Get<uint64_t>(j, "data_size");
  DecodedRequest& r = e.request;
  r.kind = Get<std::string>(j, "kind");
  r.key = GetBytes(j, "key");
  r.value = GetBytes(j, "value");
  r.summary = GetBytes(j, "summary");
  r.range_end = GetBytes(j, "range_end");
  r.lease = static_cast<int64_t>(GetId(j, "lease"));
  r.request_id = GetId(j, "request_id");
  r.conf_type = Get<std::string>(j, "conf_type");
  r.conf_node_id = GetId(j, "conf_node_id");
  r.conf_name = Get<std::string>(j, "conf_name");
  r.conf_peer_urls = Get<std::vector<std::string>>(j, "conf_peer_urls");
  r.conf_is_learner = Get<bool>(j, "conf_is_learner");
  r.conf_is_promote = Get<bool>(j, "conf_is_promote");
  return e;
}

json ProblemJson(const char* record, const WalProblem& p) {
  return json{{"record", record}, {"file", p.file}, {"offset", p.offset}, {"what", p.what}};
}

WalProblem ProblemFromJson(const json& j) {
  return WalProblem{Get<std::string>(j, "file"), Get<uint64_t>(j, "offset"), Get<std::string>(j, "what")};
}

void AppendLine(std::string& out, const json& j) {
  out += j.dump(-1, ' ', false, json::error_handler_t::replace);
  out += '\n';
}

void ApplyLine(const json& j, RaftLog& log) {
  if (!j.is_object()) throw BadField{"not a JSON object"};
  std::string record = Get<std::string>(j, "record");
  if (record == "header") {
    log.node_id = GetId(j, "node_id");
    log.cluster_id = GetId(j, "cluster_id");
    log.first_index = Get<uint64_t>(j, "first_index");
    log.files = Get<std::vector<std::string>>(j, "files");
  } else if (record == "entry") {
    log.entries.push_back(EntryFromJson(j));
  } else if (record == "hard_state") {
    log.hard_states.push_back(HardState{Get<uint64_t>(j, "term"), GetId(j, "vote"), Get<uint64_t>(j, "commit")});
  } else if (record == "truncation") {
    Truncation t;
    t.at_index = Get<uint64_t>(j, "at_index");
    t.wal_file = Get<std::string>(j, "wal_file");
    t.file_offset = Get<uint64_t>(j, "file_offset");
    if (auto it = j.find("replaced_by"); it != j.end()) t.replaced_by = EntryFromJson(*it);
    if (auto it = j.find("discarded"); it != j.end()) {
      for (const auto& d : *it) t.discarded.push_back(EntryFromJson(d));
    }
    log.truncations.push_back(std::move(t));
  } else if (record == "snapshot") {
    log.snapshots.push_back(SnapshotMark{Get<uint64_t>(j, "index"), Get<uint64_t>(j, "term"), Get<bool>(j, "log_jump")});
  } else if (record == "problem") {
    log.problems.push_back(ProblemFromJson(j));
  } else if (record == "note") {
    log.notes.push_back(ProblemFromJson(j));
  } else if (record.empty()) {
    throw BadField{"no \"record\" field"};
  }
  // Other kinds are from a newer writer: skipped.
}

}  // namespace

json LogEntryToJson(const LogEntry& entry) { return EntryJson(entry); }

Result<LogEntry> LogEntryFromJson(const json& j) {
  try {
    return EntryFromJson(j);
  } catch (const BadField& e) {
    return InvalidArgument("entry: " + e.what);
  } catch (const json::exception& e) {
    return InvalidArgument(std::string("entry: ") + e.what());
  }
}

const char* EntryTypeName(EntryType type) {
  switch (type) {
    case EntryType::kNormal: return "normal";
    case EntryType::kConfChange: return "conf_change";
    case EntryType::kConfChangeV2: return "conf_change_v2";
  }
  return "normal";
}

std::string RaftLogToJsonl(const RaftLog& log) {
  std::string out;
  json header{{"record", "header"}, {"format", "raftlab.wal.v1"}, {"first_index", log.first_index},
              {"files", log.files}, {"entries", log.entries.size()}};
  PutId(header, "node_id", log.node_id, true);
  PutId(header, "cluster_id", log.cluster_id, true);
  AppendLine(out, header);
  for (const auto& e : log.entries) {
    json j = EntryJson(e);
    j["record"] = "entry";
    AppendLine(out, j);
  }
  for (const auto& hs : log.hard_states) {
    json j{{"record", "hard_state"}, {"term", hs.term}, {"commit", hs.commit}};
    PutId(j, "vote", hs.vote, true);
    AppendLine(out, j);
  }
  for (const auto& t : log.truncations) {
    json j{{"record", "truncation"}, {"at_index", t.at_index}, {"wal_file", t.wal_file},
           {"file_offset", t.file_offset}, {"replaced_by", EntryJson(t.replaced_by)}};
    json discarded = json::array();
    for (const auto& d : t.discarded) discarded.push_back(EntryJson(d));
    j["discarded"] = std::move(discarded);
    AppendLine(out, j);
  }
  for (const auto& s : log.snapshots) {
    AppendLine(out, json{{"record", "snapshot"}, {"index", s.index}, {"term", s.term}, {"log_jump", s.log_jump}});
  }
  for (const auto& p : log.problems) AppendLine(out, ProblemJson("problem", p));
  for (const auto& n : log.notes) AppendLine(out, ProblemJson("note", n));
  return out;
}

Result<RaftLog> RaftLogFromJsonl(std::string_view jsonl) {
  RaftLog log;
  size_t line_no = 0;
  while (!jsonl.empty()) {
    size_t nl = jsonl.find('\n');
    std::string_view line = jsonl.substr(0, nl);
    jsonl = nl == std::string_view::npos ? std::string_view() : jsonl.substr(nl + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return InvalidArgument("line " + std::to_string(line_no) + ": not JSON");
    try {
      ApplyLine(j, log);
    } catch (const BadField& e) {
      return InvalidArgument("line " + std::to_string(line_no) + ": " + e.what);
    } catch (const json::exception& e) {
      return InvalidArgument("line " + std::to_string(line_no) + ": " + e.what());
    }
  }
  return log;
}

}  // namespace raftlab::evidence
