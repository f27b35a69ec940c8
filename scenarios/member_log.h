// A member's own etcd log, read by a scenario while the lab is up: etcd (--logger=zap) writes
// one JSON object per line to the file MemberInfo names (members/<name>/etcd.log in the state
// directory; Down copies it to the run folder's etcd/<name>.log). A scenario marks the file's
// size before a step and later reads only the lines written after the mark, so a quoted line
// belongs to that step. raft's own lines carry their numbers inside "msg"
// ("f3a1 became candidate at term 5").
//
// Reads files only (plus one MemberInfo RPC through the context's stub). Not thread-safe with
// respect to the context (call from the scenario thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {

// Where `member`'s log is now, and how long it is: lines after `offset` are new.
struct LogMark {
  std::string member;
  std::string path;
  uint64_t offset = 0;
};
Result<LogMark> MarkMemberLog(ScenarioContext& ctx, const std::string& member);

struct LogLine {
  std::string ts;    // as etcd wrote it: "2026-12-01T20:16:26.879Z"
  std::string msg;
};
// The lines written after `mark` whose "msg" contains `needle`, in file order.
std::vector<LogLine> LinesSince(const LogMark& mark, const std::string& needle);

// Milliseconds of the day of a zap "ts" (…THH:MM:SS.mmm…); -1 when it does not parse.
int64_t TsMsOfDay(const std::string& ts);
// "n3 20:16:26.879  f3a1 became candidate at term 5", as a transcript quotes a line.
std::string QuoteLine(const std::string& member, const LogLine& line);

}  // namespace raftlab::scenarios
