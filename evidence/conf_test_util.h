// Test-only builders for runs whose logs carry ConfChange entries the way etcd 3.4 writes them:
// the initial members n1 n2 n3 as AddNode entries of term 1 at indexes 1-3, then n1 leading
// term 2 (no-op at 4, puts at 5 and 6, all committed). Tests append ConfChanges, entries and
// samples to bend it into the case they want. Header-only; not linked into any binary.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>

#include "evidence/check_test_util.h"
#include "evidence/run.h"

namespace raftlab::evidence::checktest {

// A ConfChange entry: type AddNode, AddLearnerNode, RemoveNode or UpdateNode.
inline LogEntry Conf(uint64_t index, uint64_t term, const std::string& type, uint64_t node,
                     const std::string& name, bool learner = false, bool promote = false) {
  LogEntry e;
  e.index = index;
  e.term = term;
  e.type = EntryType::kConfChange;
  DecodedRequest& r = e.request;
  r.kind = "conf_change";
  r.conf_type = type;
  r.conf_node_id = node;
  r.conf_name = name;
  if (type != "RemoveNode" && !promote) r.conf_peer_urls = {"http://" + name + ":2380"};
  r.conf_is_learner = learner;
  r.conf_is_promote = promote;
  r.summary = "conf " + type + " " + name + (learner ? " learner" : "") + (promote ? " promote" : "");
  const std::string data = r.summary + "|" + std::to_string(index) + "|" + std::to_string(term);
  e.data_size = data.size();
  e.data_crc = static_cast<uint32_t>(std::hash<std::string>()(data));
  return e;
}

inline std::vector<LogEntry> BootstrapEntries() {
  return {Conf(1, 1, "AddNode", kN1, "n1"), Conf(2, 1, "AddNode", kN2, "n2"),
          Conf(3, 1, "AddNode", kN3, "n3"), Entry(4, 2), Entry(5, 2, "put", "a", "1"),
          Entry(6, 2, "put", "b", "2")};
}

// Appends `entries` to the logs of `members` and, for each, a hard state committing them all.
inline void AppendCommitted(Run* run, std::initializer_list<const char*> members,
                            const std::vector<LogEntry>& entries, uint64_t term = 2,
                            uint64_t vote = kN1) {
  for (const char* m : members) {
    RaftLog& log = run->logs[m];
    for (const LogEntry& e : entries) log.entries.push_back(e);
    log.hard_states.push_back({term, vote, log.entries.back().index});
  }
}

// n1 n2 n3 bootstrapped; n1 leads term 2 and commits 4, then 6 (two leader samples).
inline Run BootstrappedRun() {
  Run run;
  run.dir = "/tmp/conf";
  run.member_names = {{kN1, "n1"}, {kN2, "n2"}, {kN3, "n3"}, {kN4, "n4"}, {kN5, "n5"}};
  MembershipRecord m;
  m.mono_ns = Ms(0);
  m.voters = {"n1", "n2", "n3"};
  run.memberships.push_back(m);
  for (const char* member : {"n1", "n2", "n3"}) {
    run.logs[member] = Log(BootstrapEntries(), {{1, 0, 3}, {2, kN1, 3}, {2, kN1, 6}});
  }
  run.samples.push_back(Sample(0, "n1", kN1, 2, "StateLeader", 4, kN1, {{kN1, 4}, {kN2, 4}, {kN3, 4}}));
  run.samples.push_back(Sample(5, "n2", kN2, 2, "StateFollower", 4, kN1));
  run.samples.push_back(Sample(50, "n1", kN1, 2, "StateLeader", 6, kN1, {{kN1, 6}, {kN2, 6}, {kN3, 5}}));
  run.samples.push_back(Sample(55, "n2", kN2, 2, "StateFollower", 6, kN1));
  return run;
}

}  // namespace raftlab::evidence::checktest
