// Time helpers. Only the parts of raftlab that touch the OS read clocks; pure code takes
// times as parameters. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace raftlab {

// CLOCK_MONOTONIC in nanoseconds.
int64_t MonoNowNs();
// Wall clock as RFC 3339 UTC with milliseconds: 2026-11-27T21:38:42.123Z
std::string WallNowIso();
// Wall clock for folder names: 20261127-213842
std::string WallNowCompact();
void SleepMs(int64_t ms);

}  // namespace raftlab
