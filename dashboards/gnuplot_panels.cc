#include "dashboards/gnuplot_panels.h"

#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "common/json_util.h"
#include "common/subprocess.h"
#include "dashboards/gnuplot_script.h"
#include "dashboards/journal_series.h"
#include "dashboards/panel_catalogue.h"

namespace raftlab::dashboards {
namespace {

namespace fs = std::filesystem;

// A temp dir removed when it goes out of scope.
class TempDir {
 public:
  static Result<TempDir> Make() {
    std::string pattern = (fs::temp_directory_path() / "raftlab-panels-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return Internal("cannot create a temp dir for gnuplot");
    return TempDir(pattern);
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

bool NonEmptyFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0;
}

}  // namespace

Result<std::string> PngTerminal(const std::string& gnuplot) {
  Result<RunResult> r = Run({gnuplot, "-e", "set terminal"});
  if (!r.ok()) return r.status();
  std::string list = r->out + r->err;
  auto has = [&](const std::string& name) {
    std::istringstream in(list);
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string first;
      if (words >> first && first == name) return true;
    }
    return false;
  };
  if (!has("svg")) return Unsupported(gnuplot + " has no svg terminal; install gnuplot-nox");
  if (has("pngcairo")) return std::string("pngcairo");
  if (has("png")) return std::string("png");
  return Unsupported(gnuplot + " has neither the pngcairo nor the png terminal; install gnuplot-nox");
}

std::string FindGnuplot() {
  if (IsExecutable("/usr/bin/gnuplot")) return "/usr/bin/gnuplot";
  const char* path = getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && IsExecutable(dir + "/gnuplot")) return dir + "/gnuplot";
  return "";
}

Status RunGnuplotJob(const GnuplotJob& job, const std::string& what) {
  const std::string gnuplot = FindGnuplot();
  if (gnuplot.empty()) return Unsupported("gnuplot is not installed (apt-get install gnuplot-nox); cannot draw " + what);
  Result<TempDir> tmp = TempDir::Make();
  if (!tmp.ok()) return tmp.status();
  for (const auto& [name, contents] : job.data_files) RL_RETURN_IF_ERROR(WriteFileAtomic(tmp->path() + "/" + name, contents));
  RL_RETURN_IF_ERROR(WriteFileAtomic(tmp->path() + "/job.gp", job.script));
  SpawnOptions opts;
  opts.cwd = tmp->path();
  Result<RunResult> r = Run({gnuplot, "job.gp"}, opts);
  if (!r.ok()) return r.status();
  if (!r->ok()) return Internal("gnuplot failed on " + what + ": " + r->Describe());
  return Status::Ok();
}

Status DrawPanels(const std::string& run_dir, std::vector<std::string>* written) {
  Result<RunSeries> run = LoadRunSeries(run_dir);
  if (!run.ok()) return run.status();
  std::string gnuplot = FindGnuplot();
  if (gnuplot.empty())
    return Unsupported("gnuplot is not installed (apt-get install gnuplot-nox); cannot draw the panels of " + run_dir);
  Result<std::string> png_terminal = PngTerminal(gnuplot);
  if (!png_terminal.ok()) return png_terminal.status();

  std::error_code ec;
  std::string panels_dir = (fs::absolute(run_dir, ec) / "panels").lexically_normal().string();
  RL_RETURN_IF_ERROR(MakeDirs(panels_dir));
  Result<TempDir> tmp = TempDir::Make();
  if (!tmp.ok()) return tmp.status();

  for (const Panel& panel : Catalogue()) {
    GnuplotOutputs out{panels_dir + "/" + panel.id + ".png", panels_dir + "/" + panel.id + ".svg", *png_terminal};
    GnuplotJob job = PanelJob(panel, *run, out);
    std::string dir = tmp->path() + "/" + panel.id;
    RL_RETURN_IF_ERROR(MakeDirs(dir));
    for (const auto& [name, contents] : job.data_files) RL_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + name, contents));
    RL_RETURN_IF_ERROR(WriteFileAtomic(dir + "/panel.gp", job.script));
    SpawnOptions opts;
    opts.cwd = dir;
    Result<RunResult> r = Run({gnuplot, "panel.gp"}, opts);
    if (!r.ok()) return r.status();
    if (!r->ok()) return Internal("gnuplot failed on panel " + panel.id + ": " + r->Describe());
    for (const std::string& path : {out.png_path, out.svg_path}) {
      if (!NonEmptyFile(path)) return Internal("gnuplot wrote no " + path + " (stderr: " + r->err + ")");
      if (written != nullptr) written->push_back(path);
    }
  }
  return Status::Ok();
}

}  // namespace raftlab::dashboards
