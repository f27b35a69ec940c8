// The run's start: the one journal instant that every time shown to a user is measured from —
// the transcript's "+N s", the panels' x axis and the verdicts' "t=" are all seconds since it
// (journal_format.md, "Time base").
//
// The start is the mono_ns of the journal's first `session` event with "event":"start"; the lab
// writes that line first, when `up` begins (cluster/lab.cc). A journal without one (older or
// hand-made) starts at the smallest mono_ns it holds.
//
// Pure functions over journal events, except ReadRunStartNs, which reads a journal file.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"

namespace raftlab::evidence {

// {"kind":"session", "event":"start", ...}
bool IsRunStartEvent(const Json& event);

// Finds the start while events are read one by one, in journal order.
class RunStartFinder {
 public:
  // `event` is one parsed journal line; lines without an integer mono_ns are ignored.
  void See(const Json& event);
  // The start so far; nullopt while no line carried a mono_ns.
  std::optional<int64_t> start_ns() const;
  // True once a session start was seen: later lines cannot change start_ns().
  bool settled() const { return session_start_ns_.has_value(); }

 private:
  std::optional<int64_t> session_start_ns_;   // the first session start
  std::optional<int64_t> earliest_ns_;        // the smallest mono_ns (the fallback)
};

// The start of a journal given as its events; nullopt when no event has a mono_ns.
std::optional<int64_t> RunStartNs(const std::vector<Json>& events);

// The start of the journal file at `path`, reading lines until the first session start (the
// whole file when it has none). NotFound when the file is missing or holds no mono_ns;
// InvalidArgument naming the line when a line before the start is not JSON.
Result<int64_t> ReadRunStartNs(const std::string& path);

}  // namespace raftlab::evidence
