// Multi-host on one machine: three raftlab-agents, each inside a network namespace of its own
// (rl-h1..rl-h3 at 127.99.0.21-23 on a bridge this test builds, rl-hbr0, reached from the root
// namespace through rl-hup), and a control plane in the root namespace that reaches them only
// over TCP. The lab's whole life runs through them: up, put/get, a partition, a kill and heal,
// wal dump, down. Each etcd member must run inside its agent's namespace, under its agent's
// state dir (so a member started by the local agent, in a rl-nN namespace, fails the test), and
// afterwards nothing is left on any "host": no process under an agent's state dir, no fault
// chain in a host namespace, no namespace or link of the lab.
//
// The fabric's names (rl-h*, rl-hbr, rl-hup) are not the local lab's (rl-n*, rl-br, rl-up), so
// the control plane's own leftover sweep at `up` leaves them alone; its addresses sit in
// 127.99.0.16/28, more specific than the local lab's 127.99.0.0/24.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/subprocess.h"
#include "tests/chaos_test_util.h"

namespace raftlab::testing {
namespace {

constexpr int kHosts = 3;
constexpr int kAgentPort = 7070;
constexpr char kHostBridgeNetns[] = "rl-hbr";
constexpr char kHostBridge[] = "rl-hbr0";
constexpr char kHostUplink[] = "rl-hup";
constexpr char kHostUplinkPeer[] = "rl-hup-b";
constexpr char kHostUplinkCidr[] = "127.99.0.17/28";

std::string HostNetns(int i) { return "rl-h" + std::to_string(i); }
std::string HostIp(int i) { return "127.99.0." + std::to_string(20 + i); }
std::string AgentAddress(int i) { return HostIp(i) + ":" + std::to_string(kAgentPort); }
std::string MemberOf(int i) { return "n" + std::to_string(i); }

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The three hosts and the bridge between them, built with `ip`; removed by the destructor.
class HostFabric {
 public:
  ~HostFabric() {
    for (int i = 1; i <= kHosts; ++i) (void)Run({"ip", "netns", "del", HostNetns(i)});
    (void)Run({"ip", "link", "del", kHostUplink});
    (void)Run({"ip", "netns", "del", kHostBridgeNetns});
  }

  Status Create() {
    RL_RETURN_IF_ERROR(RunChecked({"ip", "netns", "add", kHostBridgeNetns}));
    RL_RETURN_IF_ERROR(RunChecked({"ip", "-n", kHostBridgeNetns, "link", "add", kHostBridge, "type", "bridge"}));
    RL_RETURN_IF_ERROR(RunChecked({"ip", "-n", kHostBridgeNetns, "link", "set", kHostBridge, "up"}));
    RL_RETURN_IF_ERROR(RunChecked({"ip", "link", "add", kHostUplink, "type", "veth", "peer", "name", kHostUplinkPeer}));
    RL_RETURN_IF_ERROR(RunChecked({"ip", "link", "set", kHostUplinkPeer, "netns", kHostBridgeNetns}));
    RL_RETURN_IF_ERROR(
        RunChecked({"ip", "-n", kHostBridgeNetns, "link", "set", kHostUplinkPeer, "master", kHostBridge, "up"}));
    RL_RETURN_IF_ERROR(RunChecked({"ip", "addr", "add", kHostUplinkCidr, "dev", kHostUplink}));
    RL_RETURN_IF_ERROR(RunChecked({"ip", "link", "set", kHostUplink, "up"}));
    RL_RETURN_IF_ERROR(RunChecked({"sysctl", "-qw", std::string("net.ipv4.conf.") + kHostUplink + ".route_localnet=1"}));
    for (int i = 1; i <= kHosts; ++i) {
      const std::string ns = HostNetns(i), inner = ns + "-m", outer = ns + "-b";
      RL_RETURN_IF_ERROR(RunChecked({"ip", "netns", "add", ns}));
      RL_RETURN_IF_ERROR(RunChecked({"ip", "link", "add", inner, "type", "veth", "peer", "name", outer}));
      RL_RETURN_IF_ERROR(RunChecked({"ip", "link", "set", inner, "netns", ns}));
      RL_RETURN_IF_ERROR(RunChecked({"ip", "link", "set", outer, "netns", kHostBridgeNetns}));
      RL_RETURN_IF_ERROR(RunChecked({"ip", "-n", ns, "link", "set", inner, "name", "eth0"}));
      RL_RETURN_IF_ERROR(RunChecked({"ip", "-n", kHostBridgeNetns, "link", "set", outer, "master", kHostBridge, "up"}));
      RL_RETURN_IF_ERROR(RunChecked({"ip", "-n", ns, "link", "set", "lo", "up"}));
      RL_RETURN_IF_ERROR(RunChecked({"ip", "-n", ns, "addr", "add", HostIp(i) + "/28", "dev", "eth0"}));
      RL_RETURN_IF_ERROR(RunChecked({"ip", "-n", ns, "link", "set", "eth0", "up"}));
      SpawnOptions in_ns;
      in_ns.netns = ns;
      RL_RETURN_IF_ERROR(RunChecked({"sysctl", "-qw", "net.ipv4.conf.eth0.route_localnet=1"}, in_ns));
    }
    return Status::Ok();
  }
};

// One raftlab-agent per host, started with `ip netns exec`; SIGTERM and reaped by Stop().
class Agents {
 public:
  explicit Agents(std::string dir) : dir_(std::move(dir)) {}
  ~Agents() {
    for (auto& [i, pid] : pids_) (void)Stop(i);
  }

  std::string token_file() const { return dir_ + "/token"; }
  std::string StateDir(int i) const { return dir_ + "/agent-h" + std::to_string(i); }
  std::string LogPath(int i) const { return dir_ + "/agent-h" + std::to_string(i) + ".log"; }

  Status Start(const std::string& agent_binary) {
    std::filesystem::create_directories(dir_);
    std::ofstream(token_file()) << "multihost-" << getpid() << "-token\n";
    chmod(token_file().c_str(), 0600);
    for (int i = 1; i <= kHosts; ++i) {
      SpawnOptions opts;
      opts.stdout_path = LogPath(i);
      Result<pid_t> pid = raftlab::Start({"ip", "netns", "exec", HostNetns(i), agent_binary, "--listen", AgentAddress(i),
                                          "--token-file", token_file(), "--state-dir", StateDir(i)},
                                         opts);
      if (!pid.ok()) return pid.status();
      pids_[i] = *pid;
    }
    for (int i = 1; i <= kHosts; ++i) {
      if (!WaitUntil([&] { return ReadText(LogPath(i)).find("serving ") != std::string::npos; }, 10000)) {
        return Unavailable("agent on " + HostNetns(i) + " did not start: " + ReadText(LogPath(i)));
      }
    }
    return Status::Ok();
  }

  // SIGTERM, then the exit status ("" for exit 0).
  std::string Stop(int i) {
    auto it = pids_.find(i);
    if (it == pids_.end()) return "not running";
    kill(it->second, SIGTERM);
    int status = 0;
    waitpid(it->second, &status, 0);
    pids_.erase(it);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : "status " + std::to_string(status);
  }

 private:
  std::string dir_;
  std::map<int, pid_t> pids_;
};

// pid -> cmdline of every etcd whose command line names `dir`.
std::map<int, std::string> EtcdUnder(const std::string& dir) {
  std::map<int, std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = ReadText(entry.path().string() + "/cmdline");
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    std::string comm = ReadText(entry.path().string() + "/comm");
    if (comm == "etcd\n" && cmd.find(dir + "/") != std::string::npos) found[std::stoi(name)] = cmd;
  }
  return found;
}

// Every process other than the agent itself whose command line names `dir`.
std::vector<std::string> ProcessesUnder(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = ReadText(entry.path().string() + "/cmdline");
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    if (cmd.find(dir) != std::string::npos && cmd.find("raftlab-agent") == std::string::npos &&
        cmd.find("ip netns exec") == std::string::npos) {
      found.push_back(name + " " + cmd);
    }
  }
  return found;
}

std::string NetnsOf(int pid) {
  Result<RunResult> r = Run({"ip", "netns", "identify", std::to_string(pid)});
  if (!r.ok()) return "?";
  std::string out = r->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

TEST(MultiHost, ThreeAgentsInTheirOwnNamespacesRunTheWholeLab) {
  RAFTLAB_REQUIRE_LAB();
  ChaosLab lab;   // the machine-wide lab lock, a fresh state dir; `down` at the end
  std::vector<std::string> before = lab.Snapshot();
  auto fabric = std::make_unique<HostFabric>();
  ASSERT_TRUE(fabric->Create().ok()) << "building the hosts' fabric";
  auto agents = std::make_unique<Agents>(lab.harness().work_dir() + "/agents");
  Status started = agents->Start(std::filesystem::absolute(lab.harness().BuildPath("raftlab-agent")).string());
  ASSERT_TRUE(started.ok()) << started.ToString();

  std::vector<std::string> up = {"--members", "3", "--token-file", agents->token_file()};
  for (int i = 1; i <= kHosts; ++i) {
    up.push_back("--agent");
    up.push_back(MemberOf(i) + "=" + AgentAddress(i));
  }
  // Another lab's token is refused by the agents before anything starts.
  std::vector<std::string> wrong = up;
  const std::string wrong_token = lab.harness().work_dir() + "/wrong-token";
  std::ofstream(wrong_token) << "not-this-lab\n";
  chmod(wrong_token.c_str(), 0600);
  wrong[3] = wrong_token;
  wrong.insert(wrong.begin(), "up");
  CliRun refused = lab.Cli(wrong);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("refused the token"), std::string::npos) << refused.err;
  std::cout << "with another lab's token: " << refused.err;
  lab.Cli({"down"});
  for (int i = 1; i <= kHosts; ++i) EXPECT_TRUE(EtcdUnder(agents->StateDir(i)).empty());

  up.insert(up.begin(), {"up", "--json"});
  CliRun upped = lab.Cli(up);
  ASSERT_EQ(upped.exit_code, 0) << upped.err;
  std::cout << upped.err;
  ASSERT_FALSE(lab.WaitAgreedLeader(20000).empty()) << lab.Status().json.dump();

  // Which agent runs which member, over which address: up says where it put each host, the
  // member's URL is its agent's address, the process sits in that agent's namespace under
  // that agent's state dir, and the agent logged starting it.
  LabStatus status = lab.Status();
  std::cout << lab.Cli({"status"}).out;
  for (int i = 1; i <= kHosts; ++i) {
    const std::string m = MemberOf(i);
    EXPECT_NE(upped.err.find("host " + m + " at " + HostIp(i) + " on agent " + AgentAddress(i)), std::string::npos)
        << upped.err;
    const Json* member = status.Member(m);
    ASSERT_NE(member, nullptr) << status.json.dump();
    EXPECT_EQ(Str((*member)["client_url"]), "http://" + HostIp(i) + ":2379") << member->dump();
    std::map<int, std::string> etcd = EtcdUnder(agents->StateDir(i));
    ASSERT_EQ(etcd.size(), 1u) << "etcd processes under " << agents->StateDir(i);
    EXPECT_EQ(NetnsOf(etcd.begin()->first), HostNetns(i)) << etcd.begin()->second;
    EXPECT_NE(etcd.begin()->second.find("--name=" + m + " "), std::string::npos) << etcd.begin()->second;
    std::cout << m << ": agent " << AgentAddress(i) << ", etcd pid " << etcd.begin()->first << " in netns "
              << NetnsOf(etcd.begin()->first) << "\n";
  }
  // No local shortcut: nothing of the lab in a local member namespace or under the local state dir.
  EXPECT_TRUE(EtcdUnder(lab.harness().state_dir()).empty());
  Result<RunResult> netns = raftlab::Run({"ip", "netns", "list"});
  ASSERT_TRUE(netns.ok());
  for (int i = 1; i <= 9; ++i) EXPECT_EQ(netns->out.find("rl-n" + std::to_string(i) + " "), std::string::npos) << netns->out;

  lab.MustCli({"put", "greeting", "hello", "--via", "n1"});
  EXPECT_EQ(lab.MustCli({"get", "greeting", "--via", "n3"}).out, "hello\n");

  // A partition: the isolated leader's host gets rules in its own namespace, the rest elect.
  std::string old_leader = lab.WaitAgreedLeader(10000);
  ASSERT_FALSE(old_leader.empty());
  CliRun cut = lab.MustCli({"partition", "--isolate", "leader"});
  std::cout << cut.out << cut.err;
  int isolated = old_leader[1] - '0';
  EXPECT_NE(ReadText(agents->LogPath(isolated)).find("run on " + old_leader + ": iptables"), std::string::npos)
      << "the isolated leader's agent applied no rule:\n" << ReadText(agents->LogPath(isolated));
  SpawnOptions in_isolated;
  in_isolated.netns = HostNetns(isolated);
  Result<RunResult> rules = raftlab::Run({"iptables-save"}, in_isolated);
  ASSERT_TRUE(rules.ok());
  EXPECT_NE(rules->out.find("-A RAFTLAB-FAULTS"), std::string::npos) << rules->out;
  std::vector<std::string> rest;
  for (int i = 1; i <= kHosts; ++i)
    if (i != isolated) rest.push_back(MemberOf(i));
  std::string new_leader = lab.WaitAgreedLeader(15000, rest);
  EXPECT_FALSE(new_leader.empty());
  EXPECT_NE(new_leader, old_leader);
  lab.MustCli({"put", "during", "partition", "--via", rest[0], "--timeout", "5s"});
  lab.MustCli({"heal"});
  EXPECT_FALSE(lab.WaitAgreedLeader(15000).empty());

  // A kill on one agent's host; heal restarts it there.
  lab.MustCli({"kill", "n2"});
  EXPECT_TRUE(WaitUntil([&] { return EtcdUnder(agents->StateDir(2)).empty(); }, 5000));
  lab.MustCli({"heal"});
  EXPECT_TRUE(WaitUntil([&] { return EtcdUnder(agents->StateDir(2)).size() == 1; }, 10000));
  EXPECT_FALSE(lab.WaitAgreedLeader(20000).empty());
  EXPECT_EQ(lab.MustCli({"get", "during", "--via", "n2"}).out, "partition\n");

  // The WAL comes over the wire from n2's agent.
  CliRun wal = lab.MustCli({"wal", "dump", "n2"});
  EXPECT_NE(wal.out.find("greeting"), std::string::npos) << wal.out.substr(0, 2000);
  std::cout << "wal dump n2 (first lines):\n" << wal.out.substr(0, wal.out.find('\n', 600) == std::string::npos ? 600 : wal.out.find('\n', 600)) << "\n";

  CliRun down = lab.MustCli({"down"});
  std::cout << down.out << down.err;
  for (int i = 1; i <= kHosts; ++i) {
    EXPECT_TRUE(ProcessesUnder(agents->StateDir(i)).empty()) << Lines(ProcessesUnder(agents->StateDir(i)));
    SpawnOptions in_host;
    in_host.netns = HostNetns(i);
    Result<RunResult> chain = raftlab::Run({"iptables", "-w", "-n", "-L", "RAFTLAB-FAULTS"}, in_host);
    ASSERT_TRUE(chain.ok());
    EXPECT_FALSE(chain->ok()) << HostNetns(i) << " still has the fault chain:\n" << chain->out;
  }
  for (int i = 1; i <= kHosts; ++i) {
    EXPECT_EQ(agents->Stop(i), "") << "agent on " << HostNetns(i) << ":\n" << ReadText(agents->LogPath(i));
    std::string log = ReadText(agents->LogPath(i));
    EXPECT_NE(log.find("start on " + MemberOf(i) + ": "), std::string::npos) << log;
    std::cout << "--- agent " << AgentAddress(i) << " (" << HostNetns(i) << ")\n" << log;
  }
  agents.reset();
  fabric.reset();
  EXPECT_TRUE(lab.Leaks(before).empty()) << Lines(lab.Leaks(before));
}

}  // namespace
}  // namespace raftlab::testing
