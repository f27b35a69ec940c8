// Link family against the recording agent: loss, delay (netem, and the NFQUEUE delayer when
// the kernel has no netem or the delay targets some peers), bandwidth; exact argv of apply and
// revert, idempotent revert, and parameter refusals that run nothing.
#include <gtest/gtest.h>

#include "chaos/fault_family.h"
#include "chaos/recording_agent_test_util.h"

namespace raftlab::chaos {
namespace {

using testing::FakeFaultContext;
using Lines = std::vector<std::string>;

FaultSpec Link(FaultKind kind, const std::string& target) {
  FaultSpec s;
  s.kind = kind;
  s.targets = {target};
  return s;
}

Status PlanAndApply(FaultFamily& family, FakeFaultContext& ctx, const FaultSpec& spec, ActiveFault* fault) {
  fault->info.id = "f1";
  Status s = family.Plan(spec, ctx, fault);
  return s.ok() ? family.Apply(fault, ctx) : s;
}

std::string Rule(const std::string& op, const std::string& match, const std::string& target) {
  return "n2: iptables -w " + op + " RAFTLAB-FAULTS " + match + " -m comment --comment raftlab-f1 -j " + target;
}

TEST(LinkFaults, LossBothWaysOnEveryPeer) {
  FakeFaultContext ctx(3);
  auto family = MakeLinkFaults();
  FaultSpec s = Link(v1::FAULT_LOSS, "n2");
  s.params.probability = 0.3;
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, s, &f).ok());
  const std::string stat = " -m statistic --mode random --probability 0.3000";
  EXPECT_EQ(ctx.agent.calls, (Lines{Rule("-A", "-s 127.99.0.11" + stat, "DROP"), Rule("-A", "-d 127.99.0.11" + stat, "DROP"),
                                    Rule("-A", "-s 127.99.0.13" + stat, "DROP"), Rule("-A", "-d 127.99.0.13" + stat, "DROP")}));
  EXPECT_EQ(f.info.description, "loss 30% on n2's peer traffic");
  EXPECT_EQ(f.info.mechanism, "iptables statistic random DROP");
  const size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark),
            (Lines{Rule("-D", "-s 127.99.0.11" + stat, "DROP"), Rule("-D", "-d 127.99.0.11" + stat, "DROP"),
                   Rule("-D", "-s 127.99.0.13" + stat, "DROP"), Rule("-D", "-d 127.99.0.13" + stat, "DROP")}));
  EXPECT_TRUE(ctx.agent.Rules("n2").empty());
}

TEST(LinkFaults, DelayWithNetem) {
  FakeFaultContext ctx(3);
  auto family = MakeLinkFaults();
  FaultSpec s = Link(v1::FAULT_DELAY, "n2");
  s.params.delay_ms = 80;
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, s, &f).ok());
  EXPECT_EQ(ctx.agent.calls, (Lines{"n2: tc qdisc add dev eth0 root netem delay 1ms",   // the probe, once
                                    "n2: tc qdisc del dev eth0 root",
                                    "n2: tc qdisc add dev eth0 root netem delay 80ms"}));
  EXPECT_EQ(f.info.mechanism, "tc netem");
  EXPECT_EQ(f.exclusive, "qdisc:n2");
  EXPECT_EQ(f.info.description, "delay 80 ms on n2 -> n1,n3");
  size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"n2: tc qdisc del dev eth0 root"}));
  EXPECT_EQ(ctx.agent.RootQdisc("n2"), "");
  // Again: the delete fails (no qdisc), the show confirms none is left, and it succeeds.
  mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"n2: tc qdisc del dev eth0 root", "n2: tc qdisc show dev eth0 root"}));

  // The probe is not repeated for the next delay.
  ActiveFault g;
  mark = ctx.agent.calls.size();
  ASSERT_TRUE(PlanAndApply(*family, ctx, s, &g).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"n2: tc qdisc add dev eth0 root netem delay 80ms"}));
}

TEST(LinkFaults, DelayWithoutNetemUsesTheDelayer) {
  FakeFaultContext ctx(3);
  ctx.agent.netem_supported = false;
  auto family = MakeLinkFaults();
  FaultSpec s = Link(v1::FAULT_DELAY, "n2");
  s.params.delay_ms = 80;
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, s, &f).ok());
  const std::string q = " -j NFQUEUE --queue-num 100 --queue-bypass";
  const std::string nfq = "n2: iptables -w -A RAFTLAB-FAULTS -d ";
  EXPECT_EQ(ctx.agent.calls,
            (Lines{"n2: tc qdisc add dev eth0 root netem delay 1ms",
                   "start n2: raftlab-delayer --queue 100 --delay-ms 80 --control /lab/n2/delayer-f1.delay-ms >> "
                   "/lab/n2/delayer-f1.log",
                   "wait n2#1 150ms",
                   nfq + "127.99.0.11 -m comment --comment raftlab-f1" + q,
                   nfq + "127.99.0.13 -m comment --comment raftlab-f1" + q}));
  EXPECT_EQ(f.info.mechanism, "raftlab-delayer (NFQUEUE): this kernel has no tc netem");
  EXPECT_EQ(f.exclusive, "");
  ASSERT_EQ(f.applied.helpers.size(), 1u);
  size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  const std::string del = "n2: iptables -w -D RAFTLAB-FAULTS -d ";
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{del + "127.99.0.11 -m comment --comment raftlab-f1" + q,
                                               del + "127.99.0.13 -m comment --comment raftlab-f1" + q,
                                               "signal n2#1 SIGTERM", "wait n2#1 2000ms"}));
  EXPECT_TRUE(f.applied.helpers.empty());
  // Again: tolerant deletes only; the stopped delayer is not signalled twice.
  mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  const std::string chk = "n2: iptables -w -C RAFTLAB-FAULTS -d ";
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{del + "127.99.0.11 -m comment --comment raftlab-f1" + q,
                                               chk + "127.99.0.11 -m comment --comment raftlab-f1" + q,
                                               del + "127.99.0.13 -m comment --comment raftlab-f1" + q,
                                               chk + "127.99.0.13 -m comment --comment raftlab-f1" + q}));
}

TEST(LinkFaults, DelayToOnePeerUsesTheDelayerEvenWithNetem) {
  FakeFaultContext ctx(3);
  auto family = MakeLinkFaults();
  FaultSpec s = Link(v1::FAULT_DELAY, "n2");
  s.params.delay_ms = 40;
  s.params.peers = {"n3"};
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, s, &f).ok());
  EXPECT_EQ(ctx.agent.calls,
            (Lines{"n2: tc qdisc add dev eth0 root netem delay 1ms", "n2: tc qdisc del dev eth0 root",
                   "start n2: raftlab-delayer --queue 100 --delay-ms 40 --control /lab/n2/delayer-f1.delay-ms >> "
                   "/lab/n2/delayer-f1.log",
                   "wait n2#1 150ms",
                   "n2: iptables -w -A RAFTLAB-FAULTS -d 127.99.0.13 -m comment --comment raftlab-f1 -j NFQUEUE "
                   "--queue-num 100 --queue-bypass"}));
  EXPECT_EQ(f.info.mechanism, "raftlab-delayer (NFQUEUE; netem cannot target single peers here)");
  EXPECT_EQ(f.info.description, "delay 40 ms on n2 -> n3");
}

TEST(LinkFaults, DelayerThatDiesAtStartLeavesNothing) {
  FakeFaultContext ctx(3);
  ctx.agent.netem_supported = false;
  ctx.agent.next_process_exits_at_start = true;
  auto family = MakeLinkFaults();
  FaultSpec s = Link(v1::FAULT_DELAY, "n2");
  s.params.delay_ms = 80;
  ActiveFault f;
  Status st = PlanAndApply(*family, ctx, s, &f);
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_NE(st.message().find("/lab/n2/delayer-f1.log"), std::string::npos) << st.message();
  EXPECT_TRUE(ctx.agent.Rules("n2").empty());
  EXPECT_TRUE(f.applied.helpers.empty());
}

TEST(LinkFaults, BandwidthTbf) {
  FakeFaultContext ctx(3);
  auto family = MakeLinkFaults();
  FaultSpec s = Link(v1::FAULT_BANDWIDTH, "n2");
  s.params.rate = "256kbit";
  ActiveFault f;
  ASSERT_TRUE(PlanAndApply(*family, ctx, s, &f).ok());
  EXPECT_EQ(ctx.agent.calls, (Lines{"n2: tc qdisc add dev eth0 root tbf rate 256kbit burst 32kbit latency 400ms"}));
  EXPECT_EQ(f.info.mechanism, "tc tbf");
  EXPECT_EQ(f.exclusive, "qdisc:n2");
  const size_t mark = ctx.agent.calls.size();
  ASSERT_TRUE(family->Revert(&f, ctx, RevertMode::kLive).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"n2: tc qdisc del dev eth0 root"}));
}

TEST(LinkFaults, NetemProbeBehindABandwidthFaultIsNotCached) {
  FakeFaultContext ctx(3);
  ctx.agent.netem_supported = true;
  auto family = MakeLinkFaults();
  FaultSpec bw = Link(v1::FAULT_BANDWIDTH, "n2");
  bw.params.rate = "1mbit";
  ActiveFault b;
  ASSERT_TRUE(PlanAndApply(*family, ctx, bw, &b).ok());
  // The probe meets the tbf ("File exists"): netem is taken as there, so the plan is netem's
  // (refused by the FaultManager's one-qdisc-per-member check), and nothing is cached.
  FaultSpec d = Link(v1::FAULT_DELAY, "n2");
  d.params.delay_ms = 80;
  ActiveFault f;
  f.info.id = "f2";
  ASSERT_TRUE(family->Plan(d, ctx, &f).ok());
  EXPECT_EQ(f.exclusive, "qdisc:n2");
  ASSERT_TRUE(family->Revert(&b, ctx, RevertMode::kLive).ok());
  const size_t mark = ctx.agent.calls.size();
  ActiveFault g;
  g.info.id = "f3";
  ASSERT_TRUE(family->Plan(d, ctx, &g).ok());
  EXPECT_EQ(ctx.agent.CallsSince(mark), (Lines{"n2: tc qdisc add dev eth0 root netem delay 1ms", "n2: tc qdisc del dev eth0 root"}));
}

TEST(LinkFaults, BadParametersRefusedBeforeAnyCommand) {
  FakeFaultContext ctx(3);
  auto family = MakeLinkFaults();
  std::vector<std::pair<FaultSpec, std::string>> cases;
  for (const char* rate : {"0kbit", "fast", "256", "-5kbit", "10xbit", "kbit", "0.0mbit"}) {
    FaultSpec s = Link(v1::FAULT_BANDWIDTH, "n2");
    s.params.rate = rate;
    cases.push_back({s, "256kbit"});
  }
  for (double p : {0.0, 1.0, 1.5, -0.1}) {
    FaultSpec s = Link(v1::FAULT_LOSS, "n2");
    s.params.probability = p;
    cases.push_back({s, "between 0% and 100%"});
  }
  for (int ms : {0, -5, 60001}) {
    FaultSpec s = Link(v1::FAULT_DELAY, "n2");
    s.params.delay_ms = ms;
    cases.push_back({s, "between 1 ms and 60 s"});
  }
  FaultSpec self = Link(v1::FAULT_DELAY, "n2");
  self.params.delay_ms = 80;
  self.params.peers = {"n2"};
  cases.push_back({self, "cannot name the delayed member"});
  FaultSpec unknown = Link(v1::FAULT_LOSS, "n8");
  unknown.params.probability = 0.1;
  cases.push_back({unknown, "unknown member 'n8'"});
  for (const auto& [spec, message] : cases) {
    ActiveFault f;
    Status st = PlanAndApply(*family, ctx, spec, &f);
    EXPECT_FALSE(st.ok()) << FaultSpecToJson(spec).dump();
    EXPECT_NE(st.message().find(message), std::string::npos) << st.message();
  }
  EXPECT_TRUE(ctx.agent.calls.empty()) << ctx.agent.calls.front();
}

}  // namespace
}  // namespace raftlab::chaos
