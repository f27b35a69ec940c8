// FaultManager against the fake context: ids, journal events, persistence after every
// change, conflicts, a failing revert that keeps its fault listed until heal retries it,
// refusals that leave nothing, and the revert of a crashed control plane's persisted faults.
#include "chaos/fault_manager.h"

#include <signal.h>

#include <gtest/gtest.h>

#include "chaos/recording_agent_test_util.h"

namespace raftlab::chaos {
namespace {

using testing::FakeFaultContext;
using Lines = std::vector<std::string>;

FaultSpec Partition(std::vector<std::vector<std::string>> groups) {
  FaultSpec s;
  s.kind = v1::FAULT_PARTITION;
  s.groups = std::move(groups);
  return s;
}

FaultSpec One(FaultKind kind, const std::string& target) {
  FaultSpec s;
  s.kind = kind;
  s.targets = {target};
  return s;
}

TEST(FaultManager, ApplyJournalsExportsAndPersists) {
  FakeFaultContext ctx(3);
  FaultManager m(&ctx);
  Result<FaultInfo> f1 = m.Apply(Partition({{"n1"}, {"n2", "n3"}}));
  ASSERT_TRUE(f1.ok()) << f1.status().ToString();
  EXPECT_EQ(f1->id, "f1");
  ASSERT_EQ(ctx.journal.size(), 1u);
  EXPECT_EQ(ctx.journal[0].first, "fault");
  const Json& start = ctx.journal[0].second;
  EXPECT_EQ(start["phase"], "start");
  EXPECT_EQ(start["id"], "f1");
  EXPECT_EQ(start["fault"], "partition");
  EXPECT_EQ(start["targets"], Json::array({"n1", "n2", "n3"}));
  EXPECT_EQ(start["mechanism"], "iptables DROP");
  EXPECT_EQ(start["description"], "partition n1 / n2,n3");
  EXPECT_EQ(start["detail"]["commands"][0],
            "n1: iptables -w -A RAFTLAB-FAULTS -s 127.99.0.12 -m comment --comment raftlab-f1 -j DROP");
  EXPECT_TRUE(ctx.fault_active["partition/n2"]);
  ASSERT_EQ(ctx.saved.size(), 1u);
  ASSERT_EQ(ctx.saved[0].size(), 1u);
  EXPECT_EQ(ctx.saved[0][0]["applied"]["undo"][0]["argv"][2], "-D");
  EXPECT_EQ(ctx.saved[0][0]["spec"]["kind"], "partition");

  Result<FaultInfo> f2 = m.Apply(One(v1::FAULT_PAUSE, "n3"));
  ASSERT_TRUE(f2.ok());
  EXPECT_EQ(f2->id, "f2");
  EXPECT_EQ(ctx.saved.back().size(), 2u);

  Result<HealReport> healed = m.Heal("");
  ASSERT_TRUE(healed.ok());
  ASSERT_EQ(healed->reverted.size(), 2u);
  EXPECT_EQ(healed->reverted[0].id, "f2");   // newest first
  EXPECT_TRUE(healed->failed.empty());
  EXPECT_TRUE(m.List().empty());
  EXPECT_TRUE(ctx.saved.back().empty());
  EXPECT_FALSE(ctx.fault_active["partition/n2"]);
  const Json& end = ctx.journal.back().second;
  EXPECT_EQ(end["phase"], "end");
  EXPECT_EQ(end["id"], "f1");
  EXPECT_EQ(end["ok"], true);
  EXPECT_EQ(healed->Lines(), (Lines{"healed f2: pause n3 (SIGSTOP)", "healed f1: partition n1 / n2,n3"}));
}

TEST(FaultManager, RefusalsLeaveNothingAndConsumeNoId) {
  FakeFaultContext ctx(3);
  FaultManager m(&ctx);
  Result<FaultInfo> bad = m.Apply(Partition({{"n1"}, {"n2"}}));
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  FaultSpec rate = One(v1::FAULT_BANDWIDTH, "n2");
  rate.params.rate = "0kbit";
  EXPECT_EQ(m.Apply(rate).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(ctx.agent.calls.empty());
  EXPECT_TRUE(ctx.journal.empty());
  EXPECT_TRUE(ctx.saved.empty());
  EXPECT_TRUE(m.List().empty());
  Result<FaultInfo> ok = m.Apply(One(v1::FAULT_KILL, "n2"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->id, "f1");
}

TEST(FaultManager, OneProcessFaultPerMember) {
  FakeFaultContext ctx(3);
  FaultManager m(&ctx);
  ASSERT_TRUE(m.Apply(One(v1::FAULT_KILL, "n2")).ok());
  const size_t calls = ctx.agent.calls.size();
  Result<FaultInfo> again = m.Apply(One(v1::FAULT_PAUSE, "n2"));
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_NE(again.status().message().find("already has fault f1"), std::string::npos) << again.status().message();
  EXPECT_EQ(ctx.agent.calls.size(), calls);
  EXPECT_EQ(m.List().size(), 1u);
  EXPECT_TRUE(m.Apply(One(v1::FAULT_PAUSE, "n3")).ok());
}

TEST(FaultManager, FailedRevertStaysListedAndHealRetries) {
  FakeFaultContext ctx(3);
  FaultManager m(&ctx);
  ASSERT_TRUE(m.Apply(Partition({{"n1"}, {"n2", "n3"}})).ok());
  // The delete of one rule fails while the rule is still there: a real failure.
  ctx.agent.FailNext("n2: iptables -w -D");
  Result<HealReport> first = m.Heal("");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->reverted.empty());
  ASSERT_EQ(first->failed.size(), 1u);
  EXPECT_NE(first->failed[0].error.find("on n2 failed"), std::string::npos) << first->failed[0].error;
  std::vector<FaultInfo> listed = m.List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, "f1");
  EXPECT_FALSE(listed[0].error.empty());
  EXPECT_EQ(ctx.journal.back().second["phase"], "revert_failed");
  EXPECT_TRUE(ctx.fault_active["partition/n2"]);
  EXPECT_EQ(ctx.saved.back()[0]["error"], listed[0].error);
  EXPECT_EQ(ctx.agent.Rules("n2").size(), 1u);   // the other rules are gone already

  Result<HealReport> retry = m.Heal("f1");
  ASSERT_TRUE(retry.ok());
  ASSERT_EQ(retry->reverted.size(), 1u);
  EXPECT_TRUE(retry->failed.empty());
  EXPECT_TRUE(m.List().empty());
  for (const auto& member : ctx.MemberNames()) EXPECT_TRUE(ctx.agent.Rules(member).empty()) << member;
  EXPECT_EQ(ctx.journal.back().second["phase"], "end");
}

TEST(FaultManager, FailedRestartAfterKillIsRetried) {
  FakeFaultContext ctx(3);
  FaultManager m(&ctx);
  ASSERT_TRUE(m.Apply(One(v1::FAULT_KILL, "n2")).ok());
  ctx.fail_restarts = 1;
  Result<HealReport> first = m.Heal("");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->failed.size(), 1u);
  EXPECT_EQ(first->Lines(), (Lines{"f1 (kill n2 (SIGKILL)) is still active, its revert failed: etcd n2 did not answer "
                                   "within 60 s"}));
  Result<HealReport> retry = m.Heal("");
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->reverted.size(), 1u);
  EXPECT_FALSE(ctx.stopped.count("n2"));
}

TEST(FaultManager, HealUnknownIdAndApplyWithoutLab) {
  FakeFaultContext ctx(3);
  FaultManager m(&ctx);
  ASSERT_TRUE(m.Apply(One(v1::FAULT_PAUSE, "n1")).ok());
  Result<HealReport> unknown = m.Heal("f9");
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_NE(unknown.status().message().find("active: f1"), std::string::npos) << unknown.status().message();
  ctx.up = false;
  EXPECT_EQ(m.Apply(One(v1::FAULT_PAUSE, "n2")).status().code(), Code::kFailedPrecondition);
}

// What a crashed raftlabd left in lab.json: a partition, a delay through the delayer (a process
// the new control plane's agent does not know), a slow disk, and a kill.
const char* kPersisted = R"json([
  {"id": "f1", "kind": "partition", "targets": ["n1", "n2", "n3"], "description": "partition n1 / n2,n3",
   "spec": {"kind": "partition", "groups": [["n1"], ["n2", "n3"]]},
   "applied": {"commands": [{"host": "n2", "argv": ["iptables", "-w", "-A", "RAFTLAB-FAULTS", "-s", "127.99.0.11", "-j", "DROP"]},
                            {"host": "n3", "argv": ["iptables", "-w", "-A", "RAFTLAB-FAULTS", "-s", "127.99.0.11", "-j", "DROP"]}],
               "undo": [{"host": "n2", "argv": ["iptables", "-w", "-D", "RAFTLAB-FAULTS", "-s", "127.99.0.11", "-j", "DROP"]},
                        {"host": "n3", "argv": ["iptables", "-w", "-D", "RAFTLAB-FAULTS", "-s", "127.99.0.11", "-j", "DROP"]}]}},
  {"id": "f2", "kind": "delay", "targets": ["n1"], "description": "delay 80 ms on n1 -> n3",
   "spec": {"kind": "delay", "targets": ["n1"], "params": {"delay_ms": 80, "peers": ["n3"]}},
   "applied": {"undo": [{"host": "n1", "argv": ["iptables", "-w", "-D", "RAFTLAB-FAULTS", "-d", "127.99.0.13", "-j", "NFQUEUE"]}],
               "helpers": [{"host": "n1", "id": 7}]}},
  {"id": "f3", "kind": "slow-disk", "targets": ["n2"], "description": "slow disk on n2",
   "spec": {"kind": "slow-disk", "targets": ["n2"], "params": {"fsync_ms": 1500}},
   "applied": {"files": [{"host": "n2", "path": "/lab/n2/fsync-delay-ms", "bytes": "0\n"}]}},
  {"id": "f4", "kind": "kill", "targets": ["n3"], "description": "kill n3 (SIGKILL)",
   "spec": {"kind": "kill", "targets": ["n3"], "params": {"signal": 9}},
   "applied": {"member": "n3", "signal": 9}},
  {"id": "f5", "spec": {"kind": "no-such-kind"}}
])json";

TEST(FaultManager, RevertFromStateUndoesACrashedLabsFaults) {
  FakeFaultContext ctx(3);
  ctx.up = false;   // the new control plane, before Up
  // The crashed lab's kernel state: f1's rules (f2's NFQUEUE rule already gone), f3's delay.
  const Json persisted = Json::parse(kPersisted);
  for (const auto& c : persisted[0]["applied"]["commands"])
    ASSERT_TRUE(ctx.agent.RunOnHost(c["host"], c["argv"].get<std::vector<std::string>>()).ok());
  ctx.agent.files[{"n2", "/lab/n2/fsync-delay-ms"}] = "1500\n";
  ctx.agent.calls.clear();

  FaultManager m(&ctx);
  HealReport report = m.RevertFromState(persisted);
  EXPECT_EQ(ctx.agent.calls,
            (Lines{// f4 (kill): nothing; the sweep stops the crashed lab's members
                   "read n2: /lab/n2/fsync-delay-ms", "write n2: /lab/n2/fsync-delay-ms = 0",             // f3
                   "n1: iptables -w -D RAFTLAB-FAULTS -d 127.99.0.13 -j NFQUEUE",                          // f2
                   "n1: iptables -w -C RAFTLAB-FAULTS -d 127.99.0.13 -j NFQUEUE", "signal n1#7 SIGTERM",
                   "n2: iptables -w -D RAFTLAB-FAULTS -s 127.99.0.11 -j DROP",                            // f1
                   "n3: iptables -w -D RAFTLAB-FAULTS -s 127.99.0.11 -j DROP"}));
  Lines reverted, failed;
  for (const auto& f : report.reverted) reverted.push_back(f.id);
  for (const auto& f : report.failed) failed.push_back(f.id);
  EXPECT_EQ(reverted, (Lines{"f4", "f3", "f2", "f1"}));
  EXPECT_EQ(failed, (Lines{"f5"}));
  EXPECT_NE(report.failed[0].error.find("unknown fault kind 'no-such-kind'"), std::string::npos) << report.failed[0].error;
  for (const auto& member : ctx.MemberNames()) EXPECT_TRUE(ctx.agent.Rules(member).empty()) << member;
  EXPECT_EQ((ctx.agent.files[{"n2", "/lab/n2/fsync-delay-ms"}]), "0\n");
  EXPECT_TRUE(m.List().empty());   // nothing of the old lab is adopted
  EXPECT_TRUE(m.RevertFromState(Json()).reverted.empty());
}

}  // namespace
}  // namespace raftlab::chaos
