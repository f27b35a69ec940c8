// ProcessState: what /proc/<pid>/stat says about one process: its state letter ('R', 'S',
// 'Z' for an exited process its parent has not reaped yet ...), its parent, and its start time.
// A pid is reused once a process is gone, so (pid, start_ticks) is what names one process.
// FlockHolder: which process holds a flock(2) on a file, from /proc/locks.
// Reads /proc only; thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

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

// The pid that took the flock(2) held on `path` (a daemon's "I am alive" lock), 0 when the file
// is missing or nobody holds one. Waiters queued behind the holder are not reported.
pid_t FlockHolder(const std::string& path);

}  // namespace raftlab
