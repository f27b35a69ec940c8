#include "driver/cli.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cluster/topology.h"
#include "driver/daemon_client.h"

namespace raftlab::driver {
namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> all = LabCommands();
  for (auto& c : ChaosCommands()) all.push_back(std::move(c));
  for (auto& c : MemberCommands()) all.push_back(std::move(c));
  for (auto& c : ScenarioCommands()) all.push_back(std::move(c));
  for (auto& c : EvidenceCommands()) all.push_back(std::move(c));
  for (auto& c : SoakCommands()) all.push_back(std::move(c));
  for (auto& c : LoadCommands()) all.push_back(std::move(c));
  for (auto& c : MessagesCommands()) all.push_back(std::move(c));
  return all;
}

void PrintUsage(const std::vector<Command>& commands, std::ostream& out) {
  out << "usage: raftlab [--state-dir DIR] COMMAND [ARGS] [--help]\n\n"
         "raftlab stands up a real etcd cluster in network namespaces, breaks it on purpose,\n"
         "and records the evidence that Raft's guarantees held.\n\ncommands:\n";
  for (const auto& c : commands) {
    std::string head = c.name + (c.args_usage.empty() ? "" : " " + c.args_usage);
    out << "  " << head << std::string(head.size() < 34 ? 34 - head.size() : 1, ' ') << c.summary << "\n";
  }
  out << "\nstate dir: $RAFTLAB_STATE_DIR or /var/lib/raftlab. `raftlab COMMAND --help` for details.\n";
}

void PrintCommandHelp(const Command& c, std::ostream& out) {
  out << "usage: raftlab " << c.name << (c.args_usage.empty() ? "" : " " + c.args_usage) << " [flags]\n\n"
      << c.summary << "\n";
  if (!c.details.empty()) out << "\n" << c.details << "\n";
  if (!c.flags.empty()) out << "\nflags:\n" << FlagsHelp(c.flags);
}

std::string SelfPath() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "raftlab" : p.string();
}

}  // namespace

CliContext::~CliContext() = default;

Result<DaemonClient*> CliContext::Daemon() {
  if (!daemon) {
    Result<std::unique_ptr<DaemonClient>> c = DaemonClient::Connect(state_dir, 2000);
    if (!c.ok()) return c.status();
    daemon = std::move(*c);
  }
  return daemon.get();
}

int CliContext::Fail(const std::string& command, const Status& s) {
  err << "raftlab " << command << ": " << s.message() << "\n";
  return s.code() == Code::kInvalidArgument ? 2 : 1;
}

int RunCli(const std::vector<std::string>& raw_args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> args = raw_args;
  std::string state_dir = cluster::DefaultStateDir();
  // Global flag before the command.
  while (!args.empty() && args[0].rfind("--state-dir", 0) == 0) {
    if (args[0] == "--state-dir" && args.size() >= 2) {
      state_dir = args[1];
      args.erase(args.begin(), args.begin() + 2);
    } else if (args[0].rfind("--state-dir=", 0) == 0) {
      state_dir = args[0].substr(12);
      args.erase(args.begin());
    } else {
      err << "raftlab: --state-dir needs a value\n";
      return 2;
    }
  }
  std::vector<Command> commands = AllCommands();
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintUsage(commands, args.empty() ? err : out);
    return args.empty() ? 2 : 0;
  }
  // Longest match: "wal dump" before "wal".
  const Command* cmd = nullptr;
  size_t words = 0;
  for (const auto& c : commands) {
    size_t n = 1 + static_cast<size_t>(std::count(c.name.begin(), c.name.end(), ' '));
    if (n > args.size() || n <= words) continue;
    std::string joined;
    for (size_t i = 0; i < n; ++i) joined += (i ? " " : "") + args[i];
    if (joined == c.name) {
      cmd = &c;
      words = n;
    }
  }
  if (cmd == nullptr) {
    std::string group_help;
    for (const auto& c : commands)
      if (c.name.rfind(args[0] + " ", 0) == 0) group_help += "  raftlab " + c.name + " " + c.args_usage + "\n";
    if (!group_help.empty()) {
      err << "raftlab " << args[0] << ": which one?\n" << group_help;
      return 2;
    }
    err << "raftlab: unknown command '" << args[0] << "' (raftlab --help lists them)\n";
    return 2;
  }
  std::vector<std::string> rest(args.begin() + static_cast<long>(words), args.end());
  for (const auto& a : rest) {
    if (a == "--help" || a == "-h") {
      PrintCommandHelp(*cmd, out);
      return 0;
    }
  }
  Result<ParsedArgs> parsed = ParseArgs(rest, cmd->flags);
  if (!parsed.ok()) {
    err << "raftlab " << cmd->name << ": " << parsed.status().message() << "\n";
    return 2;
  }
  if (parsed->positional.size() < cmd->min_positional || parsed->positional.size() > cmd->max_positional) {
    err << "raftlab " << cmd->name << ": expected " << (cmd->args_usage.empty() ? "no arguments" : cmd->args_usage)
        << "\nusage: raftlab " << cmd->name << " " << cmd->args_usage << " (--help for details)\n";
    return 2;
  }
  CliContext ctx{out, err, std::filesystem::absolute(state_dir).lexically_normal().string(), SelfPath()};
  return cmd->run(*parsed, ctx);
}

}  // namespace raftlab::driver
