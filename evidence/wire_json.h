// WireMessage <-> JSON Lines: the form of runs/<run>/messages.jsonl, one raft message a line:
//   {"t_ns","from","to","from_id","to_id","type","term","log_term","index","commit",
//    "entry_count", "first_index","last_index" (when it has entries), "entries":[{entry}..],
//    "reject","reject_hint","context_hex","snapshot":{"index","term","voters","learners",
//    "voters_outgoing","learners_next","auto_leave","data_size","db_size"},
//    "stream","encoding","delivered","delivered_ns","http_status","flow"}
// Each entry is written exactly as `wal dump --json` writes an entry (LogEntryToJson,
// raft_log_json.h). Ids (from_id, to_id, ConfState members) are lowercase hex strings as etcd
// prints them. Optional fields (context_hex, snapshot, encoding, http_status, delivered_ns when
// not delivered) are omitted when empty. WireMessagesFromJsonl(WireMessagesToJsonl(m)) == m.
// Pure functions; thread-safe; never throw.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "evidence/wire_message.h"

namespace raftlab::evidence {

std::string WireMessageToJson(const WireMessage& m);   // one line, no newline
std::string WireMessagesToJsonl(const std::vector<WireMessage>& messages);
// InvalidArgument naming the line and field on malformed input.
Result<std::vector<WireMessage>> WireMessagesFromJsonl(std::string_view jsonl);

// The counters as one JSON object {"http_requests":{..},"frames":{..},"unacked":{..},"packets",...}.
std::string WireCountersToJson(const WireCounters& c);

}  // namespace raftlab::evidence
