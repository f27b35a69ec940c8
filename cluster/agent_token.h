// The per-lab token that authenticates the control plane to raftlab-agent: read from a file
// that only its owner may read (both the agent and the control plane read it with
// ReadTokenFile), sent as gRPC metadata `authorization: Bearer <token>`, compared in constant
// time. Pure functions apart from ReadTokenFile's stat and read; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace raftlab::cluster {

inline constexpr char kAuthorizationKey[] = "authorization";   // gRPC metadata keys are lower case
inline constexpr char kBearerPrefix[] = "Bearer ";

// The token in `path`, surrounding whitespace trimmed. Refuses (InvalidArgument or
// PermissionDenied, naming the file and the reason) a file that is missing, not a regular file,
// readable or writable by group or others, or that holds no token.
Result<std::string> ReadTokenFile(const std::string& path);

// True when a == b, taking the same time for every a of a given length whatever its content.
bool TokensEqual(std::string_view a, std::string_view b);

// "Bearer <token>"
std::string BearerValue(const std::string& token);

}  // namespace raftlab::cluster
