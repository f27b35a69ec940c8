// Command-line parsing for the raftlab CLI: declared flags (with or without a value, as
// `--flag v` or `--flag=v`) and positional arguments. Unknown flags are errors naming the
// flag. Pure; no I/O.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace raftlab::driver {

struct FlagSpec {
  std::string name;         // without dashes: "via"
  bool takes_value = false;
  std::string help;         // "MEMBER  send through this member"
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;   // boolean flags map to "true"; the last of repeats
  std::map<std::string, std::vector<std::string>> repeated;   // every value of a flag, in order

  bool Has(const std::string& flag) const { return values.count(flag) != 0; }
  std::string Get(const std::string& flag, const std::string& fallback = "") const {
    auto it = values.find(flag);
    return it == values.end() ? fallback : it->second;
  }
  // Every value a repeatable flag was given (`--agent a --agent b`), in order.
  std::vector<std::string> GetAll(const std::string& flag) const {
    auto it = repeated.find(flag);
    return it == repeated.end() ? std::vector<std::string>{} : it->second;
  }
  // Parses a non-negative integer flag; InvalidArgument naming the flag otherwise.
  Result<long> GetInt(const std::string& flag, long fallback) const;
};

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs);

// "  --via MEMBER  send through this member" lines for --help.
std::string FlagsHelp(const std::vector<FlagSpec>& specs);

// Parses "80ms", "1.5s", "5m", "1500" (ms) into milliseconds.
Result<long> ParseDurationMs(const std::string& text);

}  // namespace raftlab::driver
