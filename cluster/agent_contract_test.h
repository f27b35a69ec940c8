// The HostAgent contract: one googletest suite every implementation must pass (LocalAgent
// in-process, RemoteAgent over gRPC). It checks process handles and their exits, output
// capture, file operations confined to the root, and clear errors for bad commands. It never
// calls CreateHost or CreateFabric, so it needs no namespace and changes no iptables: the
// host it uses must accept processes and files without them.
//
// To run it against an implementation, link raftlab_agent_contract and, in a tiny .cc:
//
//   #include "cluster/agent_contract_test.h"
//   INSTANTIATE_TEST_SUITE_P(LocalThisHost, AgentContractTest,
//       ::testing::Values(raftlab::cluster::AgentContractParam{"LocalThisHost", "n1",
//           [](const std::string& root) { return std::make_unique<LocalAgent>(...root...); }}),
//       raftlab::cluster::AgentContractParamName);
//
// Each test makes a fresh directory under /tmp, hands it to the factory as root_dir, calls
// RemoveLeftovers on the agent when done and removes the directory. The factory may return
// nullptr after calling GTEST_SKIP() (or FAIL()) when its implementation cannot run here.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "cluster/host_agent.h"

namespace raftlab::cluster {

struct AgentContractParam {
  std::string name;   // the instantiation's name in test output: letters and digits only
  std::string host;   // a host the agent serves with no CreateHost call
  std::function<std::unique_ptr<HostAgent>(const std::string& root_dir)> make_agent;
};

inline std::string AgentContractParamName(const ::testing::TestParamInfo<AgentContractParam>& info) {
  return info.param.name;
}

class AgentContractTest : public ::testing::TestWithParam<AgentContractParam> {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::string& host() const { return GetParam().host; }
  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  std::string root_;
  std::unique_ptr<HostAgent> agent_;
};

}  // namespace raftlab::cluster
