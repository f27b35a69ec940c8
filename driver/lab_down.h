// TakeLabDown: the one way a client of raftlabd ends a lab, for `raftlab down` and a
// scenario's Down alike: raftlabd's Down (when one answers), the wait until raftlabd is gone,
// then cluster::SweepLab for whatever raftlabd could not remove (or everything, after a crash),
// raftlabd's socket, and a last look for anything still there.
//
// Blocks for up to a minute (raftlabd's Down) plus the wait for its exit. Not thread-safe with
// respect to `daemon` (one caller owns it).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "driver/daemon_client.h"

namespace raftlab::driver {

struct LabDownOutcome {
  std::vector<std::string> removed;   // raftlabd's lines, then the sweep's
  std::string journal_path;           // the journal raftlabd kept ("" when none answered)
  Status daemon_status;               // raftlabd's Down, or its exit; Ok when none was running
  std::vector<std::string> still;     // one line per thing still present afterwards
};

// `daemon` may be null (no raftlabd answered); `say` gets progress lines (a slow exit).
LabDownOutcome TakeLabDown(const std::string& state_dir, DaemonClient* daemon,
                           const std::function<void(const std::string&)>& say);

}  // namespace raftlab::driver
