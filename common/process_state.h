// ProcessState: what /proc/<pid>/stat says about one process: its state letter ('R', 'S',
// 'Z' for an exited process its parent has not reaped yet ...), its parent, and its start time.
// A pid is reused once a process is gone, so (pid, start_ticks) is what names one process.
// Reads /proc only; thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace raftlab {

struct ProcessState {
  char state = 0;
  pid_t ppid = 0;
  uint64_t start_ticks = 0;   // clock ticks after boot (field 22 of /proc/<pid>/stat)
};

// nullopt when no process (not even a zombie) has this pid.
std::optional<ProcessState> ReadProcessState(pid_t pid);

// True while the process that had `start_ticks` at `pid` is still in the process table,
// running or as a zombie (false once it is reaped, or the pid names a newer process).
bool SameProcessPresent(pid_t pid, uint64_t start_ticks);

}  // namespace raftlab
