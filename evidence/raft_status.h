// Parsers for what the sampler reads from a member: /debug/vars (raft.status) and the
// Prometheus text of /metrics. Pure functions; see etcd-3.4-facts.md §2.
//
// They are on the sampler's hot path (every member every 50 ms), so they read only what the
// lab keeps: ParseDebugVars cuts the raft.status object out of the page (most of which is Go's
// memstats) and parses just that; ParseMetrics makes one pass over the text and converts only
// the wanted samples' values (no regex, no map of every metric).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"
#include "evidence/run.h"

namespace raftlab::evidence {

// Fills id, term, vote, commit, applied, lead, state and progress of a RaftSample
// (member and mono_ns are the caller's). InvalidArgument when the page has no raft.status
// object or that object is not JSON.
Result<RaftSample> ParseDebugVars(std::string_view body);

// The text of the top-level "raft.status" object of a /debug/vars page, braces included,
// found without parsing the rest of the page; empty when there is none (or it is cut off).
std::string_view RaftStatusText(std::string_view body);

// The metrics the lab keeps, by name. Labelled series are summed over their labels
// (e.g. peer RTT over all peers), so each name maps to one number. Names absent from the
// text are absent from the result.
std::map<std::string, double> ParseMetrics(std::string_view text, const std::vector<std::string>& wanted);

// The names ParseMetrics is asked for by the sampler.
const std::vector<std::string>& SampledMetricNames();

// The journal's "sample" fields for a parsed status (see journal_format.md).
Json SampleToJson(const RaftSample& s, const std::map<std::string, double>& metrics);

// "StateLeader" -> "leader", "StatePreCandidate" -> "precandidate", ...
std::string RoleFromState(const std::string& state);

}  // namespace raftlab::evidence
