// Helpers for the chaos tests on real labs: a ChaosLab wraps the LabHarness (one lab at a
// time, machine-wide lock) with polling on `status --json`, the journal's samples and ops,
// per-member iptables/tc state, and raftlab-probe runs inside member namespaces.
//
// Everything polls against a deadline; nothing relies on a fixed sleep. Not thread-safe: one
// test thread drives one lab. Runs ip, iptables-save, tc and raftlab-probe (ip netns exec).
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "tests/lab_harness.h"

namespace raftlab::testing {

std::string Str(const Json& j);
std::string Lines(const std::vector<std::string>& lines);   // joined with '\n', for messages
std::string MemberIp(const std::string& member);            // "n3" -> "127.99.0.13"
double SecondsSince(int64_t mono_ns);

// Polls `pred` every `poll_ms` until it holds or `timeout_ms` pass. True when it held.
bool WaitUntil(const std::function<bool()>& pred, int timeout_ms, int poll_ms = 100);

// A status --json snapshot with questions about it.
struct LabStatus {
  Json json;
  const Json* Member(const std::string& name) const;
  // The leader every listed member (all when empty) is healthy and agrees on, with exactly
  // one of them in role leader and one term among them; "" when there is no such agreement.
  std::string AgreedLeader(const std::vector<std::string>& among = {}) const;
  uint64_t Term(const std::string& name) const;
  std::string Role(const std::string& name) const;
  std::string LeaderSeenBy(const std::string& name) const;
};

// A probe server running in a member's namespace (raftlab-probe serve), stopped by Stop().
struct ProbeServer {
  std::string member;
  int port = 0;
  pid_t pid = -1;
  std::string out_path;
};

class ChaosLab {
 public:
  ChaosLab();
  ~ChaosLab();   // stops any probe server still running; the harness takes the lab down

  LabHarness& harness() { return lab_; }
  CliRun Cli(const std::vector<std::string>& args) const { return lab_.Cli(args); }
  // Cli() that must succeed; a failure is an ADD_FAILURE with its stderr.
  CliRun MustCli(const std::vector<std::string>& args) const;

  // `up ... --json`; remembers member names and the journal path. False (with a failure) when
  // up fails or no leader is agreed within 20 s.
  bool Up(const std::vector<std::string>& flags);
  const std::vector<std::string>& members() const { return members_; }
  const std::string& journal() const { return journal_; }

  LabStatus Status() const;
  // Polls status until `pred` holds; returns the last status (check pred again if you care).
  std::optional<LabStatus> WaitStatus(const std::function<bool(const LabStatus&)>& pred, int timeout_ms) const;
  // Waits for every running member (or `among`) to agree on one leader.
  std::string WaitAgreedLeader(int timeout_ms, const std::vector<std::string>& among = {}) const;

  // `ip netns exec rl-<m> iptables-save` minus comments and counters.
  std::string IptablesSave(const std::string& member) const;
  std::map<std::string, std::string> AllIptables() const;
  // Rules currently in RAFTLAB-FAULTS of that member ("-A RAFTLAB-FAULTS ..." lines).
  std::vector<std::string> FaultRules(const std::string& member) const;
  std::string TcQdisc(const std::string& member) const;
  // `faults --json` ids.
  std::vector<std::string> FaultIds() const;

  // Journal.
  std::vector<Json> Journal() const { return ReadJournal(journal_); }

  // Probes (raftlab-probe inside member namespaces).
  std::optional<ProbeServer> StartProbeServer(const std::string& member, int port, int duration_ms = 60000);
  Json StopProbeServer(ProbeServer* s);   // the "done" line, or null
  Json ProbeUdp(const std::string& from, const std::string& to, int port, int count, int interval_ms, bool echo,
                int size = 64, int wait_ms = 1000) const;
  Json ProbeTcp(const std::string& from, const std::string& to, int port, int timeout_ms) const;

  // Host state beyond the harness snapshot: RAFTLAB-FAULTS rules in any namespace, delayer
  // and probe processes, mounts under this lab's directory. Empty when clean.
  std::vector<std::string> ChaosLeftovers() const;
  // HostSnapshot() + ChaosLeftovers(): take one before the lab, compare with Leaks().
  std::vector<std::string> Snapshot() const;
  // Lines of Snapshot() not in `before`; empty when nothing of the lab remains.
  std::vector<std::string> Leaks(const std::vector<std::string>& before) const;

 private:
  LabHarness lab_;
  std::vector<std::string> members_;
  std::string journal_;
  std::vector<ProbeServer> servers_;
};

// Journal helpers.
struct SampleView {
  int64_t mono_ns = 0;
  std::string member, state, lead;
  uint64_t term = 0;
  Json metrics;
};
std::vector<SampleView> Samples(const std::vector<Json>& journal, const std::string& member = "");
// mono_ns of the fault event with that phase ("start"/"end") and id, 0 when absent.
int64_t FaultEventNs(const std::vector<Json>& journal, const std::string& id, const std::string& phase);
// Durations (ms) of completed ops of kind f ("put") by op_id, from invoke to ok, in
// [from_ns, to_ns).
std::vector<double> OpLatenciesMs(const std::vector<Json>& journal, const std::string& f, int64_t from_ns,
                                  int64_t to_ns);
double Median(std::vector<double> v);

}  // namespace raftlab::testing
