// RaftLog <-> JSON Lines: the form of logs/<member>.wal.jsonl in a run directory, and of
// `raftlab wal dump --json`.
//
// One JSON object per line; its "record" field names the kind:
//   header      {"format":"raftlab.wal.v1","node_id","cluster_id","first_index","files":[..]}
//   entry       {"index","term","type","kind","key","value","summary","data_crc","data_size",...}
//   hard_state  {"term","vote","commit"}
//   truncation  {"at_index","wal_file","file_offset","replaced_by":{entry},"discarded":[{entry}..]}
//   snapshot    {"index","term","log_jump"}
//   problem     {"file","offset","what"}       note  (same fields: benign, e.g. a torn tail)
// 64-bit ids (node, cluster, vote, request, lease, conf node) are lowercase hex strings as etcd
// prints them, so that no JSON reader rounds them. Byte strings (key, value, range_end) that are
// not UTF-8 are written as "<field>_hex" instead. Optional entry fields are omitted when zero.
// RaftLogFromJsonl(RaftLogToJsonl(log)) == log. Pure functions; thread-safe; never throw.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"
#include "evidence/raft_log.h"

namespace raftlab::evidence {

std::string RaftLogToJsonl(const RaftLog& log);

// InvalidArgument naming the line on malformed input. Lines of unknown kinds are skipped.
Result<RaftLog> RaftLogFromJsonl(std::string_view jsonl);

// One entry as an "entry" line holds it (without "record"): messages.jsonl (wire_json.h) writes
// the entries a message carries the same way. From: InvalidArgument naming the bad field.
nlohmann::json LogEntryToJson(const LogEntry& entry);
Result<LogEntry> LogEntryFromJson(const nlohmann::json& j);

// "normal", "conf_change", "conf_change_v2".
const char* EntryTypeName(EntryType type);

}  // namespace raftlab::evidence
