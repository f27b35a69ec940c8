// How the scenario commands (`scenario run`, `lab`, `soak`) report their runs: one summary line
// per run (or --json), the combined exit code, and report/index.html rebuilt under the output
// directory. Writes to the CLI's streams and the report file. Not thread-safe (one CLI call).
#pragma once

#include <vector>

#include "common/json_util.h"
#include "driver/cli.h"
#include "scenarios/scenario.h"

namespace raftlab::driver {

Json ScenarioResultJson(const scenarios::ScenarioResult& r);

// The worst exit code of the runs: 1 (a violation or a failed run) over 3 (a required verdict
// not earned) over 0; 1 when there is none.
int CombinedExitCode(const std::vector<scenarios::ScenarioResult>& results);

// Rebuilds the report, prints the runs (a line each, or one JSON document) and returns
// CombinedExitCode.
int ReportScenarioRuns(const std::vector<scenarios::ScenarioResult>& results, const std::string& out_dir,
                       double total_s, bool json, CliContext& ctx);

}  // namespace raftlab::driver
