// The HostAgent contract suite; see agent_contract_test.h for how to instantiate it.
#include "cluster/agent_contract_test.h"

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

namespace raftlab::cluster {
namespace {

// Waits for NextExit to report `ref`; returns how many times it did, reading the stream
// until it is quiet for quiet_ms (other exits are ignored).
int CountExitsOf(HostAgent* agent, const ProcessRef& ref, std::string* status) {
  int seen = 0;
  for (int wait_ms = 5000;; wait_ms = 300) {
    std::optional<ProcessExit> e = agent->NextExit(wait_ms);
    if (!e) return seen;
    if (e->process == ref) {
      ++seen;
      *status = e->status;
    }
  }
}

std::string Text(const Status& s) { return s.ToString(); }

}  // namespace

void AgentContractTest::SetUp() {
  char tmpl[] = "/tmp/raftlab-agent-contract-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  root_ = tmpl;
  agent_ = GetParam().make_agent(root_);
  if (agent_ == nullptr && !IsSkipped() && !HasFailure()) FAIL() << "the agent factory returned no agent";
}

void AgentContractTest::TearDown() {
  if (agent_ != nullptr) (void)agent_->RemoveLeftovers();
  agent_.reset();
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

TEST_P(AgentContractTest, RootDirIsTheOneGiven) { EXPECT_EQ(agent_->RootDir(), root_); }

TEST_P(AgentContractTest, KilledProcessReportsSignalOnceOnTheExitStream) {
  Result<ProcessRef> p = agent_->StartOnHost(host(), {"sleep", "30"}, Path("sleep.log"));
  ASSERT_TRUE(p.ok()) << Text(p.status());
  EXPECT_EQ(p->host, host());
  EXPECT_TRUE(p->valid());
  ASSERT_TRUE(agent_->Signal(*p, SIGKILL).ok());
  Result<std::string> how = agent_->WaitExit(*p, 5000);
  ASSERT_TRUE(how.ok()) << Text(how.status());
  EXPECT_EQ(*how, "killed by SIGKILL");
  std::string streamed;
  EXPECT_EQ(CountExitsOf(agent_.get(), *p, &streamed), 1);
  EXPECT_EQ(streamed, "killed by SIGKILL");
  // Still answers after its exit was reported.
  Result<std::string> again = agent_->WaitExit(*p, 0);
  ASSERT_TRUE(again.ok()) << Text(again.status());
  EXPECT_EQ(*again, "killed by SIGKILL");
}

TEST_P(AgentContractTest, WaitExitOnARunningProcessTimesOut) {
  Result<ProcessRef> p = agent_->StartOnHost(host(), {"sleep", "30"}, "");
  ASSERT_TRUE(p.ok()) << Text(p.status());
  Result<std::string> how = agent_->WaitExit(*p, 200);
  EXPECT_EQ(how.status().code(), Code::kTimeout) << (how.ok() ? *how : Text(how.status()));
  EXPECT_FALSE(agent_->NextExit(100).has_value());
  ASSERT_TRUE(agent_->Signal(*p, SIGTERM).ok());
  how = agent_->WaitExit(*p, 5000);
  ASSERT_TRUE(how.ok()) << Text(how.status());
  EXPECT_EQ(*how, "killed by SIGTERM");
}

TEST_P(AgentContractTest, SignalAfterExitFailsCleanly) {
  Result<ProcessRef> p = agent_->StartOnHost(host(), {"true"}, "");
  ASSERT_TRUE(p.ok()) << Text(p.status());
  Result<std::string> how = agent_->WaitExit(*p, 5000);
  ASSERT_TRUE(how.ok()) << Text(how.status());
  EXPECT_EQ(*how, "exited 0");
  Status s = agent_->Signal(*p, SIGKILL);
  EXPECT_TRUE(s.code() == Code::kFailedPrecondition || s.code() == Code::kNotFound) << Text(s);
}

TEST_P(AgentContractTest, UnknownProcessIsNotFound) {
  Result<ProcessRef> p = agent_->StartOnHost(host(), {"sleep", "30"}, "");
  ASSERT_TRUE(p.ok()) << Text(p.status());
  ProcessRef never{host(), p->id + 1000};
  EXPECT_EQ(agent_->Signal(never, SIGKILL).code(), Code::kNotFound);
  EXPECT_EQ(agent_->WaitExit(never, 0).status().code(), Code::kNotFound);
  ProcessRef other_host{host() + "x", p->id};
  EXPECT_EQ(agent_->Signal(other_host, SIGKILL).code(), Code::kNotFound);
  // The real one was not touched by those.
  EXPECT_EQ(agent_->WaitExit(*p, 100).status().code(), Code::kTimeout);
}

TEST_P(AgentContractTest, ProcessExitingByItselfReportsItsCode) {
  Result<ProcessRef> p = agent_->StartOnHost(host(), {"sh", "-c", "exit 3"}, "");
  ASSERT_TRUE(p.ok()) << Text(p.status());
  std::string streamed;
  EXPECT_EQ(CountExitsOf(agent_.get(), *p, &streamed), 1);
  EXPECT_EQ(streamed, "exited 3");
  Result<std::string> how = agent_->WaitExit(*p, 0);
  ASSERT_TRUE(how.ok()) << Text(how.status());
  EXPECT_EQ(*how, "exited 3");
}

TEST_P(AgentContractTest, ManyExitsAreEachReportedOnceWithTheirOwnCode) {
  std::map<uint64_t, std::string> expected;
  for (int code = 0; code < 12; ++code) {
    Result<ProcessRef> p = agent_->StartOnHost(host(), {"sh", "-c", "exit " + std::to_string(code)}, "");
    ASSERT_TRUE(p.ok()) << Text(p.status());
    expected[p->id] = "exited " + std::to_string(code);
  }
  std::map<uint64_t, std::string> seen;
  while (seen.size() < expected.size()) {
    std::optional<ProcessExit> e = agent_->NextExit(5000);
    ASSERT_TRUE(e.has_value()) << "only " << seen.size() << " of " << expected.size() << " exits reported";
    EXPECT_TRUE(seen.emplace(e->process.id, e->status).second) << "process " << e->process.id << " reported twice";
  }
  EXPECT_EQ(seen, expected);
  EXPECT_FALSE(agent_->NextExit(300).has_value());
}

TEST_P(AgentContractTest, NextExitWithNothingExitingIsEmpty) { EXPECT_FALSE(agent_->NextExit(100).has_value()); }

TEST_P(AgentContractTest, StartOnHostAppendsOutputAndErrorsToTheLog) {
  const std::string log = Path("logs/deep/out.log");
  ASSERT_TRUE(agent_->WriteFile(host(), log, "before\n").ok());
  Result<ProcessRef> p = agent_->StartOnHost(host(), {"sh", "-c", "echo to-stdout; echo to-stderr >&2"}, log);
  ASSERT_TRUE(p.ok()) << Text(p.status());
  ASSERT_TRUE(agent_->WaitExit(*p, 5000).ok());
  Result<std::string> text = agent_->ReadFile(host(), log);
  ASSERT_TRUE(text.ok()) << Text(text.status());
  EXPECT_EQ(*text, "before\nto-stdout\nto-stderr\n");
}

TEST_P(AgentContractTest, StartOnHostCreatesTheLogsDirectory) {
  const std::string log = Path("new/dir/x.log");
  Result<ProcessRef> p = agent_->StartOnHost(host(), {"echo", "hi"}, log);
  ASSERT_TRUE(p.ok()) << Text(p.status());
  ASSERT_TRUE(agent_->WaitExit(*p, 5000).ok());
  Result<std::string> text = agent_->ReadFile(host(), log);
  ASSERT_TRUE(text.ok()) << Text(text.status());
  EXPECT_EQ(*text, "hi\n");
}

TEST_P(AgentContractTest, RunOnHostCapturesOutputAndExitCode) {
  Result<RunResult> r = agent_->RunOnHost(host(), {"sh", "-c", "echo out; echo err >&2; exit 2"});
  ASSERT_TRUE(r.ok()) << Text(r.status());
  EXPECT_EQ(r->exit_code, 2);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST_P(AgentContractTest, AbsentProgramIsAClearError) {
  for (const std::string& program : {std::string("raftlab-no-such-tool"), std::string("/nonexistent/raftlab-bin")}) {
    Result<ProcessRef> p = agent_->StartOnHost(host(), {program, "--flag"}, Path("x.log"));
    ASSERT_FALSE(p.ok()) << program << " started";
    EXPECT_NE(p.status().message().find(program), std::string::npos) << Text(p.status());
    Result<RunResult> r = agent_->RunOnHost(host(), {program});
    ASSERT_FALSE(r.ok()) << program << " ran";
    EXPECT_NE(r.status().message().find(program), std::string::npos) << Text(r.status());
  }
  EXPECT_EQ(agent_->StartOnHost(host(), {}, "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(agent_->RunOnHost(host(), {}).status().code(), Code::kInvalidArgument);
  // Nothing was started, so nothing exits.
  EXPECT_FALSE(agent_->NextExit(100).has_value());
}

TEST_P(AgentContractTest, WriteFileThenReadFileRoundTrips) {
  const std::string path = Path("a/b/c.bin");
  const std::string bytes("one\0two\n\xff", 9);
  ASSERT_TRUE(agent_->WriteFile(host(), path, bytes).ok());
  Result<std::string> back = agent_->ReadFile(host(), path);
  ASSERT_TRUE(back.ok()) << Text(back.status());
  EXPECT_EQ(*back, bytes);
  ASSERT_TRUE(agent_->WriteFile(host(), path, "replaced").ok());
  EXPECT_EQ(*agent_->ReadFile(host(), path), "replaced");
}

TEST_P(AgentContractTest, ReadFileOfAnAbsentFileIsNotFound) {
  EXPECT_EQ(agent_->ReadFile(host(), Path("absent")).status().code(), Code::kNotFound);
}

TEST_P(AgentContractTest, ReadTreeListsNestedFilesByRelativePath) {
  ASSERT_TRUE(agent_->WriteFile(host(), Path("tree/top.txt"), "t").ok());
  ASSERT_TRUE(agent_->WriteFile(host(), Path("tree/sub/deeper/leaf.txt"), "l").ok());
  ASSERT_TRUE(agent_->MakeDirs(host(), Path("tree/empty")).ok());
  Result<std::vector<FileEntry>> tree = agent_->ReadTree(host(), Path("tree"));
  ASSERT_TRUE(tree.ok()) << Text(tree.status());
  ASSERT_EQ(tree->size(), 2u);
  EXPECT_EQ((*tree)[0].path, "sub/deeper/leaf.txt");
  EXPECT_EQ((*tree)[0].bytes, "l");
  EXPECT_EQ((*tree)[1].path, "top.txt");
  EXPECT_EQ((*tree)[1].bytes, "t");
  Result<std::vector<FileEntry>> absent = agent_->ReadTree(host(), Path("no-such-dir"));
  ASSERT_TRUE(absent.ok()) << Text(absent.status());
  EXPECT_TRUE(absent->empty());
}

TEST_P(AgentContractTest, MoveTreeMovesContentsAndRemovesTheSource) {
  ASSERT_TRUE(agent_->WriteFile(host(), Path("wal/0.wal"), "zero").ok());
  ASSERT_TRUE(agent_->WriteFile(host(), Path("wal/sub/1.wal"), "one").ok());
  ASSERT_TRUE(agent_->WriteFile(host(), Path("fast/kept"), "kept").ok());
  ASSERT_TRUE(agent_->MoveTree(host(), Path("wal"), Path("fast")).ok());
  Result<std::vector<FileEntry>> moved = agent_->ReadTree(host(), Path("fast"));
  ASSERT_TRUE(moved.ok());
  ASSERT_EQ(moved->size(), 3u);
  EXPECT_EQ((*moved)[0].path, "0.wal");
  EXPECT_EQ((*moved)[1].path, "kept");
  EXPECT_EQ((*moved)[2].path, "sub/1.wal");
  EXPECT_EQ((*moved)[2].bytes, "one");
  EXPECT_EQ(agent_->ReadFile(host(), Path("wal/0.wal")).status().code(), Code::kNotFound);
  EXPECT_TRUE(agent_->ReadTree(host(), Path("wal"))->empty());
  // Moving an absent tree moves nothing and is not an error.
  EXPECT_TRUE(agent_->MoveTree(host(), Path("wal"), Path("fast")).ok());
  EXPECT_EQ(agent_->ReadTree(host(), Path("fast"))->size(), 3u);
}

TEST_P(AgentContractTest, CopyFileCopiesAndCreatesParents) {
  ASSERT_TRUE(agent_->WriteFile(host(), Path("src.txt"), "payload").ok());
  ASSERT_TRUE(agent_->CopyFile(host(), Path("src.txt"), Path("copies/dst.txt")).ok());
  EXPECT_EQ(*agent_->ReadFile(host(), Path("copies/dst.txt")), "payload");
  EXPECT_EQ(*agent_->ReadFile(host(), Path("src.txt")), "payload");
  EXPECT_EQ(agent_->CopyFile(host(), Path("absent"), Path("x")).code(), Code::kNotFound);
}

TEST_P(AgentContractTest, RemoveTreeRemovesAndToleratesAbsence) {
  ASSERT_TRUE(agent_->WriteFile(host(), Path("gone/a/b"), "x").ok());
  ASSERT_TRUE(agent_->RemoveTree(host(), Path("gone")).ok());
  EXPECT_TRUE(agent_->ReadTree(host(), Path("gone"))->empty());
  EXPECT_TRUE(agent_->RemoveTree(host(), Path("gone")).ok());
  EXPECT_EQ(agent_->RemoveTree(host(), root_).code(), Code::kInvalidArgument);
}

TEST_P(AgentContractTest, PathsOutsideTheRootAreRefused) {
  const std::vector<std::string> bad = {
      "/etc/hostname",              // elsewhere
      root_ + "/../escape",         // climbs out
      root_ + "/a/../b",            // not normal, even though inside
      root_ + "-sibling/x",         // shares the root's prefix only
      "relative/path",
  };
  for (const auto& path : bad) {
    Status read = agent_->ReadFile(host(), path).status();
    EXPECT_EQ(read.code(), Code::kInvalidArgument) << path << ": " << Text(read);
    EXPECT_NE(read.message().find(path), std::string::npos) << Text(read);
    EXPECT_NE(read.message().find(root_), std::string::npos) << Text(read);
    EXPECT_EQ(agent_->WriteFile(host(), path, "x").code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(agent_->ReadTree(host(), path).status().code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(agent_->MakeDirs(host(), path).code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(agent_->RemoveTree(host(), path).code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(agent_->CopyFile(host(), path, Path("c")).code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(agent_->CopyFile(host(), Path("c"), path).code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(agent_->MoveTree(host(), Path("m"), path).code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(agent_->StartOnHost(host(), {"true"}, path).status().code(), Code::kInvalidArgument) << path;
  }
  std::error_code ec;
  EXPECT_FALSE(std::filesystem::exists(root_ + "-sibling", ec));
}

}  // namespace raftlab::cluster
