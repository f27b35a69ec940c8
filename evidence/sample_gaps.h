// SampleGaps: how evenly the sampler saw each member over a run. From Run.samples (the
// successful samples in journal order) it gives, per member: the sample count, the first and
// last sample times, the median and the largest interval between consecutive samples, and
// where the largest one was. A member's own downtime (a restart, a kill) is a gap in its own
// series by nature; a gap in a member that was up means the sampler stalled.
//
// Times are seconds relative to `origin_ns` (pass the run's time origin, e.g.
// checkutil::TimeOrigin(run) or the run's start), intervals are milliseconds.
// Pure functions over a Run, no I/O; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "evidence/run.h"

namespace raftlab::evidence {

struct MemberSampleGaps {
  std::string member;
  uint64_t samples = 0;
  double first_s = 0, last_s = 0;        // first and last sample, seconds since the origin
  double median_gap_ms = 0;              // 0 with fewer than two samples
  double max_gap_ms = 0;                 // 0 with fewer than two samples
  double max_gap_from_s = 0, max_gap_to_s = 0;   // the samples either side of the largest gap
};

// One entry per member that has at least one sample, ordered by member name (n2 before n10).
// Samples of one member are taken in time order whatever their order in the journal.
std::vector<MemberSampleGaps> SampleGaps(const Run& run, int64_t origin_ns);

// One line for a transcript or an evidence list:
// "n1: 412 samples 0.000-20.611s, median gap 50.0 ms, largest 131.2 ms (3.201-3.332s)".
std::string DescribeSampleGaps(const MemberSampleGaps& g);

}  // namespace raftlab::evidence
