// Writes a Lamport diagram (lamport_diagram.h) to files: the SVG as LamportSvg writes it, and a
// PNG of the same shapes drawn by gnuplot with the panels' PNG terminal (gnuplot_panels.h;
// panels draw their PNG with gnuplot, not from their SVG, and so does this).
// Runs gnuplot for the PNG only; Unsupported when it is missing. Thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "dashboards/lamport_diagram.h"

namespace raftlab::dashboards {

// Either path may be empty (not written). The SVG is written first.
Status DrawLamport(const LamportInput& input, const LamportOptions& options, const std::string& svg_path,
                   const std::string& png_path);

}  // namespace raftlab::dashboards
