// Parsers for what the sampler reads from a member: /debug/vars (raft.status) and the
// Prometheus text of /metrics. Pure functions; see etcd-3.4-facts.md §2.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"
#include "evidence/run.h"

namespace raftlab::evidence {

// Fills id, term, vote, commit, applied, lead, state and progress of a RaftSample
// (member and mono_ns are the caller's).
Result<RaftSample> ParseDebugVars(const std::string& body);

// The metrics the lab keeps, by name. Labelled series are summed over their labels
// (e.g. peer RTT over all peers), so each name maps to one number.
std::map<std::string, double> ParseMetrics(const std::string& text, const std::vector<std::string>& wanted);

// The names ParseMetrics is asked for by the sampler.
const std::vector<std::string>& SampledMetricNames();

// The journal's "sample" fields for a parsed status (see journal_format.md).
Json SampleToJson(const RaftSample& s, const std::map<std::string, double>& metrics);

// "StateLeader" -> "leader", "StatePreCandidate" -> "precandidate", ...
std::string RoleFromState(const std::string& state);

}  // namespace raftlab::evidence
