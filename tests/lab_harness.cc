#include "tests/lab_harness.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/privileges.h"

namespace raftlab::testing {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string BuildDir() {
  const char* d = std::getenv("RAFTLAB_BUILD_DIR");
  return d != nullptr ? d : "build";
}

}  // namespace

std::string WhyNoLab() {
  if (Status s = CheckNetAdmin(); !s.ok()) return s.message();
  if (!IsExecutable("/usr/bin/etcd")) return "no /usr/bin/etcd (apt-get install etcd-server)";
  return "";
}

LabHarness::LabHarness() {
  lock_fd_ = open(kLabLockFile, O_CREAT | O_RDWR | O_CLOEXEC, 0666);
  if (lock_fd_ >= 0) flock(lock_fd_, LOCK_EX);
  char tmpl[] = "/tmp/raftlab-test-XXXXXX";
  work_dir_ = mkdtemp(tmpl);
  state_dir_ = work_dir_ + "/state";
}

LabHarness::~LabHarness() {
  Cli({"down"});
  std::error_code ec;
  std::filesystem::remove_all(work_dir_, ec);
  if (lock_fd_ >= 0) close(lock_fd_);   // releases the flock
}

std::string LabHarness::BuildPath(const std::string& rel) const { return BuildDir() + "/" + rel; }

CliRun LabHarness::Cli(const std::vector<std::string>& args) const { return CliAs(args, {}); }

CliRun LabHarness::CliAs(const std::vector<std::string>& args, const std::vector<std::string>& prefix) const {
  std::vector<std::string> argv = prefix;
  argv.push_back(std::filesystem::absolute(BuildPath("raftlab")).string());
  argv.push_back("--state-dir=" + state_dir_);
  argv.insert(argv.end(), args.begin(), args.end());
  SpawnOptions opts;
  opts.cwd = work_dir_;
  CliRun run;
  Result<RunResult> r = Run(argv, opts);
  if (!r.ok()) {
    run.err = r.status().ToString();
    return run;
  }
  run.exit_code = r->exit_code;
  run.out = r->out;
  run.err = r->err;
  Result<Json> j = ParseJson(run.out);
  if (j.ok()) run.json = *j;
  return run;
}

std::vector<std::string> LabHarness::HostSnapshot() const {
  std::vector<std::string> snap;
  auto add = [&](const std::string& tag, const std::vector<std::string>& cmd) {
    Result<RunResult> r = Run(cmd);
    if (!r.ok()) return;
    for (auto& line : Lines(r->out)) {
      // Link indexes and counters change between runs; names do not.
      if (tag == "link") line = line.substr(0, line.find('<'));
      snap.push_back(tag + ": " + line);
    }
  };
  add("netns", {"ip", "netns", "list"});
  add("link", {"ip", "-o", "link", "show"});
  add("iptables", {"iptables-save"});
  std::vector<std::string> filtered;
  for (auto& line : snap)
    if (line.rfind("iptables: #", 0) != 0 && line.find("iptables: :") != 0) filtered.push_back(line);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (!std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    if (cmd.find(state_dir_) != std::string::npos && cmd.find("raftlab --state-dir") == std::string::npos &&
        std::stoi(name) != getpid())
      filtered.push_back("process: " + name + " " + cmd);
  }
  std::ifstream mounts("/proc/mounts");
  for (std::string line; std::getline(mounts, line);)
    if (line.find(state_dir_) != std::string::npos) filtered.push_back("mount: " + line);
  return filtered;
}

std::vector<std::string> Added(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  std::set<std::string> old(before.begin(), before.end());
  std::vector<std::string> out;
  for (const auto& l : after) if (old.count(l) == 0) out.push_back(l);
  return out;
}

std::vector<Json> ReadJournal(const std::string& path) {
  std::vector<Json> events;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    Result<Json> j = ParseJson(line);
    if (j.ok()) events.push_back(*j);
  }
  return events;
}

}  // namespace raftlab::testing
