#include "common/process_state.h"

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

}  // namespace raftlab
