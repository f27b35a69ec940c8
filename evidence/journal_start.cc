#include "evidence/journal_start.h"

#include <algorithm>
#include <fstream>

namespace raftlab::evidence {
namespace {

std::optional<int64_t> MonoNs(const Json& event) {
  if (!event.is_object()) return std::nullopt;
  auto it = event.find("mono_ns");
  if (it == event.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

bool StringField(const Json& event, const char* key, const char* want) {
  auto it = event.find(key);
  return it != event.end() && it->is_string() && it->get_ref<const std::string&>() == want;
}

}  // namespace

bool IsRunStartEvent(const Json& event) {
  return event.is_object() && StringField(event, "kind", "session") && StringField(event, "event", "start");
}

void RunStartFinder::See(const Json& event) {
  std::optional<int64_t> mono = MonoNs(event);
  if (!mono) return;
  earliest_ns_ = earliest_ns_ ? std::min(*earliest_ns_, *mono) : *mono;
  if (!session_start_ns_ && IsRunStartEvent(event)) session_start_ns_ = *mono;
}

std::optional<int64_t> RunStartFinder::start_ns() const {
  return session_start_ns_ ? session_start_ns_ : earliest_ns_;
}

std::optional<int64_t> RunStartNs(const std::vector<Json>& events) {
  RunStartFinder finder;
  for (const Json& e : events) finder.See(e);
  return finder.start_ns();
}

Result<int64_t> ReadRunStartNs(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open journal " + path);
  RunStartFinder finder;
  size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json event = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (event.is_discarded()) {
      return InvalidArgument(path + " line " + std::to_string(line_no) + ": not JSON");
    }
    finder.See(event);
    if (finder.settled()) return *finder.start_ns();
  }
  if (!finder.start_ns()) return NotFound("journal " + path + " holds no event with a mono_ns");
  return *finder.start_ns();
}

}  // namespace raftlab::evidence
