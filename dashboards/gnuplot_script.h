// Gnuplot scripts for the static panels: one pure function from a catalogue panel and a run's
// series to the text of a gnuplot script and the data files it reads. gnuplot_panels.h writes
// them to a temp dir and runs gnuplot; keeping the text pure makes it testable without gnuplot.
//
// Every panel gets the same overlays: fault windows shaded red (transparent rectangles, with a
// label) and leader changes as vertical dashed lines labelled "<leader> t<term>". A state
// timeline is drawn as one row of coloured bars per member.
//
// Thread-safe (no shared state).
#pragma once

#include <map>
#include <string>

#include "dashboards/journal_series.h"
#include "dashboards/panel_catalogue.h"

namespace raftlab::dashboards {

struct GnuplotOutputs {
  std::string png_path;                   // absolute
  std::string svg_path;                   // absolute
  std::string png_terminal = "pngcairo";  // "png" where cairo is missing
};

struct GnuplotJob {
  std::string script;                             // reads its data files from the working dir
  std::map<std::string, std::string> data_files;  // file name -> contents
};

GnuplotJob PanelJob(const Panel& panel, const RunSeries& run, const GnuplotOutputs& out);

// A gnuplot single-quoted string literal: 'it''s'.
std::string GnuplotQuote(const std::string& s);

}  // namespace raftlab::dashboards
