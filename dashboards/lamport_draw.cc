#include "dashboards/lamport_draw.h"

#include <filesystem>

#include "common/json_util.h"
#include "dashboards/gnuplot_panels.h"
#include "dashboards/gnuplot_script.h"

namespace raftlab::dashboards {

Status DrawLamport(const LamportInput& input, const LamportOptions& options, const std::string& svg_path,
                   const std::string& png_path) {
  const Scene scene = LamportScene(input, options);
  if (!svg_path.empty()) RL_RETURN_IF_ERROR(WriteFileAtomic(svg_path, SceneToSvg(scene)));
  if (png_path.empty()) return Status::Ok();
  const std::string gnuplot = FindGnuplot();
  if (gnuplot.empty()) return Unsupported("gnuplot is not installed (apt-get install gnuplot-nox); no PNG of the Lamport diagram");
  Result<std::string> terminal = PngTerminal(gnuplot);
  if (!terminal.ok()) return terminal.status();
  GnuplotOutputs out;
  out.png_path = std::filesystem::absolute(png_path).lexically_normal().string();
  out.png_terminal = *terminal;
  RL_RETURN_IF_ERROR(RunGnuplotJob(SceneToGnuplot(scene, out), "the Lamport diagram"));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(out.png_path, ec) || std::filesystem::file_size(out.png_path, ec) == 0)
    return Internal("gnuplot wrote no " + out.png_path);
  return Status::Ok();
}

}  // namespace raftlab::dashboards
