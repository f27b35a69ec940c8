// Decodes the payload of one Raft log entry (raftpb.Entry.data) into a DecodedRequest
// (raft_log.h): what the entry asked etcd's state machine to do, in fields and one readable line.
//
// Order of attempts, as etcd 3.4 itself applies entries: a normal entry's data is tried as an
// etcdserverpb.InternalRaftRequest (v3 put, delete, txn, lease, compaction, alarm, auth...), then as
// a v2 etcdserverpb.Request (member attributes, cluster version); empty data is the leader's no-op.
// A ConfChange entry's data is a raftpb.ConfChange whose context is the member as JSON.
// Pure functions over bytes: thread-safe, no syscalls, never throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/hex_id.h"   // HexId: ids in decoded summaries
#include "evidence/raft_log.h"

namespace raftlab::evidence {

DecodedRequest DecodeRequest(EntryType type, std::string_view data);

// Bytes made safe for one line of text: printable ASCII kept, anything else as \xNN, cut to
// `max_len` characters with a trailing "...".
std::string Printable(std::string_view bytes, size_t max_len = 64);

// Names of raftpb.ConfChangeType values ("AddNode", ...), "ConfChangeType(<n>)" otherwise.
std::string ConfChangeTypeName(int type);

}  // namespace raftlab::evidence
