#include "chaos/recording_agent_test_util.h"

#include <signal.h>

#include <algorithm>

#include "common/subprocess.h"

namespace raftlab::chaos::testing {
namespace {

RunResult Exit(int code, std::string err = "", std::string out = "") {
  RunResult r;
  r.exit_code = code;
  r.err = std::move(err);
  r.out = std::move(out);
  return r;
}

std::string SignalName(int sig) {
  switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGKILL: return "SIGKILL";
    case SIGSTOP: return "SIGSTOP";
    case SIGCONT: return "SIGCONT";
    case SIGINT: return "SIGINT";
    default: return std::to_string(sig);
  }
}

std::string Ref(const cluster::ProcessRef& p) { return p.host + "#" + std::to_string(p.id); }

}  // namespace

bool RecordingAgent::Injected(const std::string& line) {
  for (auto& f : failures_)
    if (f.times > 0 && line.find(f.needle) != std::string::npos) {
      --f.times;
      return true;
    }
  return false;
}

std::vector<std::string> RecordingAgent::Rules(const std::string& host) const {
  auto it = rules_.find(host);
  if (it == rules_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::string RecordingAgent::RootQdisc(const std::string& host) const {
  auto it = qdisc_.find(host);
  return it == qdisc_.end() ? "" : it->second;
}

bool RecordingAgent::Running(const cluster::ProcessRef& p) const { return running_.count(p.id) != 0; }

Result<std::string> RecordingAgent::HostIp(const std::string& host) {
  return "127.99.0.1" + host.substr(1);
}

RunResult RecordingAgent::Iptables(const std::string& host, const std::vector<std::string>& argv) {
  // iptables -w -A|-D|-C CHAIN rule...
  if (argv.size() < 4) return Exit(2, "iptables: bad argv");
  const std::string op = argv[2];
  std::vector<std::string> rule(argv.begin() + 4, argv.end());
  const std::string key = JoinArgv(rule);
  std::multiset<std::string>& chain = rules_[host];
  if (op == "-A") {
    chain.insert(key);
    return Exit(0);
  }
  auto it = chain.find(key);
  if (op == "-D") {
    if (it == chain.end()) return Exit(1, "iptables: Bad rule (does a matching rule exist in that chain?).");
    chain.erase(it);
    return Exit(0);
  }
  if (op == "-C") return it == chain.end() ? Exit(1, "iptables: Bad rule (does a matching rule exist in that chain?).") : Exit(0);
  return Exit(0);
}

RunResult RecordingAgent::Tc(const std::string& host, const std::vector<std::string>& argv) {
  // tc qdisc add|del|show dev eth0 root [kind ...]
  if (argv.size() < 6 || argv[1] != "qdisc") return Exit(0);
  const std::string& op = argv[2];
  std::string& root = qdisc_[host];
  if (op == "add") {
    const std::string kind = argv.size() > 6 ? argv[6] : "";
    if (kind == "netem" && !netem_supported) return Exit(2, "Error: Specified qdisc kind is unknown.");
    if (!root.empty()) return Exit(2, "RTNETLINK answers: File exists");
    root = kind;
    return Exit(0);
  }
  if (op == "del") {
    if (root.empty()) return Exit(2, "Error: Cannot delete qdisc with handle of zero.");
    root.clear();
    return Exit(0);
  }
  if (op == "show")
    return Exit(0, "", root.empty() ? "qdisc noqueue 0: root refcnt 2\n" : "qdisc " + root + " 8001: root refcnt 2\n");
  return Exit(0);
}

Result<RunResult> RecordingAgent::RunOnHost(const std::string& host, const std::vector<std::string>& argv) {
  const std::string line = host + ": " + JoinArgv(argv);
  calls.push_back(line);
  if (Injected(line)) return Exit(1, "injected failure");
  if (!argv.empty() && argv[0] == "iptables") return Iptables(host, argv);
  if (!argv.empty() && argv[0] == "tc") return Tc(host, argv);
  return Exit(0);
}

Result<cluster::ProcessRef> RecordingAgent::StartOnHost(const std::string& host, const std::vector<std::string>& argv,
                                                        const std::string& log_path) {
  calls.push_back("start " + host + ": " + JoinArgv(argv) + " >> " + log_path);
  cluster::ProcessRef p{host, next_process_++};
  if (next_process_exits_at_start) {
    next_process_exits_at_start = false;
    exited_[p.id] = "exited 1";
  } else {
    running_.insert(p.id);
  }
  return p;
}

Status RecordingAgent::Signal(const cluster::ProcessRef& p, int sig) {
  calls.push_back("signal " + Ref(p) + " " + SignalName(sig));
  if (exited_.count(p.id) != 0) return FailedPrecondition("process " + Ref(p) + " already exited");
  if (running_.count(p.id) == 0) return NotFound("no process " + Ref(p));
  if (sig == SIGTERM || sig == SIGKILL) {
    running_.erase(p.id);
    exited_[p.id] = "killed by " + SignalName(sig);
  }
  return Status::Ok();
}

Result<std::string> RecordingAgent::WaitExit(const cluster::ProcessRef& p, int timeout_ms) {
  calls.push_back("wait " + Ref(p) + " " + std::to_string(timeout_ms) + "ms");
  auto it = exited_.find(p.id);
  if (it != exited_.end()) return it->second;
  if (running_.count(p.id) == 0) return NotFound("no process " + Ref(p));
  return Timeout("process " + Ref(p) + " still runs");
}

Result<std::string> RecordingAgent::ReadFile(const std::string& host, const std::string& path) {
  calls.push_back("read " + host + ": " + path);
  auto it = files.find({host, path});
  if (it == files.end()) return NotFound(path + " does not exist");
  return it->second;
}

Status RecordingAgent::WriteFile(const std::string& host, const std::string& path, const std::string& bytes) {
  std::string shown = bytes;
  if (!shown.empty() && shown.back() == '\n') shown.pop_back();
  const std::string line = "write " + host + ": " + path + " = " + shown;
  calls.push_back(line);
  if (Injected(line)) return Internal("injected failure");
  files[{host, path}] = bytes;
  return Status::Ok();
}

FakeFaultContext::FakeFaultContext(int members) {
  for (int i = 1; i <= members; ++i) members_.push_back("n" + std::to_string(i));
}

std::string FakeFaultContext::MemberAddress(const std::string& member) const {
  if (std::find(members_.begin(), members_.end(), member) == members_.end()) return "";
  return "127.99.0.1" + member.substr(1);
}

Result<std::string> FakeFaultContext::ResolveTarget(const std::string& spec) {
  if (spec == "leader") return leader;
  if (spec == "a-follower") {
    for (const auto& m : members_)
      if (m != leader) return m;
    return Unavailable("no member is a follower right now");
  }
  if (std::find(members_.begin(), members_.end(), spec) == members_.end()) {
    std::string known;
    for (const auto& m : members_) known += (known.empty() ? "" : ", ") + m;
    return NotFound("unknown member '" + spec + "' (members: " + known + ")");
  }
  return spec;
}

Status FakeFaultContext::SignalMember(const std::string& member, int sig) {
  agent.calls.push_back("signal-member " + member + " " + SignalName(sig));
  if (sig == SIGKILL || sig == SIGTERM || sig == SIGINT) stopped.insert(member);
  return Status::Ok();
}

Status FakeFaultContext::RestartMember(const std::string& member) {
  agent.calls.push_back("restart-member " + member);
  if (fail_restarts > 0) {
    --fail_restarts;
    return Unavailable("etcd " + member + " did not answer within 60 s");
  }
  stopped.erase(member);
  return Status::Ok();
}

Result<std::string> FakeFaultContext::FsyncControlFile(const std::string& member) const {
  if (!slow_wal)
    return FailedPrecondition("member " + member + "'s WAL is on the plain disk: bring the lab up with --slow-wal");
  return "/lab/" + member + "/fsync-delay-ms";
}

}  // namespace raftlab::chaos::testing
