// What the Lamport diagram (lamport_diagram.h) draws besides messages, from a run's journal
// events (journal_format.md): fault windows with the fault's own description as the label (so a
// partition keeps its groups: "partition n1,n5 / n2,n3,n4"; the window rules of journal_series.h)
// and each member's term changes (its first ok sample, then each sample whose term differs from
// that member's previous one; the `term` panel's series).
// Times are seconds since the run's start plus `shift_s` (the gap between the run's start and the
// diagram's time 0, when that is the first packet instead).
// Pure; thread-safe.
#pragma once

#include <vector>

#include "common/json_util.h"
#include "dashboards/lamport_diagram.h"

namespace raftlab::dashboards {

std::vector<LamportBand> LamportFaultBands(const std::vector<Json>& events, double shift_s = 0);
std::vector<LamportTermMark> LamportTermMarks(const std::vector<Json>& events, double shift_s = 0);

}  // namespace raftlab::dashboards
