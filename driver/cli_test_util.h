// For the CLI's unit tests: RunCli in-process with its output captured, against a state dir
// where no raftlabd runs (so every command stops at its own checks, or at "raftlabd is not
// running"). Header-only; each test binary links raftlab_cli.
#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "driver/cli.h"

namespace raftlab::driver {

struct CliRan {
  int code = -1;
  std::string out, err;
};

// Cli({"load", "--rate", "0"}) runs `raftlab --state-dir DIR load --rate 0`.
class CliForTest {
 public:
  explicit CliForTest(std::string state_dir) : state_dir_(std::move(state_dir)) {}
  CliRan operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--state-dir", state_dir_});
    std::ostringstream out, err;
    int code = RunCli(args, out, err);
    return {code, out.str(), err.str()};
  }

 private:
  std::string state_dir_;
};

}  // namespace raftlab::driver
