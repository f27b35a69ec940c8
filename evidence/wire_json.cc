#include "evidence/wire_json.h"

#include <nlohmann/json.hpp>

#include "common/hex_id.h"
#include "evidence/raft_log_json.h"

namespace raftlab::evidence {
namespace {

using nlohmann::json;

struct BadField {
  std::string what;
};

std::string ToHex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

std::string FromHex(const std::string& hex, const char* field) {
  auto nibble = [](char c) { return (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1; };
  if (hex.size() % 2 != 0) throw BadField{std::string(field) + " is not hex"};
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) throw BadField{std::string(field) + " is not hex"};
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

uint64_t IdFrom(const json& v, const char* field) {
  std::string s = v.get<std::string>();
  Result<uint64_t> id = ParseHexId(s);
  if (!id.ok()) throw BadField{std::string(field) + " is not a hex id: " + s};
  return *id;
}

json Ids(const std::vector<uint64_t>& ids) {
  json a = json::array();
  for (uint64_t id : ids) a.push_back(HexId(id));
  return a;
}

std::vector<uint64_t> IdsFrom(const json& j, const char* field) {
  std::vector<uint64_t> out;
  if (auto it = j.find(field); it != j.end()) {
    for (const json& v : *it) out.push_back(IdFrom(v, field));
  }
  return out;
}

json ToJson(const WireMessage& m) {
  json j;
  j["t_ns"] = m.time_ns;
  j["from"] = m.from;
  j["to"] = m.to;
  j["from_id"] = HexId(m.from_id);
  j["to_id"] = HexId(m.to_id);
  j["type"] = m.type;
  j["term"] = m.term;
  j["log_term"] = m.log_term;
  j["index"] = m.index;
  j["commit"] = m.commit;
  j["entry_count"] = m.entries.size();
  if (!m.entries.empty()) {
    j["first_index"] = m.entries.front().index;
    j["last_index"] = m.entries.back().index;
    json entries = json::array();
    for (const LogEntry& e : m.entries) entries.push_back(LogEntryToJson(e));
    j["entries"] = std::move(entries);
  }
  j["reject"] = m.reject;
  j["reject_hint"] = m.reject_hint;
  if (!m.context.empty()) j["context_hex"] = ToHex(m.context);
  if (m.snapshot) {
    const WireSnapshot& s = *m.snapshot;
    j["snapshot"] = json{{"index", s.index},
                         {"term", s.term},
                         {"voters", Ids(s.voters)},
                         {"learners", Ids(s.learners)},
                         {"voters_outgoing", Ids(s.voters_outgoing)},
                         {"learners_next", Ids(s.learners_next)},
                         {"auto_leave", s.auto_leave},
                         {"data_size", s.data_size},
                         {"db_size", s.db_size}};
  }
  j["stream"] = StreamKindName(m.stream);
  if (!m.encoding.empty()) j["encoding"] = m.encoding;
  j["delivered"] = m.delivered;
  if (m.delivered) j["delivered_ns"] = m.delivered_ns;
  if (m.http_status != 0) j["http_status"] = m.http_status;
  j["flow"] = m.flow;
  return j;
}

WireMessage FromJson(const json& j) {
  if (!j.is_object()) throw BadField{"not a JSON object"};
  WireMessage m;
  m.time_ns = j.value("t_ns", int64_t{});
  m.from = j.value("from", std::string{});
  m.to = j.value("to", std::string{});
  if (auto it = j.find("from_id"); it != j.end()) m.from_id = IdFrom(*it, "from_id");
  if (auto it = j.find("to_id"); it != j.end()) m.to_id = IdFrom(*it, "to_id");
  m.type = j.value("type", std::string{});
  if (m.type.empty()) throw BadField{"no \"type\""};
  m.term = j.value("term", uint64_t{});
  m.log_term = j.value("log_term", uint64_t{});
  m.index = j.value("index", uint64_t{});
  m.commit = j.value("commit", uint64_t{});
  if (auto it = j.find("entries"); it != j.end()) {
    for (const json& e : *it) {
      Result<LogEntry> entry = LogEntryFromJson(e);
      if (!entry.ok()) throw BadField{entry.status().message()};
      m.entries.push_back(std::move(*entry));
    }
  }
  m.reject = j.value("reject", bool{});
  m.reject_hint = j.value("reject_hint", uint64_t{});
  if (auto it = j.find("context_hex"); it != j.end()) m.context = FromHex(it->get<std::string>(), "context_hex");
  if (auto it = j.find("snapshot"); it != j.end()) {
    WireSnapshot s;
    s.index = it->value("index", uint64_t{});
    s.term = it->value("term", uint64_t{});
    s.voters = IdsFrom(*it, "voters");
    s.learners = IdsFrom(*it, "learners");
    s.voters_outgoing = IdsFrom(*it, "voters_outgoing");
    s.learners_next = IdsFrom(*it, "learners_next");
    s.auto_leave = it->value("auto_leave", bool{});
    s.data_size = it->value("data_size", uint64_t{});
    s.db_size = it->value("db_size", uint64_t{});
    m.snapshot = s;
  }
  std::string stream = j.value("stream", std::string("message"));
  if (!ParseStreamKind(stream, &m.stream)) throw BadField{"unknown stream " + stream};
  m.encoding = j.value("encoding", std::string{});
  m.delivered = j.value("delivered", bool{});
  m.delivered_ns = j.value("delivered_ns", int64_t{});
  m.http_status = j.value("http_status", int{});
  m.flow = j.value("flow", std::string{});
  return m;
}

}  // namespace

std::string WireMessageToJson(const WireMessage& m) {
  return ToJson(m).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string WireMessagesToJsonl(const std::vector<WireMessage>& messages) {
  std::string out;
  for (const WireMessage& m : messages) {
    out += WireMessageToJson(m);
    out += '\n';
  }
  return out;
}

Result<std::vector<WireMessage>> WireMessagesFromJsonl(std::string_view jsonl) {
  std::vector<WireMessage> out;
  size_t line_no = 0;
  while (!jsonl.empty()) {
    size_t nl = jsonl.find('\n');
    std::string_view line = jsonl.substr(0, nl);
    jsonl = nl == std::string_view::npos ? std::string_view() : jsonl.substr(nl + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return InvalidArgument("messages.jsonl line " + std::to_string(line_no) + ": not JSON");
    try {
      out.push_back(FromJson(j));
    } catch (const BadField& e) {
      return InvalidArgument("messages.jsonl line " + std::to_string(line_no) + ": " + e.what);
    } catch (const json::exception& e) {
      return InvalidArgument("messages.jsonl line " + std::to_string(line_no) + ": " + e.what());
    }
  }
  return out;
}

std::string WireCountersToJson(const WireCounters& c) {
  json j{{"http_requests", c.http_requests},
         {"frames", c.frames},
         {"unacked", c.unacked},
         {"packets", c.packets},
         {"tcp_segments", c.tcp_segments},
         {"skipped_frames", c.skipped_frames},
         {"connections", c.connections},
         {"headless_flows", c.headless_flows},
         {"duplicate_bytes", c.duplicate_bytes},
         {"out_of_order_segments", c.out_of_order_segments},
         {"problems", c.problems}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace raftlab::evidence
