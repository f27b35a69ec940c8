// Op and client ids for a load generator that writes its operations straight into a run's
// journal (journal_format.md, "op" and "op_block").
//
// raftlabd numbers the ops it journals 1, 2, 3, ... (evidence::Journal::NextOpId); a load
// generator in another process must never reuse one of those, nor an id of another generator
// that wrote to the same journal. So generators take ids in blocks far above raftlabd's range
// and say so in the journal: an "op_block" line claims op ids [first_op_id, last_op_id] and
// client ids [first_client, last_client]. Block k (0, 1, 2, ...) holds op ids from
// 10^12 + k * 10^9 and client ids from 10^9 + k * 10^6. The next block is the one after the
// highest block claimed in the journal; ReserveOpIdBlock takes an exclusive flock(2) on the
// journal while it reads and appends, so generators reserving at the same time get different
// blocks (raftlabd does not take the lock; it never claims blocks).
//
// NextOpIdBlock and OpIdBlockLine are pure; ReserveOpIdBlock reads and appends to the file.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace raftlab::driver {

inline constexpr int64_t kFirstLoadOpId = 1'000'000'000'000;
inline constexpr int64_t kOpIdsPerBlock = 1'000'000'000;
inline constexpr int64_t kFirstLoadClient = 1'000'000'000;
inline constexpr int64_t kClientsPerBlock = 1'000'000;

struct OpIdBlock {
  int64_t index = 0;           // k
  int64_t first_op_id = 0, last_op_id = 0;
  int64_t first_client = 0, last_client = 0;
};

OpIdBlock OpIdBlockAt(int64_t index);
// The block after every "op_block" line of the journal text (block 0 when there is none).
OpIdBlock NextOpIdBlock(std::string_view journal_text);
// The journal line (with its '\n') that claims `block` for `writer` ("raftlab load", ...).
std::string OpIdBlockLine(const OpIdBlock& block, int64_t mono_ns, const std::string& wall, const std::string& writer);
// Claims the next block of the journal at `path` (created when missing).
Result<OpIdBlock> ReserveOpIdBlock(const std::string& path, const std::string& writer);

}  // namespace raftlab::driver
