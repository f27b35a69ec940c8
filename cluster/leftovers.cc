#include "cluster/leftovers.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/subprocess.h"

namespace raftlab::cluster {
namespace {

std::string ReadCmdline(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : raw) if (c == '\0') c = ' ';
  while (!raw.empty() && raw.back() == ' ') raw.pop_back();
  return raw;
}

int ParentOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close_paren + 2));
  std::string state;
  int ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

// Basename of the process's executable ("etcd"), "" when it cannot be read.
std::string ExecutableName(int pid) {
  std::error_code ec;
  std::string exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
  if (ec) return "";
  // A binary replaced while running reads as "/path/name (deleted)".
  if (size_t d = exe.find(" (deleted)"); d != std::string::npos) exe.resize(d);
  return exe.substr(exe.rfind('/') + 1);
}

bool IsLabProgram(const std::string& name) {
  static const std::set<std::string> kPrograms = {"etcd", "raftlabd", "raftlab-slowfs", "raftlab-delayer", "raftlab-capture", "prometheus"};
  return kPrograms.count(name) != 0;
}

std::set<int> SelfAndAncestors() {
  std::set<int> out;
  for (int pid = getpid(); pid > 1 && out.insert(pid).second;) pid = ParentOf(pid);
  return out;
}

bool ProcessAlive(int pid) {
  // A zombie still has /proc/<pid>; it holds nothing, so it counts as gone.
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t p = stat.rfind(')');
  return !stat.empty() && p != std::string::npos && p + 2 < stat.size() && stat[p + 2] != 'Z';
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

bool IsLabNetnsName(const std::string& name) {
  return name == kBridgeNetns || (name.size() == 5 && name.rfind("rl-n", 0) == 0 &&
                                  MemberOrdinal(name.substr(3)) != 0);
}

bool IsLabLinkName(const std::string& name) {
  static const std::regex member_veth("rl-n[1-9]-[mb]");
  return name == kUplink || name == kUplinkPeer || std::regex_match(name, member_veth);
}

Leftovers FindLeftovers(const std::string& state_dir) {
  Leftovers found;
  std::set<int> exempt = SelfAndAncestors();
  if (DIR* proc = opendir("/proc")) {
    while (dirent* e = readdir(proc)) {
      int pid = atoi(e->d_name);
      if (pid <= 1 || exempt.count(pid) != 0) continue;
      std::string cmd = ReadCmdline(pid);
      if (cmd.find(state_dir + "/") == std::string::npos && cmd.find(state_dir + " ") == std::string::npos &&
          !(cmd.size() >= state_dir.size() && cmd.compare(cmd.size() - state_dir.size(), state_dir.size(), state_dir) == 0))
        continue;
      // Only the lab's own programs: a user's shell or the CLI may name the state dir too.
      if (!IsLabProgram(ExecutableName(pid))) continue;
      if (!ProcessAlive(pid)) continue;
      found.pids.push_back(pid);
      found.descriptions.push_back("process " + std::to_string(pid) + ": " + cmd.substr(0, 160));
    }
    closedir(proc);
  }
  std::ifstream mounts("/proc/mounts");
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream fields(line);
    std::string dev, mnt;
    fields >> dev >> mnt;
    if (mnt.rfind(state_dir + "/", 0) == 0) {
      found.mounts.push_back(mnt);
      found.descriptions.push_back("mount " + mnt + " (" + dev + ")");
    }
  }
  if (Result<RunResult> r = Run({"ip", "netns", "list"}); r.ok()) {
    for (const auto& line : Lines(r->out)) {
      std::string name = line.substr(0, line.find(' '));
      if (IsLabNetnsName(name)) {
        found.netns.push_back(name);
        found.descriptions.push_back("netns " + name);
      }
    }
  }
  if (Result<RunResult> r = Run({"ip", "-o", "link", "show"}); r.ok()) {
    for (const auto& line : Lines(r->out)) {
      // "12: rl-up@if11: <BROADCAST,..."
      size_t a = line.find(": ");
      if (a == std::string::npos) continue;
      std::string name = line.substr(a + 2, line.find_first_of("@:", a + 2) - (a + 2));
      if (IsLabLinkName(name)) {
        found.links.push_back(name);
        found.descriptions.push_back("link " + name);
      }
    }
  }
  return found;
}

std::vector<std::string> RemoveLeftovers(const std::string& state_dir) {
  Leftovers found = FindLeftovers(state_dir);
  std::vector<std::string> removed;
  for (int pid : found.pids) kill(pid, SIGKILL);
  int64_t deadline = MonoNowNs() + 3'000'000'000LL;
  for (int pid : found.pids) {
    while (ProcessAlive(pid) && MonoNowNs() < deadline) SleepMs(20);
  }
  for (const auto& m : found.mounts) {
    // Lazy: a mount whose server was just killed may still report busy for a moment.
    if (Run({"umount", "-l", m}).ok()) removed.push_back("unmounted " + m);
  }
  for (const auto& ns : found.netns) {
    if (Result<RunResult> r = Run({"ip", "netns", "del", ns}); r.ok() && r->ok()) removed.push_back("deleted netns " + ns);
  }
  for (const auto& link : found.links) {
    // Deleting one end of a veth removes the other: a second delete may find it gone.
    if (Result<RunResult> r = Run({"ip", "link", "del", link}); r.ok() && r->ok()) removed.push_back("deleted link " + link);
  }
  for (size_t i = 0; i < found.pids.size(); ++i) removed.insert(removed.begin() + i, "killed " + found.descriptions[i]);
  return removed;
}

std::vector<std::string> SweepLab(const std::string& state_dir) {
  std::vector<std::string> removed = RemoveLeftovers(state_dir);
  const LabPaths paths{state_dir};
  std::error_code ec;
  const std::string members = paths.state_dir + "/members";
  if (std::filesystem::exists(members, ec) && std::filesystem::remove_all(members, ec) > 0 && !ec)
    removed.push_back("removed the members' data under " + members);
  if (std::filesystem::remove(paths.StateFile(), ec) && !ec) removed.push_back("removed " + paths.StateFile());
  return removed;
}

}  // namespace raftlab::cluster
