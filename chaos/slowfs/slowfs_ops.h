// The filesystem operations of raftlab-slowfs: a passthrough to a backing directory whose
// fsync, fdatasync and fsyncdir first sleep for the current delay.
//
// Every path the kernel hands us ("/a/b") is resolved relative to an fd of the backing
// directory with the *at() syscalls, never through the working directory: libfuse
// chdir()s to / even in foreground mode. Open files and directories keep their backing fd
// (or DIR*) in fuse_file_info::fh, so operations on open handles never look the path up
// again (this also lets us run with nullpath_ok and hard_remove).
// Thread-safety: the operations are called concurrently by libfuse's multi-threaded loop;
// they share only the read-only SlowfsContext and the thread-safe DelayControl.
// Build with FUSE_USE_VERSION defined (the CMake target sets it).
#pragma once

#include <fuse.h>

#include "chaos/slowfs/delay_control.h"

namespace raftlab::chaos {

// Passed as fuse_new()'s private data; must outlive the fuse session.
struct SlowfsContext {
  int backing_fd = -1;            // O_DIRECTORY fd of the absolute backing path
  DelayControl* delay = nullptr;  // fsync delay source
};

// The operation table; callbacks find their SlowfsContext through fuse_get_context().
const fuse_operations& SlowfsOperations();

}  // namespace raftlab::chaos
