#include "common/process_state.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace raftlab {

std::optional<ProcessState> ReadProcessState(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
  const size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= stat.size()) return std::nullopt;
  std::istringstream rest(stat.substr(close_paren + 2));
  ProcessState s;
  std::string skip;
  rest >> s.state >> s.ppid;
  for (int field = 5; field < 22 && rest; ++field) rest >> skip;   // pgrp .. nice .. itrealvalue
  rest >> s.start_ticks;
  if (!rest) return std::nullopt;
  return s;
}

bool SameProcessPresent(pid_t pid, uint64_t start_ticks) {
  std::optional<ProcessState> s = ReadProcessState(pid);
  return s.has_value() && s->start_ticks == start_ticks;
}

pid_t FlockHolder(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  // "4: FLOCK  ADVISORY  WRITE 19813 fe:00:10952718 0 EOF" (a waiter has "->" before FLOCK).
  std::ifstream in("/proc/locks");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string ordinal, type, mode, access;
    long pid = 0;
    unsigned major_dev = 0, minor_dev = 0;
    unsigned long long inode = 0;
    std::string where;
    if (!(fields >> ordinal >> type >> mode >> access >> pid >> where) || type != "FLOCK") continue;
    if (std::sscanf(where.c_str(), "%x:%x:%llu", &major_dev, &minor_dev, &inode) != 3) continue;
    if (inode == st.st_ino && major_dev == major(st.st_dev) && minor_dev == minor(st.st_dev) && pid > 0)
      return static_cast<pid_t>(pid);
  }
  return 0;
}

}  // namespace raftlab
