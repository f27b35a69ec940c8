// FaultSpec: the proto request's conversion (kind string or enum), the JSON round trip, and
// parameter validation (tc rates, loss, delay, fsync ranges).
#include "chaos/fault_spec.h"

#include <gtest/gtest.h>

namespace raftlab::chaos {
namespace {

TEST(FaultSpec, FromRequestByNameOrEnum) {
  v1::FaultRequest r;
  r.set_kind("one-way");
  r.set_from("n1");
  r.set_to("leader");
  Result<FaultSpec> s = FaultSpecFromRequest(r);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->kind, v1::FAULT_ONE_WAY);
  EXPECT_EQ(s->targets, (std::vector<std::string>{"n1", "leader"}));

  v1::FaultRequest e;
  e.set_fault_kind(v1::FAULT_BRIDGE);
  e.set_bridge("n3");
  e.add_groups()->add_members("n1");
  e.add_groups()->add_members("n2");
  s = FaultSpecFromRequest(e);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->targets, std::vector<std::string>{"n3"});
  EXPECT_EQ(s->groups.size(), 2u);

  e.set_kind("partition");
  EXPECT_EQ(FaultSpecFromRequest(e).status().code(), Code::kInvalidArgument);   // they disagree
  v1::FaultRequest unknown;
  unknown.set_kind("meteor");
  Result<FaultSpec> bad = FaultSpecFromRequest(unknown);
  EXPECT_NE(bad.status().message().find("unknown fault kind 'meteor'"), std::string::npos);
  EXPECT_EQ(FaultSpecFromRequest(v1::FaultRequest()).status().code(), Code::kInvalidArgument);
}

TEST(FaultSpec, EveryKindHasAName) {
  for (int k = v1::FaultKind_MIN + 1; k <= v1::FaultKind_MAX; ++k) {
    const std::string name = FaultKindName(static_cast<FaultKind>(k));
    EXPECT_NE(name, "unspecified") << v1::FaultKind_Name(static_cast<FaultKind>(k));
    Result<FaultKind> back = ParseFaultKind(name);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, k);
  }
}

TEST(FaultSpec, JsonRoundTrip) {
  FaultSpec s;
  s.kind = v1::FAULT_DELAY;
  s.targets = {"n2"};
  s.params.delay_ms = 80;
  s.params.peers = {"n1", "n3"};
  Result<FaultSpec> back = FaultSpecFromJson(FaultSpecToJson(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(FaultSpecToJson(*back), FaultSpecToJson(s));
}

TEST(FaultSpec, TcRates) {
  for (const char* ok : {"256kbit", "10mbit", "1gbit", "1.5mbit", "100Kbit", "8bit", "64kbps", "1mbps", "2MiBps"})
    EXPECT_TRUE(CheckTcRate(ok).ok()) << ok;
  for (const char* bad : {"0kbit", "0", "256", "fast", "-1kbit", "kbit", "10 kbit", "1e3kbit", "1..2mbit", "5furlongs", ""})
    EXPECT_FALSE(CheckTcRate(bad).ok()) << bad;
  EXPECT_NE(CheckTcRate("0kbit").message().find("above zero"), std::string::npos);
}

TEST(FaultSpec, ParameterRanges) {
  FaultSpec loss;
  loss.kind = v1::FAULT_LOSS;
  for (double p : {0.0, 1.0, -0.5, 2.0}) {
    loss.params.probability = p;
    EXPECT_FALSE(ValidateParams(loss).ok()) << p;
  }
  loss.params.probability = 0.3;
  EXPECT_TRUE(ValidateParams(loss).ok());
  FaultSpec delay;
  delay.kind = v1::FAULT_DELAY;
  for (int ms : {0, -1, 60001}) {
    delay.params.delay_ms = ms;
    EXPECT_FALSE(ValidateParams(delay).ok()) << ms;
  }
  delay.params.delay_ms = 60000;
  EXPECT_TRUE(ValidateParams(delay).ok());
  FaultSpec disk;
  disk.kind = v1::FAULT_SLOW_DISK;
  disk.params.fsync_ms = 600001;
  EXPECT_FALSE(ValidateParams(disk).ok());
  disk.params.fsync_ms = 0;
  EXPECT_TRUE(ValidateParams(disk).ok());
  disk.duration_ms = 5000;
  EXPECT_EQ(ValidateParams(disk).code(), Code::kUnsupported);
}

}  // namespace
}  // namespace raftlab::chaos
