#include "tests/chaos_test_util.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/clock.h"
#include "common/subprocess.h"

namespace raftlab::testing {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Netns(const std::string& member) { return "rl-" + member; }

}  // namespace

std::string Str(const Json& j) { return j.is_string() ? j.get<std::string>() : ""; }

std::string Lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

std::string MemberIp(const std::string& member) { return "127.99.0.1" + member.substr(1); }

double SecondsSince(int64_t mono_ns) { return static_cast<double>(MonoNowNs() - mono_ns) / 1e9; }

bool WaitUntil(const std::function<bool()>& pred, int timeout_ms, int poll_ms) {
  const int64_t deadline = MonoNowNs() + static_cast<int64_t>(timeout_ms) * 1'000'000;
  for (;;) {
    if (pred()) return true;
    if (MonoNowNs() >= deadline) return false;
    SleepMs(poll_ms);
  }
}

// ---- LabStatus

const Json* LabStatus::Member(const std::string& name) const {
  if (!json.contains("members")) return nullptr;
  for (const auto& m : json["members"])
    if (Str(m["name"]) == name) return &m;
  return nullptr;
}

std::string LabStatus::AgreedLeader(const std::vector<std::string>& among) const {
  if (!json.contains("members")) return "";
  std::set<std::string> named;
  std::set<uint64_t> terms;
  int leaders = 0;
  for (const auto& m : json["members"]) {
    std::string name = Str(m["name"]);
    if (!among.empty() && std::find(among.begin(), among.end(), name) == among.end()) continue;
    if (among.empty() && Str(m["role"]) == "down") continue;   // every running member
    if (!m["healthy"].get<bool>()) return "";
    named.insert(Str(m["leader"]));
    terms.insert(m["term"].get<uint64_t>());
    if (Str(m["role"]) == "leader") ++leaders;
  }
  if (leaders != 1 || named.size() != 1 || terms.size() != 1 || named.begin()->empty()) return "";
  return *named.begin();
}

uint64_t LabStatus::Term(const std::string& name) const {
  const Json* m = Member(name);
  return m != nullptr && (*m)["term"].is_number() ? (*m)["term"].get<uint64_t>() : 0;
}

std::string LabStatus::Role(const std::string& name) const {
  const Json* m = Member(name);
  return m != nullptr ? Str((*m)["role"]) : "";
}

std::string LabStatus::LeaderSeenBy(const std::string& name) const {
  const Json* m = Member(name);
  return m != nullptr ? Str((*m)["leader"]) : "";
}

// ---- ChaosLab

ChaosLab::ChaosLab() = default;

ChaosLab::~ChaosLab() {
  for (auto& s : servers_)
    if (s.pid > 0) {
      kill(s.pid, SIGKILL);
      waitpid(s.pid, nullptr, 0);
      std::filesystem::remove(s.out_path);
    }
}

CliRun ChaosLab::MustCli(const std::vector<std::string>& args) const {
  CliRun r = lab_.Cli(args);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    ADD_FAILURE() << "raftlab " << cmd << "exited " << r.exit_code << ": " << r.err;
  }
  return r;
}

bool ChaosLab::Up(const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"up", "--json"};
  args.insert(args.end(), flags.begin(), flags.end());
  CliRun up = lab_.Cli(args);
  if (up.exit_code != 0) {
    ADD_FAILURE() << "up failed: " << up.err;
    return false;
  }
  journal_ = Str(up.json["journal"]);
  members_.clear();
  for (const auto& m : up.json["members"]) members_.push_back(Str(m["name"]));
  if (WaitAgreedLeader(20000).empty()) {
    ADD_FAILURE() << "no agreed leader 20 s after up: " << Status().json.dump();
    return false;
  }
  return true;
}

LabStatus ChaosLab::Status() const {
  CliRun r = lab_.Cli({"status", "--json"});
  LabStatus s;
  if (r.exit_code == 0) s.json = r.json;
  return s;
}

std::optional<LabStatus> ChaosLab::WaitStatus(const std::function<bool(const LabStatus&)>& pred, int timeout_ms) const {
  LabStatus last;
  bool ok = WaitUntil([&] {
    last = Status();
    return pred(last);
  }, timeout_ms, 50);
  if (!ok) return std::nullopt;
  return last;
}

std::string ChaosLab::WaitAgreedLeader(int timeout_ms, const std::vector<std::string>& among) const {
  std::optional<LabStatus> s = WaitStatus([&](const LabStatus& st) { return !st.AgreedLeader(among).empty(); }, timeout_ms);
  return s ? s->AgreedLeader(among) : "";
}

std::string ChaosLab::IptablesSave(const std::string& member) const {
  Result<RunResult> r = Run({"ip", "netns", "exec", Netns(member), "iptables-save"});
  if (!r.ok() || !r->ok()) return "<iptables-save failed in " + Netns(member) + ">";
  std::string out;
  for (const auto& line : SplitLines(r->out)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == ':') {
      // ":CHAIN POLICY [packets:bytes]": keep the chain and policy, drop the counters.
      out += line.substr(0, line.find(" [")) + "\n";
      continue;
    }
    out += line + "\n";
  }
  return out;
}

std::map<std::string, std::string> ChaosLab::AllIptables() const {
  std::map<std::string, std::string> all;
  for (const auto& m : members_) all[m] = IptablesSave(m);
  return all;
}

std::vector<std::string> ChaosLab::FaultRules(const std::string& member) const {
  std::vector<std::string> rules;
  for (const auto& line : SplitLines(IptablesSave(member)))
    if (line.rfind("-A RAFTLAB-FAULTS", 0) == 0) rules.push_back(line);
  return rules;
}

std::string ChaosLab::TcQdisc(const std::string& member) const {
  Result<RunResult> r = Run({"ip", "netns", "exec", Netns(member), "tc", "qdisc", "show", "dev", "eth0"});
  return r.ok() ? r->out : "";
}

std::vector<std::string> ChaosLab::FaultIds() const {
  CliRun r = lab_.Cli({"faults", "--json"});
  std::vector<std::string> ids;
  if (r.exit_code != 0 || !r.json.contains("faults")) return {"<faults failed: " + r.err + ">"};
  for (const auto& f : r.json["faults"]) ids.push_back(Str(f["id"]));
  return ids;
}

std::optional<ProbeServer> ChaosLab::StartProbeServer(const std::string& member, int port, int duration_ms) {
  ProbeServer s;
  s.member = member;
  s.port = port;
  s.out_path = lab_.work_dir() + "/probe-" + member + "-" + std::to_string(port) + ".out";
  std::string probe = std::filesystem::absolute(lab_.BuildPath("tests/raftlab-probe")).string();
  Result<pid_t> pid = Start({"ip", "netns", "exec", Netns(member), probe, "serve", "--port", std::to_string(port),
                             "--duration-ms", std::to_string(duration_ms)},
                            {.stdout_path = s.out_path, .stderr_path = s.out_path + ".err"});
  if (!pid.ok()) {
    ADD_FAILURE() << "cannot start probe server in " << member << ": " << pid.status().ToString();
    return std::nullopt;
  }
  s.pid = *pid;
  servers_.push_back(s);
  if (!WaitUntil([&] { return ReadAll(s.out_path).find("\"ready\"") != std::string::npos; }, 5000, 20)) {
    ADD_FAILURE() << "probe server in " << member << " not ready: " << ReadAll(s.out_path + ".err");
    return std::nullopt;
  }
  return s;
}

Json ChaosLab::StopProbeServer(ProbeServer* s) {
  if (s->pid <= 0) return nullptr;
  kill(s->pid, SIGTERM);
  waitpid(s->pid, nullptr, 0);
  for (auto& known : servers_)
    if (known.pid == s->pid) known.pid = -1;
  s->pid = -1;
  Json done;
  for (const auto& line : SplitLines(ReadAll(s->out_path))) {
    Result<Json> j = ParseJson(line);
    if (j.ok() && Str((*j)["event"]) == "done") done = *j;
  }
  if (done.is_null()) ADD_FAILURE() << "probe server in " << s->member << " printed no totals: " << ReadAll(s->out_path);
  return done;
}

Json ChaosLab::ProbeUdp(const std::string& from, const std::string& to, int port, int count, int interval_ms, bool echo,
                        int size, int wait_ms) const {
  std::string probe = std::filesystem::absolute(lab_.BuildPath("tests/raftlab-probe")).string();
  std::vector<std::string> argv = {"ip", "netns", "exec", Netns(from), probe, "udp", "--to",
                                   MemberIp(to) + ":" + std::to_string(port), "--count", std::to_string(count),
                                   "--interval-ms", std::to_string(interval_ms), "--size", std::to_string(size),
                                   "--wait-ms", std::to_string(wait_ms)};
  if (echo) argv.push_back("--echo");
  Result<RunResult> r = Run(argv);
  if (!r.ok() || !r->ok()) {
    ADD_FAILURE() << "probe udp " << from << "->" << to << " failed: " << (r.ok() ? r->Describe() : r.status().ToString());
    return nullptr;
  }
  Result<Json> j = ParseJson(r->out);
  if (!j.ok()) ADD_FAILURE() << "probe udp printed: " << r->out;
  return j.ok() ? *j : Json();
}

Json ChaosLab::ProbeTcp(const std::string& from, const std::string& to, int port, int timeout_ms) const {
  std::string probe = std::filesystem::absolute(lab_.BuildPath("tests/raftlab-probe")).string();
  Result<RunResult> r = Run({"ip", "netns", "exec", Netns(from), probe, "tcp", "--to",
                             MemberIp(to) + ":" + std::to_string(port), "--timeout-ms", std::to_string(timeout_ms)});
  if (!r.ok() || !r->ok()) {
    ADD_FAILURE() << "probe tcp " << from << "->" << to << " failed: " << (r.ok() ? r->Describe() : r.status().ToString());
    return nullptr;
  }
  Result<Json> j = ParseJson(r->out);
  if (!j.ok()) ADD_FAILURE() << "probe tcp printed: " << r->out;
  return j.ok() ? *j : Json();
}

std::vector<std::string> ChaosLab::ChaosLeftovers() const {
  std::vector<std::string> left;
  // RAFTLAB-FAULTS rules in the root namespace or any namespace still present.
  Result<RunResult> root = Run({"iptables-save"});
  if (root.ok())
    for (const auto& line : SplitLines(root->out))
      if (line.find("RAFTLAB") != std::string::npos) left.push_back("root iptables: " + line);
  Result<RunResult> netns = Run({"ip", "netns", "list"});
  if (netns.ok())
    for (const auto& line : SplitLines(netns->out)) {
      std::string name = line.substr(0, line.find(' '));
      if (name.rfind("rl-", 0) != 0) continue;
      Result<RunResult> r = Run({"ip", "netns", "exec", name, "iptables-save"});
      if (r.ok())
        for (const auto& rule : SplitLines(r->out))
          if (rule.rfind("-A RAFTLAB-FAULTS", 0) == 0) left.push_back(name + " iptables: " + rule);
    }
  // Helper processes.
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string pid = entry.path().filename();
    if (!std::all_of(pid.begin(), pid.end(), ::isdigit)) continue;
    std::string comm = ReadAll(entry.path() / "comm");
    if (!comm.empty() && comm.back() == '\n') comm.pop_back();
    if (comm == "raftlab-delayer" || comm == "raftlab-probe")
      left.push_back("process: " + pid + " " + comm);
  }
  // FUSE mounts of the lab.
  std::ifstream mounts("/proc/mounts");
  for (std::string line; std::getline(mounts, line);)
    if (line.find(lab_.work_dir()) != std::string::npos || line.find("raftlab-slowfs") != std::string::npos)
      left.push_back("mount: " + line);
  return left;
}

std::vector<std::string> ChaosLab::Snapshot() const {
  std::vector<std::string> snap = lab_.HostSnapshot();
  for (auto& l : ChaosLeftovers()) snap.push_back(l);
  return snap;
}

std::vector<std::string> ChaosLab::Leaks(const std::vector<std::string>& before) const {
  return Added(before, Snapshot());
}

// ---- journal

std::vector<SampleView> Samples(const std::vector<Json>& journal, const std::string& member) {
  std::vector<SampleView> out;
  for (const auto& e : journal) {
    if (Str(e["kind"]) != "sample" || !e.value("ok", false)) continue;
    if (!member.empty() && Str(e["member"]) != member) continue;
    SampleView s;
    s.mono_ns = e["mono_ns"].get<int64_t>();
    s.member = Str(e["member"]);
    s.state = Str(e["state"]);
    s.lead = Str(e["lead"]);
    s.term = e.value("term", uint64_t{0});
    if (e.contains("metrics")) s.metrics = e["metrics"];
    out.push_back(s);
  }
  return out;
}

int64_t FaultEventNs(const std::vector<Json>& journal, const std::string& id, const std::string& phase) {
  for (const auto& e : journal)
    if (Str(e["kind"]) == "fault" && Str(e["id"]) == id && Str(e["phase"]) == phase) return e["mono_ns"].get<int64_t>();
  return 0;
}

std::vector<double> OpLatenciesMs(const std::vector<Json>& journal, const std::string& f, int64_t from_ns,
                                  int64_t to_ns) {
  std::map<int64_t, int64_t> invoked;
  std::vector<double> out;
  for (const auto& e : journal) {
    if (Str(e["kind"]) != "op") continue;
    int64_t id = e["op_id"].get<int64_t>();
    int64_t t = e["mono_ns"].get<int64_t>();
    if (Str(e["phase"]) == "invoke") {
      if (Str(e["f"]) == f && t >= from_ns && t < to_ns) invoked[id] = t;
    } else if (Str(e["phase"]) == "ok" && invoked.count(id)) {
      out.push_back(static_cast<double>(t - invoked[id]) / 1e6);
    }
  }
  return out;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace raftlab::testing
