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
  Json fields;       // the whole zap object: etcd's own fields beside msg ("compact-index", ...)
  // A field as a number: 0 when absent or not an unsigned number.
  uint64_t U64(const std::string& field) const;
  // A field as text: a string as is, any other JSON value dumped, "" when absent.
  std::string Str(const std::string& field) const;
};
enum class MsgMatch {
  kContains,   // "msg" contains the needle (raft's lines carry their numbers in the message)
  kExact,      // "msg" is the needle (etcd's own lines: fixed messages, numbers in fields)
};
// The lines written after `mark` whose "msg" matches `needle`, in file order.
std::vector<LogLine> LinesSince(const LogMark& mark, const std::string& needle, MsgMatch match = MsgMatch::kContains);

// Milliseconds of the day of a zap "ts" (…THH:MM:SS.mmm…); -1 when it does not parse.
int64_t TsMsOfDay(const std::string& ts);
// "n3 20:16:26.879  f3a1 became candidate at term 5", as a transcript quotes a line; each of
// `fields` the line has follows as " name=value" ("... compacted Raft logs compact-index=5102").
std::string QuoteLine(const std::string& member, const LogLine& line, const std::vector<std::string>& fields = {});

}  // namespace raftlab::scenarios
