// etcd member ids written the way etcd writes them (lower-case hex, no padding:
// "8e9e05c52164694d", in its logs, raft.status and member list), and read back. The one place
// raftlab turns a uint64 member id into text and back. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace raftlab {

// "8e9e05c52164694d"; 0 is "0".
std::string HexId(uint64_t id);

// 1 to 16 hex digits (either case), nothing else; InvalidArgument naming the text otherwise.
Result<uint64_t> ParseHexId(std::string_view hex);

}  // namespace raftlab
