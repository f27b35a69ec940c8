// Network faults on real labs: each test applies a fault through the real CLI, measures its
// effect (etcd's behaviour, and raftlab-probe traffic between the members' namespaces), heals
// it, and proves the heal left the namespaces exactly as they were.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "common/clock.h"
#include "tests/chaos_test_util.h"

namespace raftlab::testing {
namespace {

using Pair = std::pair<std::string, std::string>;

std::vector<std::string> Without(const std::vector<std::string>& all, const std::string& drop) {
  std::vector<std::string> out;
  for (const auto& m : all) if (m != drop) out.push_back(m);
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// Delivered fraction of UDP datagrams for every ordered pair of `nodes`: a probe server in
// each, then `count` datagrams from each to each other, counted where they arrive.
std::map<Pair, double> UdpMatrix(ChaosLab& lab, const std::vector<std::string>& nodes, int port, int count = 80) {
  std::map<std::string, ProbeServer> servers;
  for (const auto& n : nodes) {
    std::optional<ProbeServer> s = lab.StartProbeServer(n, port);
    if (!s) return {};
    servers[n] = *s;
  }
  std::map<Pair, int> sent;
  for (const auto& from : nodes)
    for (const auto& to : nodes)
      if (from != to) {
        Json r = lab.ProbeUdp(from, to, port, count, 2, /*echo=*/false, 64, 0);
        sent[{from, to}] = r.is_object() ? r["sent"].get<int>() : 0;
      }
  SleepMs(200);   // the last datagrams are in flight
  std::map<Pair, double> delivered;
  for (const auto& to : nodes) {
    Json done = lab.StopProbeServer(&servers[to]);
    for (const auto& from : nodes) {
      if (from == to) continue;
      int got = done.is_object() && done["by_source"].contains(MemberIp(from)) ? done["by_source"][MemberIp(from)].get<int>() : 0;
      delivered[{from, to}] = sent[{from, to}] > 0 ? static_cast<double>(got) / sent[{from, to}] : 0;
    }
  }
  return delivered;
}

std::string Describe(const std::map<Pair, double>& m) {
  std::string s;
  for (const auto& [p, f] : m) {
    char buf[64];
    snprintf(buf, sizeof buf, "%s->%s %.2f  ", p.first.c_str(), p.second.c_str(), f);
    s += buf;
  }
  return s;
}

bool TcpConnects(ChaosLab& lab, const std::string& from, const std::string& to, int port) {
  Json r = lab.ProbeTcp(from, to, port, 700);
  return r.is_object() && r["connected"].get<bool>();
}

// Asserts the delivered matrix: pairs in `cut` ~0, every other pair ~all.
void ExpectMatrix(const std::map<Pair, double>& m, const std::set<Pair>& cut, const std::string& what) {
  ASSERT_FALSE(m.empty()) << what;
  for (const auto& [p, f] : m) {
    if (cut.count(p)) EXPECT_LE(f, 0.02) << what << ": " << p.first << "->" << p.second << " should be cut; " << Describe(m);
    else EXPECT_GE(f, 0.95) << what << ": " << p.first << "->" << p.second << " should flow; " << Describe(m);
  }
  std::cout << "[matrix] " << what << ": " << Describe(m) << "\n";
}

TEST(ChaosNetwork, IsolateLeaderOfThree) {
  RAFTLAB_REQUIRE_LAB();
  ChaosLab lab;
  const std::vector<std::string> before = lab.Snapshot();
  ASSERT_TRUE(lab.Up({"--members", "3"}));
  const std::map<std::string, std::string> iptables_before = lab.AllIptables();
  LabStatus s0 = lab.Status();
  const std::string old_leader = s0.AgreedLeader();
  ASSERT_FALSE(old_leader.empty());
  const uint64_t term0 = s0.Term(old_leader);
  const std::vector<std::string> rest = Without(lab.members(), old_leader);

  CliRun fault = lab.MustCli({"partition", "--isolate", "leader", "--json"});
  const int64_t t0 = MonoNowNs();
  ASSERT_EQ(fault.exit_code, 0);
  EXPECT_EQ(fault.json["targets"], Json::array({old_leader})) << fault.out;
  EXPECT_EQ(Str(fault.json["detail"]["resolved"]["leader"]), old_leader) << fault.out;
  for (const auto& m : lab.members()) EXPECT_FALSE(lab.FaultRules(m).empty()) << m << " has no DROP rules";

  // The majority elects a leader of a higher term and takes a write.
  std::string new_leader;
  std::optional<LabStatus> elected = lab.WaitStatus([&](const LabStatus& s) {
    new_leader = s.AgreedLeader(rest);
    return !new_leader.empty() && new_leader != old_leader && s.Term(new_leader) > term0;
  }, 15000);
  ASSERT_TRUE(elected) << "majority never elected: " << lab.Status().json.dump();
  const double elect_s = SecondsSince(t0);
  CliRun put = lab.MustCli({"put", "chaos-isolate", "majority", "--via", new_leader, "--timeout", "5s"});
  const double write_s = SecondsSince(t0);

  // The isolated member reports no leader: in status, and as has_leader 0 in its samples.
  std::optional<LabStatus> lonely = lab.WaitStatus([&](const LabStatus& s) {
    const Json* m = s.Member(old_leader);
    return m != nullptr && (Str((*m)["leader"]).empty() || !(*m)["healthy"].get<bool>());
  }, 10000);
  EXPECT_TRUE(lonely) << old_leader << " still names a leader: " << lab.Status().json.dump();
  const double no_leader_s = SecondsSince(t0);
  bool has_leader_zero = WaitUntil([&] {
    for (const auto& s : Samples(lab.Journal(), old_leader))
      if (s.mono_ns > t0 && s.metrics.contains("has_leader") && s.metrics["has_leader"].get<double>() == 0) return true;
    return false;
  }, 5000, 200);
  EXPECT_TRUE(has_leader_zero) << "the journal never saw has_leader 0 on " << old_leader;

  // A write through the isolated member cannot commit: a timeout, not a success.
  const int64_t p0 = MonoNowNs();
  CliRun stuck = lab.Cli({"put", "chaos-isolate", "minority", "--via", old_leader, "--timeout", "3s"});
  const double stuck_s = SecondsSince(p0);
  EXPECT_NE(stuck.exit_code, 0) << stuck.out;
  EXPECT_TRUE(Contains(stuck.err, "timed out") || Contains(stuck.err, "deadline") || Contains(stuck.err, "Deadline"))
      << stuck.err;
  EXPECT_GE(stuck_s, 2.5) << "the put should have waited for its deadline: " << stuck.err;

  CliRun heal = lab.MustCli({"heal"});
  const int64_t h0 = MonoNowNs();
  EXPECT_TRUE(Contains(heal.out, "healed f1")) << heal.out;
  std::string after = lab.WaitAgreedLeader(20000);
  EXPECT_FALSE(after.empty()) << "no agreement after heal: " << lab.Status().json.dump();
  const double rejoin_s = SecondsSince(h0);
  LabStatus s2 = lab.Status();
  std::cout << "[isolate] leader " << old_leader << " term " << term0 << " isolated; majority elected " << new_leader
            << " (term " << elected->Term(new_leader) << ") at " << elect_s << " s, wrote at " << write_s << " s; "
            << old_leader << " reported no leader by " << no_leader_s << " s; put via " << old_leader << " failed after "
            << stuck_s << " s (" << stuck.err.substr(0, stuck.err.find('\n')) << "); after heal all agree on " << after
            << " (term " << s2.Term(after) << ") in " << rejoin_s << " s\n";

  // The value written by the majority is there on every member, the rejected one nowhere.
  for (const auto& m : lab.members()) {
    CliRun get;
    WaitUntil([&] {
      get = lab.Cli({"get", "chaos-isolate", "--via", m, "--serializable", "--json"});
      return get.exit_code == 0 && Str(get.json["value"]) == "majority";
    }, 5000);
    EXPECT_EQ(Str(get.json["value"]), "majority") << m << ": " << get.out << get.err;
  }
  EXPECT_EQ(lab.AllIptables(), iptables_before) << "heal must leave every namespace's iptables as before";
  EXPECT_TRUE(lab.FaultIds().empty());

  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
  std::vector<std::string> leaks = lab.Leaks(before);
  EXPECT_TRUE(leaks.empty()) << "left behind:\n" << Lines(leaks);
}

TEST(ChaosNetwork, SplitFiveOneWayAndBridgeMatrices) {
  RAFTLAB_REQUIRE_LAB();
  ChaosLab lab;
  const std::vector<std::string> before = lab.Snapshot();
  ASSERT_TRUE(lab.Up({"--members", "5"}));
  const std::map<std::string, std::string> iptables_before = lab.AllIptables();
  const std::vector<std::string> minority = {"n1", "n2"}, majority = {"n3", "n4", "n5"};
  const std::vector<std::string> trio = {"n1", "n2", "n3"};

  {
    SCOPED_TRACE("split 2 / 3");
    CliRun split = lab.MustCli({"partition", "n1,n2", "/", "n3,n4,n5"});
    const int64_t t0 = MonoNowNs();
    std::optional<LabStatus> s = lab.WaitStatus([&](const LabStatus& st) {
      return !st.AgreedLeader(majority).empty() && st.LeaderSeenBy("n1").empty() && st.LeaderSeenBy("n2").empty();
    }, 20000);
    ASSERT_TRUE(s) << "expected a leader on the 3-side only: " << lab.Status().json.dump();
    const std::string leader = s->AgreedLeader(majority);
    EXPECT_TRUE(leader == "n3" || leader == "n4" || leader == "n5") << leader;
    EXPECT_NE(s->Role("n1"), "leader");
    EXPECT_NE(s->Role("n2"), "leader");
    const double settle_s = SecondsSince(t0);
    CliRun put = lab.MustCli({"put", "chaos-split", "three", "--via", leader, "--timeout", "5s"});
    CliRun minority_put = lab.Cli({"put", "chaos-split", "two", "--via", "n1", "--timeout", "2s"});
    EXPECT_NE(minority_put.exit_code, 0);
    // The cut is real for any traffic, not only etcd's: n1 cannot reach n3, n4 reaches n5.
    EXPECT_FALSE(TcpConnects(lab, "n1", "n3", 2380));
    EXPECT_TRUE(TcpConnects(lab, "n4", "n5", 2380));
    std::cout << "[split] 2/3: only the 3-side has a leader (" << leader << ") after " << settle_s
              << " s; n1,n2 report none\n";
    lab.MustCli({"heal"});
    EXPECT_FALSE(lab.WaitAgreedLeader(20000).empty()) << lab.Status().json.dump();
  }
  {
    SCOPED_TRACE("one-way n1 -> n2");
    CliRun f = lab.MustCli({"partition", "--one-way", "n1", "n2"});
    EXPECT_TRUE(Contains(f.out, "n1 -> n2 dropped")) << f.out;
    ExpectMatrix(UdpMatrix(lab, trio, 7001), {{"n1", "n2"}}, "one-way n1 -> n2");
    // TCP needs both directions, so n1 cannot connect to n2; n1 still connects elsewhere.
    EXPECT_FALSE(TcpConnects(lab, "n1", "n2", 2380));
    EXPECT_TRUE(TcpConnects(lab, "n1", "n3", 2380));
    lab.MustCli({"heal"});
    for (const auto& m : lab.members()) EXPECT_TRUE(lab.FaultRules(m).empty()) << m;
  }
  {
    // Every member is on a side or is the bridge (n4, n5 left out would be bridges too).
    SCOPED_TRACE("bridge n3 between n1,n4 / n2,n5");
    CliRun f = lab.MustCli({"partition", "--bridge", "n3", "n1,n4", "/", "n2,n5"});
    EXPECT_TRUE(Contains(f.out, "bridge n3")) << f.out;
    ExpectMatrix(UdpMatrix(lab, trio, 7002), {{"n1", "n2"}, {"n2", "n1"}}, "bridge n3: n1 / n2");
    EXPECT_FALSE(TcpConnects(lab, "n1", "n2", 2380));
    EXPECT_FALSE(TcpConnects(lab, "n2", "n1", 2380));
    EXPECT_TRUE(TcpConnects(lab, "n1", "n3", 2380));
    EXPECT_TRUE(TcpConnects(lab, "n2", "n3", 2380));
    EXPECT_TRUE(TcpConnects(lab, "n3", "n1", 2380));
    EXPECT_TRUE(TcpConnects(lab, "n3", "n2", 2380));
    lab.MustCli({"heal"});
  }
  {
    SCOPED_TRACE("healed");
    ExpectMatrix(UdpMatrix(lab, trio, 7003), {}, "after heal");
    EXPECT_TRUE(TcpConnects(lab, "n1", "n2", 2380));
    EXPECT_TRUE(TcpConnects(lab, "n2", "n1", 2380));
    EXPECT_FALSE(lab.WaitAgreedLeader(20000).empty()) << lab.Status().json.dump();
    EXPECT_EQ(lab.AllIptables(), iptables_before);
    EXPECT_TRUE(lab.FaultIds().empty());
  }
  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
  std::vector<std::string> leaks = lab.Leaks(before);
  EXPECT_TRUE(leaks.empty()) << "left behind:\n" << Lines(leaks);
}

// Loss, delay and bandwidth on one lab, each applied, measured with probes, healed.
TEST(ChaosNetwork, LossDelayBandwidthMeasured) {
  RAFTLAB_REQUIRE_LAB();
  ChaosLab lab;
  const std::vector<std::string> before = lab.Snapshot();
  ASSERT_TRUE(lab.Up({"--members", "3"}));
  const std::map<std::string, std::string> iptables_before = lab.AllIptables();
  std::map<std::string, std::string> qdisc_before;
  for (const auto& m : lab.members()) qdisc_before[m] = lab.TcQdisc(m);

  {
    SCOPED_TRACE("loss 30% on n2");
    CliRun f = lab.MustCli({"loss", "n2", "30%"});
    EXPECT_TRUE(Contains(f.out, "loss 30% on n2")) << f.out;
    std::optional<ProbeServer> server = lab.StartProbeServer("n2", 7010);
    ASSERT_TRUE(server);
    Json sent = lab.ProbeUdp("n1", "n2", 7010, 400, 2, /*echo=*/false, 64, 0);
    SleepMs(200);
    Json done = lab.StopProbeServer(&*server);
    ASSERT_TRUE(sent.is_object() && done.is_object());
    const int n = sent["sent"].get<int>();
    const int got = done["by_source"].value(MemberIp("n1"), 0);
    const double drop = 1.0 - static_cast<double>(got) / n;
    EXPECT_GE(drop, 0.15) << got << "/" << n;
    EXPECT_LE(drop, 0.45) << got << "/" << n;
    CliRun put = lab.MustCli({"put", "chaos-loss", "v", "--timeout", "10s"});
    lab.MustCli({"heal"});
    EXPECT_TRUE(lab.FaultRules("n2").empty());
    std::optional<ProbeServer> again = lab.StartProbeServer("n2", 7011);
    ASSERT_TRUE(again);
    Json sent2 = lab.ProbeUdp("n1", "n2", 7011, 200, 2, false, 64, 0);
    SleepMs(200);
    Json done2 = lab.StopProbeServer(&*again);
    const double drop_after = 1.0 - static_cast<double>(done2["by_source"].value(MemberIp("n1"), 0)) / sent2["sent"].get<int>();
    EXPECT_LE(drop_after, 0.02);
    std::cout << "[loss] 30% on n2: n1->n2 " << got << "/" << n << " delivered, drop " << drop * 100
              << "%; after heal drop " << drop_after * 100 << "%\n";
  }
  {
    SCOPED_TRACE("delay 80ms on the leader");
    const std::string leader = lab.WaitAgreedLeader(10000);
    ASSERT_FALSE(leader.empty());
    const std::string peer = leader == "n1" ? "n2" : "n1";
    std::optional<ProbeServer> server = lab.StartProbeServer(leader, 7020);
    ASSERT_TRUE(server);
    // RTT peer -> leader -> peer, and put latency through the leader, before.
    Json rtt_before = lab.ProbeUdp(peer, leader, 7020, 40, 20, /*echo=*/true);
    const int64_t puts_before_ns = MonoNowNs();
    for (int i = 0; i < 7; ++i) lab.MustCli({"put", "chaos-delay-" + std::to_string(i), "before"});
    const double put_before = Median(OpLatenciesMs(lab.Journal(), "put", puts_before_ns, MonoNowNs()));

    CliRun f = lab.MustCli({"delay", leader, "80ms"});
    EXPECT_TRUE(Contains(f.out, "raftlab-delayer") && Contains(f.out, "NFQUEUE")) << "this kernel has no netem: " << f.out;
    Json rtt_during = lab.ProbeUdp(peer, leader, 7020, 40, 20, true);
    const int64_t puts_during_ns = MonoNowNs();
    for (int i = 0; i < 7; ++i) lab.MustCli({"put", "chaos-delay-" + std::to_string(i), "during"});
    const double put_during = Median(OpLatenciesMs(lab.Journal(), "put", puts_during_ns, MonoNowNs()));
    EXPECT_EQ(lab.WaitAgreedLeader(5000), leader) << "an 80 ms delay should not depose the leader";

    lab.MustCli({"heal"});
    Json rtt_after = lab.ProbeUdp(peer, leader, 7020, 40, 20, true);
    lab.StopProbeServer(&*server);
    ASSERT_TRUE(rtt_before.is_object() && rtt_during.is_object() && rtt_after.is_object());
    const double p50_before = rtt_before["rtt_ms"]["p50"].get<double>();
    const double p50_during = rtt_during["rtt_ms"]["p50"].get<double>();
    const double p50_after = rtt_after["rtt_ms"]["p50"].get<double>();
    EXPECT_EQ(rtt_during["replies"], 40) << rtt_during.dump();
    EXPECT_GE(p50_during - p50_before, 70.0) << rtt_during.dump();
    EXPECT_LE(p50_during - p50_before, 120.0) << rtt_during.dump();
    EXPECT_LT(p50_after, p50_before + 20.0) << rtt_after.dump();
    EXPECT_GE(put_during - put_before, 60.0) << "put p50 " << put_before << " -> " << put_during << " ms";
    EXPECT_LE(put_during - put_before, 250.0) << "put p50 " << put_before << " -> " << put_during << " ms";
    EXPECT_TRUE(lab.FaultRules(leader).empty());
    std::cout << "[delay] 80 ms on leader " << leader << " "
              << f.out.substr(f.out.find('['), f.out.find(']') - f.out.find('[') + 1) << ": RTT " << peer << "<->" << leader << " p50 " << p50_before << " -> " << p50_during << " ms (p90 "
              << rtt_before["rtt_ms"]["p90"].get<double>() << " -> " << rtt_during["rtt_ms"]["p90"].get<double>()
              << "), after heal " << p50_after << " ms; put p50 " << put_before << " -> " << put_during << " ms\n";
  }
  {
    SCOPED_TRACE("bandwidth 256kbit on n2");
    std::optional<ProbeServer> s1 = lab.StartProbeServer("n1", 7030);
    ASSERT_TRUE(s1);
    // Bulk: 200 datagrams of 1200 bytes in ~200 ms (9.6 Mbit/s) from n2 to n1.
    Json bulk_before = lab.ProbeUdp("n2", "n1", 7030, 200, 1, false, 1200, 0);
    SleepMs(300);
    Json done_before = lab.StopProbeServer(&*s1);

    CliRun f = lab.MustCli({"bandwidth", "n2", "256kbit"});
    EXPECT_TRUE(Contains(f.out, "tc tbf")) << f.out;
    const std::string qdisc = lab.TcQdisc("n2");
    EXPECT_TRUE(Contains(qdisc, "tbf") && Contains(qdisc, "256Kbit")) << qdisc;
    std::optional<ProbeServer> s2 = lab.StartProbeServer("n1", 7031);
    ASSERT_TRUE(s2);
    Json bulk_during = lab.ProbeUdp("n2", "n1", 7031, 200, 1, false, 1200, 0);
    SleepMs(800);   // tbf holds up to 400 ms of queue
    Json done_during = lab.StopProbeServer(&*s2);
    lab.MustCli({"heal"});
    EXPECT_EQ(lab.TcQdisc("n2"), qdisc_before["n2"]) << "heal must remove the tbf qdisc";
    EXPECT_FALSE(Contains(lab.TcQdisc("n2"), "tbf"));

    const double frac_before = static_cast<double>(done_before["by_source"].value(MemberIp("n2"), 0)) / 200;
    const double frac_during = static_cast<double>(done_during["by_source"].value(MemberIp("n2"), 0)) / 200;
    EXPECT_GE(frac_before, 0.9);
    EXPECT_LE(frac_during, 0.5) << "a 256 kbit/s link cannot carry 9.6 Mbit/s";
    std::cout << "[bandwidth] 256kbit on n2: qdisc `" << qdisc.substr(0, qdisc.find('\n'))
              << "`; bulk n2->n1 (200 x 1200 B in ~200 ms) delivered " << frac_before * 100 << "% before, "
              << frac_during * 100 << "% during\n";
  }
  EXPECT_FALSE(lab.WaitAgreedLeader(15000).empty());
  EXPECT_EQ(lab.AllIptables(), iptables_before);
  for (const auto& m : lab.members()) EXPECT_EQ(lab.TcQdisc(m), qdisc_before[m]) << m;
  EXPECT_TRUE(lab.FaultIds().empty());
  EXPECT_EQ(lab.Cli({"down"}).exit_code, 0);
  std::vector<std::string> leaks = lab.Leaks(before);
  EXPECT_TRUE(leaks.empty()) << "left behind:\n" << Lines(leaks);
}

}  // namespace
}  // namespace raftlab::testing
