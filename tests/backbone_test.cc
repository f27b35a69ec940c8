// The backbone on a real lab: real etcd members in real namespaces, driven through the real
// raftlab and raftlabd binaries.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "tests/lab_harness.h"

namespace raftlab::testing {
namespace {

std::string Str(const Json& j) { return j.is_string() ? j.get<std::string>() : ""; }

// Every member answered, one leader, every member names it, one term.
void ExpectOneAgreedLeader(const Json& status, size_t members) {
  ASSERT_TRUE(status.contains("members")) << status.dump();
  ASSERT_EQ(status["members"].size(), members);
  std::set<std::string> leaders_named, terms;
  int leaders = 0;
  for (const auto& m : status["members"]) {
    EXPECT_TRUE(m["healthy"].get<bool>()) << m.dump();
    if (m["role"] == "leader") ++leaders;
    leaders_named.insert(Str(m["leader"]));
    terms.insert(std::to_string(m["term"].get<uint64_t>()));
    EXPECT_FALSE(Str(m["id"]).empty());
  }
  EXPECT_EQ(leaders, 1) << status.dump();
  EXPECT_EQ(leaders_named.size(), 1u) << status.dump();
  EXPECT_EQ(terms.size(), 1u) << status.dump();
}

TEST(Backbone, UpStatusPutGetEtcdctlSamplerDown) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  std::vector<std::string> before = lab.HostSnapshot();

  CliRun up = lab.Cli({"up", "--members", "3", "--json"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  std::string journal = Str(up.json["journal"]);
  ASSERT_FALSE(journal.empty());

  CliRun status = lab.Cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  ExpectOneAgreedLeader(status.json, 3);
  CliRun table = lab.Cli({"status"});
  EXPECT_NE(table.out.find("MEMBER"), std::string::npos);
  std::cout << table.out;

  CliRun put = lab.Cli({"put", "greeting", "hello", "--via", "n1"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  CliRun get = lab.Cli({"get", "greeting", "--via", "n3"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out, "hello\n");
  for (const char* m : {"n1", "n2", "n3"}) {
    // A follower applies shortly after the leader acknowledges: retry a few times.
    CliRun local;
    for (int i = 0; i < 20; ++i) {
      local = lab.Cli({"get", "greeting", "--via", m, "--serializable", "--json"});
      if (local.exit_code == 0) break;
      usleep(100 * 1000);
    }
    ASSERT_EQ(local.exit_code, 0) << m << ": " << local.err;
    EXPECT_EQ(Str(local.json["value"]), "hello") << m;
    EXPECT_TRUE(local.json["serializable"].get<bool>());
  }

  CliRun env = lab.Cli({"env", "--json"});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  std::string endpoints = Str(env.json["ETCDCTL_ENDPOINTS"]);
  ASSERT_NE(endpoints.find("http://127.99.0.11:2379"), std::string::npos) << endpoints;
  Result<RunResult> etcdctl = raftlab::Run({"etcdctl", "--endpoints=" + endpoints, "get", "greeting", "--print-value-only"},
                                  {.env = {"ETCDCTL_API=3"}});
  ASSERT_TRUE(etcdctl.ok());
  EXPECT_EQ(etcdctl->out, "hello\n") << etcdctl->err;

  CliRun logs = lab.Cli({"logs", "n2", "--tail", "5"});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_FALSE(logs.out.empty());

  // Let the sampler run, then judge its series from the journal: count and spacing per member.
  sleep(3);
  std::vector<Json> events = ReadJournal(journal);
  std::map<std::string, std::vector<int64_t>> sample_times;
  for (const auto& e : events)
    if (e["kind"] == "sample" && e["ok"] == true) {
      sample_times[Str(e["member"])].push_back(e["mono_ns"].get<int64_t>());
      EXPECT_TRUE(e.contains("term") && e.contains("commit") && e.contains("applied"));
    }
  ASSERT_EQ(sample_times.size(), 3u);
  for (auto& [member, times] : sample_times) {
    double span_s = static_cast<double>(times.back() - times.front()) / 1e9;
    ASSERT_GT(span_s, 2.5) << member;
    double rate = static_cast<double>(times.size() - 1) / span_s;
    // 50 ms period: 20/s; a loaded 2-core machine may lose some, never gain.
    EXPECT_GT(rate, 10.0) << member << " sampled at " << rate << "/s";
    EXPECT_LT(rate, 21.5) << member << " sampled at " << rate << "/s";
    std::vector<int64_t> gaps;
    for (size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
    std::sort(gaps.begin(), gaps.end());
    double median_ms = static_cast<double>(gaps[gaps.size() / 2]) / 1e6;
    EXPECT_GT(median_ms, 40.0) << member;
    EXPECT_LT(median_ms, 80.0) << member;
    std::cout << member << ": " << times.size() << " samples over " << span_s << " s, median gap " << median_ms << " ms\n";
  }
  // Client operations were journaled as invoke + completion.
  int invokes = 0, oks = 0;
  for (const auto& e : events)
    if (e["kind"] == "op") (e["phase"] == "invoke" ? invokes : oks) += 1;
  EXPECT_GE(invokes, 5);
  EXPECT_EQ(invokes, oks);

  CliRun down = lab.Cli({"down"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  std::vector<std::string> leaked = Added(before, lab.HostSnapshot());
  EXPECT_TRUE(leaked.empty()) << "left behind:\n" << [&] { std::string s; for (auto& l : leaked) s += l + "\n"; return s; }();
}

TEST(Backbone, DownAfterDaemonKilled) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  std::vector<std::string> before = lab.HostSnapshot();
  CliRun up = lab.Cli({"up", "--members", "3"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  Result<Json> state = ReadJsonFile(lab.state_dir() + "/lab.json");
  ASSERT_TRUE(state.ok());
  int daemon_pid = (*state)["daemon_pid"].get<int>();
  ASSERT_GT(daemon_pid, 1);
  ASSERT_EQ(kill(daemon_pid, SIGKILL), 0);
  usleep(300 * 1000);
  EXPECT_FALSE(Added(before, lab.HostSnapshot()).empty()) << "the members should outlive their control plane";

  CliRun status = lab.Cli({"status"});
  EXPECT_NE(status.exit_code, 0);
  EXPECT_NE(status.err.find("raftlabd"), std::string::npos) << status.err;

  CliRun down = lab.Cli({"down"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  std::cout << down.out;
  std::vector<std::string> leaked = Added(before, lab.HostSnapshot());
  EXPECT_TRUE(leaked.empty()) << "left behind:\n" << [&] { std::string s; for (auto& l : leaked) s += l + "\n"; return s; }();
}

TEST(Backbone, BadInputsGiveClearErrorsAndChangeNothing) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  std::vector<std::string> before = lab.HostSnapshot();

  CliRun no_daemon = lab.Cli({"status"});
  EXPECT_EQ(no_daemon.exit_code, 1);
  EXPECT_NE(no_daemon.err.find("raftlabd is not running"), std::string::npos) << no_daemon.err;

  CliRun not_root = lab.CliAs({"up"}, {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  EXPECT_NE(not_root.exit_code, 0);
  EXPECT_NE(not_root.err.find("root"), std::string::npos) << not_root.err;

  CliRun no_etcd = lab.Cli({"up", "--etcd", "/nonexistent/etcd"});
  EXPECT_NE(no_etcd.exit_code, 0);
  EXPECT_NE(no_etcd.err.find("etcd binary not found"), std::string::npos) << no_etcd.err;

  CliRun bad_members = lab.Cli({"up", "--members", "0"});
  EXPECT_EQ(bad_members.exit_code, 2);
  EXPECT_NE(bad_members.err.find("--members"), std::string::npos) << bad_members.err;

  CliRun bad_flag = lab.Cli({"up", "--bogus"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_NE(bad_flag.err.find("--bogus"), std::string::npos);

  // The exporter's port taken: up refuses and leaves nothing behind.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(9464);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  CliRun busy = lab.Cli({"up", "--members", "3"});
  close(fd);
  EXPECT_NE(busy.exit_code, 0);
  EXPECT_NE(busy.err.find("9464"), std::string::npos) << busy.err;
  lab.Cli({"down"});
  EXPECT_TRUE(Added(before, lab.HostSnapshot()).empty());

  CliRun bad_timing = lab.Cli({"up", "--heartbeat-ms", "100", "--election-ms", "300"});
  EXPECT_NE(bad_timing.exit_code, 0);
  EXPECT_NE(bad_timing.err.find("--election-ms"), std::string::npos) << bad_timing.err;
  lab.Cli({"down"});

  ASSERT_EQ(lab.Cli({"up", "--members", "3"}).exit_code, 0);
  CliRun again = lab.Cli({"up"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("already up"), std::string::npos) << again.err;

  CliRun unknown = lab.Cli({"get", "k", "--via", "n7"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("unknown member 'n7'"), std::string::npos) << unknown.err;
  CliRun unknown_logs = lab.Cli({"logs", "zz"});
  EXPECT_NE(unknown_logs.exit_code, 0);
  EXPECT_NE(unknown_logs.err.find("unknown member"), std::string::npos) << unknown_logs.err;

  CliRun status = lab.Cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0);
  int n2_process = 0;
  for (const auto& m : status.json["members"]) if (m["name"] == "n2") n2_process = m["process"].get<int>();
  ASSERT_GT(n2_process, 0);
  // n2 dies behind the lab's back (status names processes by agent ids, not pids): kill
  // what runs in its namespace.
  Result<RunResult> in_n2 = raftlab::Run({"ip", "netns", "pids", "rl-n2"});
  ASSERT_TRUE(in_n2.ok() && in_n2->ok());
  std::istringstream pids(in_n2->out);
  for (int pid = 0; pids >> pid;) kill(pid, SIGKILL);
  CliRun down_member;
  for (int i = 0; i < 50; ++i) {
    down_member = lab.Cli({"put", "k", "v", "--via", "n2"});
    if (down_member.err.find("is down") != std::string::npos) break;
    usleep(100 * 1000);
  }
  EXPECT_NE(down_member.exit_code, 0);
  EXPECT_NE(down_member.err.find("member n2 is down"), std::string::npos) << down_member.err;
  CliRun status_after = lab.Cli({"status", "--json"});
  for (const auto& m : status_after.json["members"])
    if (m["name"] == "n2") EXPECT_EQ(m["role"], "down");

  CliRun bad_usage = lab.Cli({"put", "only-key"});
  EXPECT_EQ(bad_usage.exit_code, 2);

  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
  EXPECT_TRUE(Added(before, lab.HostSnapshot()).empty());
}

}  // namespace
}  // namespace raftlab::testing
