#include "cluster/topology.h"

#include <gtest/gtest.h>

#include "cluster/etcd_member.h"
#include "cluster/leftovers.h"

namespace raftlab::cluster {
namespace {

TEST(Topology, NamesAndAddressesCarryTheLabPrefix) {
  EXPECT_EQ(MemberOrdinal("n3"), 3);
  EXPECT_EQ(MemberOrdinal("n0"), 0);
  EXPECT_EQ(MemberOrdinal("x3"), 0);
  EXPECT_EQ(MemberOrdinal("n10"), 0);
  EXPECT_EQ(MemberNetns("n3"), "rl-n3");
  EXPECT_EQ(MemberIp("n3"), "127.99.0.13");
  EXPECT_EQ(ClientUrl("n1"), "http://127.99.0.11:2379");
  EXPECT_EQ(PeerUrl("n2"), "http://127.99.0.12:2380");
  EXPECT_LT(kClientPort, 32768);
  EXPECT_LT(kPeerPort, 32768);
}

TEST(Leftovers, OnlyTheLabsExactNamesCount) {
  EXPECT_TRUE(IsLabNetnsName("rl-br"));
  EXPECT_TRUE(IsLabNetnsName("rl-n5"));
  EXPECT_FALSE(IsLabNetnsName("rl-n0"));
  EXPECT_FALSE(IsLabNetnsName("rl-dt-a"));
  EXPECT_FALSE(IsLabNetnsName("other"));
  EXPECT_TRUE(IsLabLinkName("rl-up"));
  EXPECT_TRUE(IsLabLinkName("rl-n2-m"));
  EXPECT_FALSE(IsLabLinkName("eth0"));
  EXPECT_FALSE(IsLabLinkName("rl-upx"));
}

TEST(EtcdMember, ArgvCarriesTheFlags) {
  EtcdMemberSpec spec;
  spec.name = "n2";
  spec.data_dir = "/s/members/n2/data";
  spec.initial_cluster = "n1=http://127.99.0.11:2380,n2=http://127.99.0.12:2380";
  spec.flags.pre_vote = true;
  spec.flags.snapshot_count = 100;
  std::vector<std::string> argv = EtcdArgv(spec);
  auto has = [&](const std::string& a) { return std::find(argv.begin(), argv.end(), a) != argv.end(); };
  EXPECT_TRUE(has("--listen-client-urls=http://127.99.0.12:2379"));
  EXPECT_TRUE(has("--pre-vote=true"));
  EXPECT_TRUE(has("--snapshot-count=100"));
  EXPECT_TRUE(has("--initial-cluster-state=new"));
  spec.join_existing = true;
  argv = EtcdArgv(spec);
  EXPECT_TRUE(has("--initial-cluster-state=existing"));
  // A member on a remote agent listens at the address its agent reports.
  spec.address = "127.99.0.21";
  argv = EtcdArgv(spec);
  EXPECT_TRUE(has("--listen-peer-urls=http://127.99.0.21:2380"));
  EXPECT_TRUE(has("--advertise-client-urls=http://127.99.0.21:2379"));
}

TEST(EtcdMember, FlagLimitsFollowEtcd) {
  EXPECT_EQ(ValidateEtcdFlags({100, 1000, false, 0}), "");
  EXPECT_NE(ValidateEtcdFlags({100, 400, false, 0}), "");
  EXPECT_NE(ValidateEtcdFlags({0, 1000, false, 0}), "");
  EXPECT_NE(ValidateEtcdFlags({100, 60000, false, 0}), "");
}

}  // namespace
}  // namespace raftlab::cluster
