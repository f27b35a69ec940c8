// The report: report/index.html beside runs/, linking every run folder with its scenario
// result, each checker's verdict, its transcript and its panels (relative paths, no external
// assets, so the folder opens offline and can be copied whole).
//
// RenderReport is pure (summaries in, HTML out); WriteReport reads runs/*/ (result.json,
// verdicts.json, transcript.md, panels/) and writes report/index.html. Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"

namespace raftlab::scenarios {

struct RunSummary {
  std::string folder;              // "20250101-120000-replicate" (under runs/)
  Json result;                     // result.json, or null for a run without one (a session)
  Json verdicts;                   // verdicts.json, or null
  std::string transcript;          // transcript.md, or ""
  std::vector<std::string> panels; // panel file names under panels/ (svg preferred)
};

std::string RenderReport(const std::vector<RunSummary>& runs, const std::string& generated_at);

// Reads <out_dir>/runs/* (newest first) and writes <out_dir>/report/index.html; returns its path.
Result<std::string> WriteReport(const std::string& out_dir);

}  // namespace raftlab::scenarios
