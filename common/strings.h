// Small string helpers shared across modules. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace raftlab {

// "n1,n2,n3" (or any other separator: ", ", " and ", "\n"); "" for no parts.
std::string JoinNames(const std::vector<std::string>& parts, std::string_view sep = ",");

}  // namespace raftlab
