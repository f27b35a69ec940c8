// Decodes the WAL and snapshot of a real etcd 3.4 member: one single-member cluster on loopback
// (random ports in 20000-30000, a temp data dir), a few etcdctl writes, then a clean stop. The
// member is always killed and its directory removed when the test ends. Skips when etcd or
// etcdctl is not installed, and fails then under CI=true.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include "common/test_guard.h"

#include "evidence/raft_log_json.h"
#include "evidence/request_decoder.h"
#include "evidence/snap_reader.h"
#include "evidence/wal_cli.h"
#include "evidence/wal_reader.h"

namespace raftlab::evidence {
namespace {

namespace fs = std::filesystem;
constexpr const char* kEtcd = "/usr/bin/etcd";
constexpr const char* kEtcdctl = "/usr/bin/etcdctl";
constexpr const char* kName = "walreader";

bool PortFree(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Starts argv with stdout/stderr appended to `log`, a minimal environment, in its own process
// group. Everything the child needs is prepared before fork().
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  char path_env[] = "PATH=/usr/bin:/bin";
  char* env[] = {path_env, nullptr};
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::setpgid(0, 0);
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  ::execve(args[0], args.data(), env);
  ::_exit(127);
}

// Waits up to `timeout` for `pid`; returns its exit status, or -1 if it is still running.
int WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return -2;
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

class RealEtcdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kEtcd, X_OK) != 0 || ::access(kEtcdctl, X_OK) != 0)
      RAFTLAB_SKIP_OR_FAIL_UNDER_CI(std::string("etcd 3.4 is not installed (no ") + kEtcd + " or " + kEtcdctl +
                                    "; apt-get install etcd-server etcd-client)");
    char tmpl[] = "/tmp/raftlab-wal-etcd-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> port(20000, 29999);
    do client_port_ = port(rng); while (!PortFree(client_port_));
    do peer_port_ = port(rng); while (peer_port_ == client_port_ || !PortFree(peer_port_));
  }

  void TearDown() override {
    if (etcd_pid_ > 0) {
      ::kill(etcd_pid_, SIGKILL);
      WaitFor(etcd_pid_, std::chrono::seconds(5));
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string ClientUrl() const { return "http://127.0.0.1:" + std::to_string(client_port_); }
  std::string PeerUrl() const { return "http://127.0.0.1:" + std::to_string(peer_port_); }
  std::string DataDir() const { return dir_ + "/data"; }
  std::string EtcdLog() const { return dir_ + "/etcd.log"; }

  void StartEtcd() {
    etcd_pid_ = Spawn({kEtcd, "--name", kName, "--data-dir", DataDir(), "--listen-client-urls", ClientUrl(),
                       "--advertise-client-urls", ClientUrl(), "--listen-peer-urls", PeerUrl(),
                       "--initial-advertise-peer-urls", PeerUrl(), "--initial-cluster",
                       std::string(kName) + "=" + PeerUrl(), "--heartbeat-interval", "20", "--election-timeout",
                       "100", "--snapshot-count", "5"},
                      EtcdLog());
  }

  int Etcdctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {kEtcdctl, "--endpoints=" + ClientUrl(), "--dial-timeout=1s",
                                     "--command-timeout=3s"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t pid = Spawn(argv, dir_ + "/etcdctl.log");
    int rc = WaitFor(pid, std::chrono::seconds(5));
    if (rc == -1) {
      ::kill(pid, SIGKILL);
      WaitFor(pid, std::chrono::seconds(1));
    }
    return rc;
  }

  void StopEtcd() {
    ::kill(etcd_pid_, SIGTERM);
    if (WaitFor(etcd_pid_, std::chrono::seconds(5)) == -1) {
      ::kill(etcd_pid_, SIGKILL);
      WaitFor(etcd_pid_, std::chrono::seconds(5));
    }
    etcd_pid_ = -1;
  }

  std::string dir_;
  int client_port_ = 0;
  int peer_port_ = 0;
  pid_t etcd_pid_ = -1;
};

TEST_F(RealEtcdTest, DecodesTheWalAndSnapshotOfARealMember) {
  StartEtcd();
  bool ready = false;
  for (int i = 0; i < 50 && !ready; ++i) {
    ready = Etcdctl({"put", "greeting", "hello"}) == 0;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!ready) {
    auto etcd_log = ReadFileBytes(EtcdLog());
    FAIL() << "etcd did not accept a put; its log:\n" << (etcd_log.ok() ? *etcd_log : "(none)");
  }
  for (int i = 0; i < 6; ++i) ASSERT_EQ(Etcdctl({"put", "k" + std::to_string(i), "v" + std::to_string(i)}), 0);
  ASSERT_EQ(Etcdctl({"del", "k0"}), 0);
  StopEtcd();

  auto log = ReadWal(DataDir() + "/member/wal");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE(log->problems.empty()) << log->problems.front().what;
  EXPECT_NE(log->node_id, 0u);
  EXPECT_NE(log->cluster_id, 0u);
  EXPECT_EQ(log->first_index, 1u);
  ASSERT_FALSE(log->entries.empty());

  // Entry 1 is the ConfChange that adds the initial member, with its JSON context.
  const LogEntry& first = log->entries.front();
  EXPECT_EQ(first.index, 1u);
  EXPECT_EQ(first.type, EntryType::kConfChange);
  EXPECT_EQ(first.request.conf_type, "AddNode");
  EXPECT_EQ(first.request.conf_node_id, log->node_id);
  EXPECT_EQ(first.request.conf_name, kName);
  EXPECT_EQ(first.request.conf_peer_urls, std::vector<std::string>{PeerUrl()});

  int noops = 0, attrs = 0;
  std::vector<std::string> puts, deletes;
  for (const auto& e : log->entries) {
    const DecodedRequest& r = e.request;
    EXPECT_NE(r.kind, "undecodable") << "index " << e.index;
    if (r.kind == "noop") ++noops;
    if (r.kind == "v2" && r.key == "/0/members/" + HexId(log->node_id) + "/attributes") ++attrs;
    if (r.kind == "put") puts.push_back(r.key + "=" + r.value);
    if (r.kind == "delete") deletes.push_back(r.key);
  }
  EXPECT_GE(noops, 1);
  EXPECT_EQ(attrs, 1);
  EXPECT_EQ(puts, (std::vector<std::string>{"greeting=hello", "k0=v0", "k1=v1", "k2=v2", "k3=v3", "k4=v4", "k5=v5"}));
  EXPECT_EQ(deletes, std::vector<std::string>{"k0"});
  EXPECT_GE(log->LastCommit(), log->entries.back().index);

  // With --snapshot-count 5 the member snapshotted itself: a WAL mark that is not a jump, and a
  // .snap whose ConfState lists this member as the only voter.
  ASSERT_GE(log->snapshots.size(), 2u);
  for (const auto& s : log->snapshots) EXPECT_FALSE(s.log_jump);
  auto snaps = ReadSnapDir(DataDir() + "/member/snap");
  ASSERT_TRUE(snaps.ok());
  ASSERT_FALSE(snaps->empty());
  for (const auto& f : *snaps) {
    EXPECT_TRUE(f.crc_ok) << f.name;
    EXPECT_TRUE(f.problems.empty()) << f.name;
    EXPECT_EQ(f.voters, std::vector<uint64_t>{log->node_id});
    EXPECT_TRUE(f.learners.empty());
  }

  // The JSONL form round-trips and the dump command reads the data dir.
  auto back = RaftLogFromJsonl(RaftLogToJsonl(*log));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *log);
  std::ostringstream out, err;
  EXPECT_EQ(RunWalDump(DataDir(), false, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("put greeting=hello"), std::string::npos) << out.str();
  if (std::getenv("RAFTLAB_VERBOSE") != nullptr) std::cout << out.str();
  std::ostringstream sout, serr;
  EXPECT_EQ(RunSnapShow(DataDir(), false, sout, serr), 0) << serr.str();
}

}  // namespace
}  // namespace raftlab::evidence
