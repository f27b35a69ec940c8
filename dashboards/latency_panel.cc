#include "dashboards/latency_panel.h"

#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <utility>

#include "common/subprocess.h"
#include "dashboards/gnuplot_panels.h"

namespace raftlab::dashboards {
namespace {

namespace fs = std::filesystem;

constexpr int kBinsPerOctave = 8;
const char* const kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"};

std::string Fmt(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

Result<std::vector<LatencySeries>> LatencySeriesFromLoadJson(const Json& doc) {
  if (!doc.is_object() || !doc.contains("kinds") || !doc["kinds"].is_object())
    return InvalidArgument("not a load report: no \"kinds\"");
  std::vector<LatencySeries> out;
  for (const auto& [kind, k] : doc["kinds"].items()) {
    if (!k.is_object() || !k.contains("latency")) continue;
    const Json& lat = k["latency"];
    LatencySeries s;
    s.kind = kind;
    s.count = lat.value("count", uint64_t{0});
    s.p50_ms = lat.value("p50_ms", 0.0);
    s.p99_ms = lat.value("p99_ms", 0.0);
    if (s.count == 0) continue;
    std::map<int, uint64_t> bins;   // bin i covers [2^(i/8), 2^((i+1)/8)) ns
    for (const Json& b : lat.value("buckets", Json::array())) {
      if (!b.is_array() || b.size() != 3) return InvalidArgument("bucket of " + kind + " is not [low, high, count]");
      double mid = (b[0].get<double>() + b[1].get<double>()) / 2;
      int i = static_cast<int>(std::floor(std::log2(std::max(mid, 1.0)) * kBinsPerOctave));
      bins[i] += b[2].get<uint64_t>();
    }
    for (const auto& [i, n] : bins)
      s.bins.push_back({std::exp2(static_cast<double>(i) / kBinsPerOctave) / 1e6,
                        std::exp2(static_cast<double>(i + 1) / kBinsPerOctave) / 1e6, n});
    out.push_back(std::move(s));
  }
  return out;
}

GnuplotJob LatencyPanelJob(const std::string& title, const std::vector<LatencySeries>& series, const GnuplotOutputs& out) {
  GnuplotJob job;
  std::ostringstream s;
  const int height = 420;
  double lo = 1e9, hi = 0, top = 0;
  for (const LatencySeries& ls : series)
    for (const LatencyBin& b : ls.bins) {
      lo = std::min(lo, b.low_ms);
      hi = std::max(hi, b.high_ms);
      top = std::max(top, 100.0 * static_cast<double>(b.count) / static_cast<double>(ls.count));
    }
  if (hi <= 0) lo = 0.01, hi = 10, top = 1;
  s << "set encoding utf8\n";
  if (out.png_terminal == "pngcairo")
    s << "set terminal pngcairo size 1100," << height << " noenhanced font 'DejaVu Sans,10'\n";
  else
    s << "set terminal png size 1100," << height << " noenhanced\n";
  s << "set output " << GnuplotQuote(out.png_path) << "\n";
  s << "set title " << GnuplotQuote(title) << " font ',13'\n";
  s << "set xlabel 'latency of ok ops (ms, log scale)'\nset ylabel '% of the kind''s ok ops per bin'\n";
  s << "set logscale x 10\nset xrange [" << Fmt(lo / 1.2) << ":" << Fmt(hi * 1.2) << "]\n";
  s << "set yrange [0:" << Fmt(top * 1.35) << "]\n";   // room for the key
  s << "set border 3\nset tics nomirror\nset grid xtics mxtics lc rgb '#dddddd'\n";
  s << "set key inside right top vertical Right noreverse samplen 2 spacing 1.2 opaque box lc rgb '#cccccc'\n";
  s << "set style fill transparent solid 0.35 border\n";
  // Each bin a box from 0 to its share, between its bounds (boxxyerror: x y xlow xhigh ylow yhigh).
  std::string plot;
  for (size_t i = 0; i < series.size(); ++i) {
    const LatencySeries& ls = series[i];
    const std::string file = "series" + std::to_string(i) + ".dat";
    std::string data;
    for (const LatencyBin& b : ls.bins)
      data += Fmt(b.low_ms) + " " + Fmt(b.high_ms) + " " +
              Fmt(100.0 * static_cast<double>(b.count) / static_cast<double>(ls.count)) + "\n";
    job.data_files[file] = data;
    const char* color = kColors[i % (sizeof kColors / sizeof kColors[0])];
    for (auto [v, dash] : {std::pair{ls.p50_ms, "dt 1"}, std::pair{ls.p99_ms, "dt (6,4)"}})
      if (v > 0)
        s << "set arrow from " << Fmt(v) << ", graph 0 to " << Fmt(v) << ", graph 1 nohead lw 1.5 " << dash
          << " lc rgb '" << color << "'\n";
    char label[240];
    snprintf(label, sizeof label, "%s: %llu ok, p50 %.2f ms, p99 %.2f ms (lines: p50 solid, p99 dashed)",
             ls.kind.c_str(), static_cast<unsigned long long>(ls.count), ls.p50_ms, ls.p99_ms);
    plot += std::string(plot.empty() ? "plot " : ", ") + GnuplotQuote(file) +
            " using (sqrt($1*$2)):($3/2):1:2:(0):3 with boxxyerror lc rgb '" + color + "' title " + GnuplotQuote(label);
  }
  if (plot.empty()) plot = "plot 1/0 title 'no ok ops'";
  s << plot << "\n";
  s << "set terminal svg size 1100," << height << " dynamic noenhanced font 'DejaVu Sans,10' background rgb 'white'\n";
  s << "set output " << GnuplotQuote(out.svg_path) << "\nreplot\n";
  job.script = s.str();
  return job;
}

Status DrawLatencyPanel(const std::string& run_dir, const std::string& id, const std::string& title,
                        const Json& load_doc, std::vector<std::string>* written) {
  Result<std::vector<LatencySeries>> series = LatencySeriesFromLoadJson(load_doc);
  if (!series.ok()) return series.status();
  const std::string gnuplot = FindGnuplot();
  if (gnuplot.empty()) return Unsupported("gnuplot is not installed (apt-get install gnuplot-nox); no latency panel");
  Result<std::string> png = PngTerminal(gnuplot);
  if (!png.ok()) return png.status();
  const std::string panels = (fs::absolute(run_dir) / "panels").lexically_normal().string();
  RL_RETURN_IF_ERROR(MakeDirs(panels));
  GnuplotOutputs out{panels + "/" + id + ".png", panels + "/" + id + ".svg", *png};
  GnuplotJob job = LatencyPanelJob(title, *series, out);
  std::string tmp = (fs::temp_directory_path() / "raftlab-latency-XXXXXX").string();
  if (mkdtemp(tmp.data()) == nullptr) return Internal("cannot create a temp dir for gnuplot");
  Status result = Status::Ok();
  for (const auto& [name, contents] : job.data_files)
    if (result.ok()) result = WriteFileAtomic(tmp + "/" + name, contents);
  if (result.ok()) result = WriteFileAtomic(tmp + "/panel.gp", job.script);
  if (result.ok()) {
    SpawnOptions opts;
    opts.cwd = tmp;
    Result<RunResult> r = Run({gnuplot, "panel.gp"}, opts);
    if (!r.ok()) result = r.status();
    else if (!r->ok()) result = Internal("gnuplot failed on the latency panel " + id + ": " + r->Describe());
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);
  RL_RETURN_IF_ERROR(result);
  for (const std::string& path : {out.png_path, out.svg_path}) {
    if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) == 0) return Internal("gnuplot wrote no " + path);
    if (written != nullptr) written->push_back(path);
  }
  return Status::Ok();
}

}  // namespace raftlab::dashboards
