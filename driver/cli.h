// The raftlab CLI. main() only calls RunCli(); commands are rows of a table, each with its
// usage, flags and handler, grouped in cli_*_commands.cc files. Output goes to the given
// streams so tests can run the CLI in-process.
//
// Exit codes: 0 success, 1 the operation failed (or a check found a violation), 2 bad
// usage or input, 3 a verdict could not be reached (unknown).
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "driver/cli_args.h"

namespace raftlab::v1 {
class LabControl;
}

namespace raftlab::driver {

class DaemonClient;

struct CliContext {
  std::ostream& out;
  std::ostream& err;
  std::string state_dir;
  std::string self_path;       // path of the raftlab binary (raftlabd is beside it)
  // Connects to raftlabd; Unavailable with a hint when it is not running.
  Result<DaemonClient*> Daemon();
  // Prints "raftlab <command>: <message>" and returns the exit code for the status.
  int Fail(const std::string& command, const Status& s);

  std::unique_ptr<DaemonClient> daemon;
  ~CliContext();
};

struct Command {
  std::string name;            // "up", "wal dump"
  std::string args_usage;      // "KEY VALUE"
  std::string summary;
  std::vector<FlagSpec> flags;
  size_t min_positional = 0;
  size_t max_positional = 0;
  std::function<int(const ParsedArgs&, CliContext&)> run;
  std::string details;         // extra --help text
};

// Command groups, one per file.
std::vector<Command> LabCommands();
std::vector<Command> ChaosCommands();
std::vector<Command> MemberCommands();
std::vector<Command> ScenarioCommands();
std::vector<Command> EvidenceCommands();
std::vector<Command> SoakCommands();
std::vector<Command> LoadCommands();
std::vector<Command> MessagesCommands();

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace raftlab::driver
