// Static panels for a run's report: for a run directory holding journal.jsonl, draws every
// catalogue panel (panel_catalogue.h) to panels/<id>.png and panels/<id>.svg with gnuplot.
//
// Runs /usr/bin/gnuplot (or the first gnuplot on PATH) once per panel through
// common/subprocess.h, from a private temp dir (removed afterwards) holding the panel's
// script and data files. PNG uses the pngcairo terminal, or plain png where cairo is missing;
// SVG uses the svg terminal. Without gnuplot the call fails (Unsupported) and says how to
// install it: panels are never skipped silently.
//
// Thread-safe: calls share nothing but the run directory they are given.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace raftlab::dashboards {

// Draws all panels; `written` (may be null) receives the paths of the files written, PNG and
// SVG of each panel in catalogue order. Fails on an unreadable journal, a missing gnuplot or
// a gnuplot error (with its stderr), after writing whatever panels succeeded before.
Status DrawPanels(const std::string& run_dir, std::vector<std::string>* written);

// Runs one job (its script and data files in a private temp dir, removed afterwards) with the
// gnuplot found; `what` names it in errors ("the Lamport diagram"). Unsupported without gnuplot.
struct GnuplotJob;
Status RunGnuplotJob(const GnuplotJob& job, const std::string& what);

// The gnuplot found, or "" when none is installed.
std::string FindGnuplot();

// "pngcairo" when this gnuplot has it, else "png"; Unsupported when neither png nor svg exists.
Result<std::string> PngTerminal(const std::string& gnuplot);

}  // namespace raftlab::dashboards
