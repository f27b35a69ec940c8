#include "driver/cli_args.h"

#include <cstdlib>

namespace raftlab::driver {

Result<long> ParsedArgs::GetInt(const std::string& flag, long fallback) const {
  auto it = values.find(flag);
  if (it == values.end()) return fallback;
  char* end = nullptr;
  long v = strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || v < 0)
    return InvalidArgument("--" + flag + " needs a non-negative whole number, got '" + it->second + "'");
  return v;
}

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 3 || a.rfind("--", 0) != 0) {
      out.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::string value;
    bool inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs) if (s.name == name) spec = &s;
    if (spec == nullptr) return InvalidArgument("unknown flag --" + name + " (see --help)");
    if (spec->takes_value && !inline_value) {
      if (i + 1 >= args.size()) return InvalidArgument("--" + name + " needs a value");
      value = args[++i];
    }
    if (!spec->takes_value) {
      if (inline_value) return InvalidArgument("--" + name + " takes no value");
      value = "true";
    }
    out.values[name] = value;
    out.repeated[name].push_back(value);
  }
  return out;
}

std::string FlagsHelp(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const auto& s : specs) out += "  --" + s.name + (s.help.empty() ? "" : "  " + s.help) + "\n";
  return out;
}

Result<long> ParseDurationMs(const std::string& text) {
  char* end = nullptr;
  double v = strtod(text.c_str(), &end);
  std::string unit = end != nullptr ? end : "";
  if (text.empty() || end == text.c_str() || v < 0) return InvalidArgument("not a duration: '" + text + "'");
  if (unit.empty() || unit == "ms") return static_cast<long>(v);
  if (unit == "s") return static_cast<long>(v * 1000);
  if (unit == "us") return static_cast<long>(v / 1000);
  if (unit == "m" || unit == "min") return static_cast<long>(v * 60000);
  return InvalidArgument("not a duration: '" + text + "' (use e.g. 80ms, 1.5s or 5m)");
}

}  // namespace raftlab::driver
