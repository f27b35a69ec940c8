#include "evidence/wire_timeline.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "common/hex_id.h"
#include "common/strings.h"
#include "evidence/journal_start.h"
#include "evidence/wire_json.h"

namespace raftlab::evidence {
namespace {

constexpr int64_t kSecondNs = 1000000000;
constexpr int64_t kHourNs = 3600 * kSecondNs;

std::string Names(const std::vector<uint64_t>& ids, const std::map<uint64_t, std::string>& names) {
  std::vector<std::string> out;
  for (uint64_t id : ids) {
    auto it = names.find(id);
    out.push_back(it == names.end() ? HexId(id) : it->second);
  }
  return JoinNames(out);
}

// "a,,b" -> {"a", "b"}
std::vector<std::string> CommaList(const std::string& csv) {
  std::vector<std::string> out;
  std::istringstream in(csv);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

std::string EntryRange(const WireMessage& m) {
  if (m.entries.empty()) return "entries []";
  const uint64_t first = m.entries.front().index, last = m.entries.back().index;
  std::string s = "entries [" + std::to_string(first) + (first == last ? "" : ".." + std::to_string(last)) + "]";
  for (const LogEntry& e : m.entries)
    if (e.type != EntryType::kNormal) return s + " conf change at " + std::to_string(e.index);
  return s;
}

}  // namespace

std::string WireTypeGroup(const std::string& type) {
  static const std::map<std::string, std::string> kGroups = {
      {"MsgVote", "vote"},           {"MsgVoteResp", "vote"},
      {"MsgPreVote", "prevote"},     {"MsgPreVoteResp", "prevote"},
      {"MsgApp", "app"},             {"MsgAppResp", "app"},
      {"MsgHeartbeat", "heartbeat"}, {"MsgHeartbeatResp", "heartbeat"},
      {"MsgSnap", "snap"},           {"MsgReadIndex", "readindex"},
      {"MsgReadIndexResp", "readindex"}, {"MsgProp", "prop"},
      {"MsgTimeoutNow", "timeoutnow"}};
  auto it = kGroups.find(type);
  return it == kGroups.end() ? "other" : it->second;
}

const std::vector<std::string>& WireTypeGroups() {
  static const std::vector<std::string> kNames = {"vote", "prevote", "app", "heartbeat", "snap",
                                                  "readindex", "prop", "timeoutnow", "other"};
  return kNames;
}

std::map<uint64_t, std::string> WireMemberNames(const std::vector<WireMessage>& messages) {
  std::map<uint64_t, std::string> names;
  for (const WireMessage& m : messages) {
    if (m.from_id != 0 && !m.from.empty()) names.emplace(m.from_id, m.from);
    if (m.to_id != 0 && !m.to.empty()) names.emplace(m.to_id, m.to);
  }
  return names;
}

std::optional<int64_t> ParseWallIsoNs(const std::string& text) {
  int y, mo, d, h, mi, s, used = 0;
  if (sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6) return std::nullopt;
  int64_t frac_ns = 0;
  size_t i = static_cast<size_t>(used);
  if (i < text.size() && text[i] == '.') {
    int64_t scale = kSecondNs / 10;
    for (++i; i < text.size() && isdigit(static_cast<unsigned char>(text[i])); ++i, scale /= 10)
      frac_ns += (text[i] - '0') * scale;
  }
  if (i + 1 != text.size() || text[i] != 'Z') return std::nullopt;
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * kSecondNs + frac_ns;
}

std::optional<int64_t> RunStartWallNs(const std::vector<Json>& events) {
  std::optional<int64_t> start = RunStartNs(events);
  if (!start) return std::nullopt;
  // The start event's own wall time when it has one, else any event's, moved by the mono gap.
  std::optional<int64_t> best;
  int64_t best_gap = 0;
  for (const Json& e : events) {
    if (!e.is_object() || !e.contains("mono_ns") || !e["mono_ns"].is_number_integer() || !e.contains("wall") ||
        !e["wall"].is_string())
      continue;
    std::optional<int64_t> wall = ParseWallIsoNs(e["wall"].get<std::string>());
    if (!wall) continue;
    const int64_t gap = e["mono_ns"].get<int64_t>() - *start;
    if (!best || std::llabs(gap) < std::llabs(best_gap)) best = *wall - gap, best_gap = gap;
    if (gap == 0) break;
  }
  return best;
}

WireTimeBase ChooseWireTimeBase(std::optional<int64_t> run_start_wall_ns, const std::vector<WireMessage>& messages) {
  int64_t first = 0, last = 0;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i == 0 || messages[i].time_ns < first) first = messages[i].time_ns;
    if (i == 0 || messages[i].time_ns > last) last = messages[i].time_ns;
  }
  if (run_start_wall_ns && (messages.empty() || (*run_start_wall_ns > first - kHourNs && *run_start_wall_ns <= last)))
    return {*run_start_wall_ns, "seconds since the run's start (the journal's session start)"};
  if (run_start_wall_ns)
    return {first, "seconds since the first packet (the journal's start is more than an hour from the capture)"};
  return {first, "seconds since the first packet (no journal.jsonl)"};
}

Result<int64_t> ParseTimelineTimeNs(const std::string& text) {
  char* end = nullptr;
  const double v = strtod(text.c_str(), &end);
  const std::string unit = end != nullptr ? end : "";
  if (text.empty() || end == text.c_str() || !std::isfinite(v))
    return InvalidArgument("not a time: '" + text + "' (use e.g. 12.3s or 800ms)");
  if (unit.empty() || unit == "s") return static_cast<int64_t>(std::llround(v * 1e9));
  if (unit == "ms") return static_cast<int64_t>(std::llround(v * 1e6));
  return InvalidArgument("not a time: '" + text + "' (use e.g. 12.3s or 800ms)");
}

bool WireFilter::Matches(const WireMessage& m, int64_t zero_ns) const {
  const int64_t t = m.time_ns - zero_ns;
  if (from_ns && t < *from_ns) return false;
  if (to_ns && t > *to_ns) return false;
  if ((!groups.empty() || !types.empty()) && !groups.count(WireTypeGroup(m.type)) && !types.count(m.type)) return false;
  return members.empty() || members.count(m.from) || members.count(m.to);
}

Status ParseWireTypes(const std::string& csv, WireFilter* filter) {
  for (const std::string& name : CommaList(csv)) {
    const auto& groups = WireTypeGroups();
    if (std::find(groups.begin(), groups.end(), name) != groups.end()) {
      filter->groups.insert(name);
    } else if (name.rfind("Msg", 0) == 0 && name.size() > 3) {
      filter->types.insert(name);
    } else {
      return InvalidArgument("unknown message type '" + name + "' (types: " + JoinNames(groups) +
                             ", or a raft type name such as MsgAppResp)");
    }
  }
  if (filter->groups.empty() && filter->types.empty()) return InvalidArgument("--types names no type");
  return Status::Ok();
}

Status ParseWireMembers(const std::string& csv, WireFilter* filter) {
  for (const std::string& name : CommaList(csv)) filter->members.insert(name);
  if (filter->members.empty()) return InvalidArgument("--member names no member");
  return Status::Ok();
}

Status CheckWireWindow(const WireFilter& filter) {
  if (filter.from_ns && filter.to_ns && *filter.from_ns > *filter.to_ns)
    return InvalidArgument("--from " + FormatTimelineTime(*filter.from_ns, 0) + " is after --to " +
                           FormatTimelineTime(*filter.to_ns, 0));
  return Status::Ok();
}

std::vector<WireMessage> FilterWireMessages(const std::vector<WireMessage>& messages, const WireFilter& filter,
                                            int64_t zero_ns) {
  std::vector<WireMessage> out;
  for (const WireMessage& m : messages)
    if (filter.Matches(m, zero_ns)) out.push_back(m);
  return out;
}

std::string FormatTimelineTime(int64_t t_ns, int64_t zero_ns) {
  const int64_t ms = static_cast<int64_t>(std::llround(static_cast<double>(t_ns - zero_ns) / 1e6));
  char buf[48];
  snprintf(buf, sizeof buf, "%s%lld.%03llds", ms < 0 ? "-" : "", static_cast<long long>(std::llabs(ms) / 1000),
           static_cast<long long>(std::llabs(ms) % 1000));
  return buf;
}

std::string WireTimelineLine(const WireMessage& m, int64_t zero_ns, const std::map<uint64_t, std::string>& names) {
  std::string s = FormatTimelineTime(m.time_ns, zero_ns) + " " + m.from + " -> " + m.to + " " + m.type;
  auto num = [&](const char* what, uint64_t v) { s += std::string(" ") + what + " " + std::to_string(v); };
  const std::string& t = m.type;
  if (t != "MsgProp" && t != "MsgReadIndex") num("term", m.term);
  if (t == "MsgApp") {
    num("index", m.index);
    num("logterm", m.log_term);
    s += " " + EntryRange(m);
    num("commit", m.commit);
  } else if (t == "MsgAppResp") {
    num("index", m.index);
    if (m.reject) num("reject hint", m.reject_hint);
  } else if (t == "MsgVote" || t == "MsgPreVote") {
    num("index", m.index);
    num("logterm", m.log_term);
    if (m.context == "CampaignTransfer") s += " transfer";
  } else if (t == "MsgVoteResp" || t == "MsgPreVoteResp") {
    s += m.reject ? " rejected" : " granted";
  } else if (t == "MsgHeartbeat") {
    num("commit", m.commit);
  } else if (t == "MsgSnap" && m.snapshot) {
    num("snap index", m.snapshot->index);
    num("term", m.snapshot->term);
    s += " voters " + Names(m.snapshot->voters, names);
    if (!m.snapshot->learners.empty()) s += " learners " + Names(m.snapshot->learners, names);
  } else if (t == "MsgReadIndexResp") {
    num("index", m.index);
  } else if (t == "MsgProp") {   // a proposal's entries have no index yet
    s += " " + std::to_string(m.entries.size()) + (m.entries.size() == 1 ? " entry" : " entries");
  } else if (t != "MsgHeartbeatResp" && t != "MsgReadIndex" && t != "MsgTimeoutNow") {
    if (m.index != 0) num("index", m.index);
    if (m.log_term != 0) num("logterm", m.log_term);
    if (m.commit != 0) num("commit", m.commit);
    if (m.reject) num("reject hint", m.reject_hint);
  }
  if (!m.delivered) s += " DROPPED";
  return s;
}

std::string WireTimelineJson(const WireMessage& m, int64_t zero_ns) {
  Json j = Json::parse(WireMessageToJson(m), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return WireMessageToJson(m);
  j["t"] = std::round(static_cast<double>(m.time_ns - zero_ns) / 1e3) / 1e6;   // seconds, µs precision
  return j.dump();
}

}  // namespace raftlab::evidence
