// The catalogue (DESIGN.md §4: the seed's five plus slow-disk) and the loop that runs one scenario's cases.
#include <ostream>

#include "common/clock.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {

const std::vector<ScenarioInfo>& Catalogue() {
  static const std::vector<ScenarioInfo> catalogue = {
      {"replicate",
       "writes through every member; same key/value/revision everywhere; equal HashKV; identical committed WAL prefix",
       // replicate and election write a handful of keys: the 50 ms sampler sees 3 and 5 commit
       // advances there, so their commit_quorum minimums leave room for a merged advance or two.
       {{"", 3}}, RunReplicate,
       "election_safety,term_monotonic,commit_quorum:2,log_matching:all,state_machine_safety,durability:all"},
      {"election",
       "leader killed: new leader in a higher term, time to elect; then a leader transfer to a follower",
       {{"", 3}}, RunElection,
       "election_safety:2,term_monotonic,commit_quorum:3,log_matching,state_machine_safety,durability:all"},
      {"leader-crash",
       "isolated leader takes a write it cannot commit, is killed, restarts: its WAL shows (i,t) replaced by (i,t'>t)",
       {{"", 3}}, RunLeaderCrash,
       "election_safety:2,term_monotonic,commit_quorum:5,log_matching:all,state_machine_safety,durability:all"},
      {"partition",
       "minority/majority split (5 as 2/3, then 3 as 1/2): no leader, timeouts and stale reads on the minority; "
       "the majority commits; all converge after heal",
       {{"partition-5", 5}, {"partition-3", 3}}, RunPartition,
       "election_safety:2,term_monotonic,commit_quorum:5,log_matching,state_machine_safety,durability:all,"
       "linearizability"},
      {"membership",
       "3 -> 5 one voter at a time (learner, catch up, promote) and back to 3, under load; quorum table per step",
       {{"", 3}}, RunMembership,
       "membership:all,election_safety,term_monotonic,commit_quorum:5,log_matching,state_machine_safety,"
       "durability:all,linearizability"},
      {"slow-disk",
       "a sweep of WAL fsync delays on the leader; 2.5 s kept on whoever leads makes leadership flap; the stopgap "
       "(--election-timeout 5000 by rolling restart) stops the flapping, not the slowness; the fix (the WAL on fast "
       "storage, timeout restored) proven on the member that was slow, against a control",
       {{.run_name = "", .members = 3, .heartbeat_ms = 100, .election_ms = 1000, .slow_wal = true}}, RunSlowDisk,
       "election_safety:2,term_monotonic,commit_quorum:5,log_matching,state_machine_safety,durability:all"},
      {"snapshot",
       "3 -> 4 members with --snapshot-count 100; a follower killed while the leader compacts past its next "
       "index comes back through InstallSnapshot: its WAL jumps to the snapshot, whose ConfState lists the 4 voters",
       {{.run_name = "", .members = 3, .snapshot_count = 100}}, RunSnapshot,
       "membership:all,durability:all,log_matching,state_machine_safety,election_safety,term_monotonic,"
       "commit_quorum:5"},
      {"prevote",
       "a follower partitioned for several election timeouts rejoins: without pre-vote its inflated term deposes "
       "the leader and writes stall; with pre-vote it stays a pre-candidate and rejoins silently (side by side)",
       // The off case elects twice (the rejoin forces an election); the on case never re-elects.
       {{.run_name = "prevote-off", .members = 3, .pre_vote = false,
         .required = "election_safety:2,term_monotonic,commit_quorum:5,log_matching,state_machine_safety,durability:all"},
        {.run_name = "prevote-on", .members = 3, .pre_vote = true}},
       RunPrevote,
       "election_safety,term_monotonic,commit_quorum:5,log_matching,state_machine_safety,durability:all"},
      {"reads",
       "9:1 read:write at 1000 ops/s through every member, one read path at a time: serializable (local), "
       "linearizable (ReadIndex), log (a Txn through the log); latency histograms and what each waits for; then a "
       "partitioned follower answers serializable reads with stale data while its linearizable read fails",
       {{"", 3}}, RunReads,
       "durability:all,log_matching,state_machine_safety,commit_quorum:5,election_safety,term_monotonic,"
       "linearizability"},
      {"soak",
       "about a minute of a seeded fault plan (partitions of every shape, loss, delay, bandwidth, kill, pause, "
       "restart, leader transfer, a member change; the leader paused 1-3 s) under clients with unique values and "
       "linearizable and serializable reads through every member; every checker over the whole run",
       {{"", 3}}, RunSoak,
       "election_safety,term_monotonic,commit_quorum:5,log_matching,state_machine_safety,durability:all,"
       "linearizability,membership:all"},
  };
  return catalogue;
}

const ScenarioInfo* FindScenario(const std::string& name) {
  for (const auto& s : Catalogue())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<LabSpec> SelectCases(const ScenarioInfo& scenario, int members) {
  if (members <= 0) return scenario.cases;
  for (const auto& c : scenario.cases)
    if (c.members == members) return {c};
  LabSpec one = scenario.cases.front();
  one.members = members;
  if (scenario.cases.size() > 1) one.run_name = scenario.name + "-" + std::to_string(members);
  return {one};
}

ScenarioResult RunCase(const ScenarioInfo& scenario, const LabSpec& lab, const ScenarioOptions& options) {
  const int64_t t0 = MonoNowNs();
  if (options.progress)
    *options.progress << "scenario " << (lab.run_name.empty() ? scenario.name : lab.run_name) << " (" << lab.members
                      << " members, seed " << options.seed << ")\n" << std::flush;
  Result<std::unique_ptr<ScenarioContext>> ctx = ScenarioContext::Start(scenario.name, lab, options);
  if (!ctx.ok()) {
    ScenarioResult failed;
    failed.name = lab.run_name.empty() ? scenario.name : lab.run_name;
    failed.error = "lab did not come up: " + ctx.status().ToString();
    failed.wall_s = static_cast<double>(MonoNowNs() - t0) / 1e9;
    if (options.progress) *options.progress << "  " << failed.error << "\n";
    return failed;
  }
  const std::string& required = lab.required.empty() ? scenario.required : lab.required;
  (*ctx)->Require(required);
  (*ctx)->Record("scenario " + scenario.name + ": " + scenario.summary);
  (*ctx)->Record("required verdicts: " + required);
  (*ctx)->Record("seed " + std::to_string(options.seed) + ", " + std::to_string(lab.members) + " members, run folder " +
                 (*ctx)->run_dir());
  raftlab::Status s = scenario.run(**ctx);
  ScenarioResult r = (*ctx)->Finish(s);
  r.wall_s = static_cast<double>(MonoNowNs() - t0) / 1e9;
  return r;
}

std::vector<ScenarioResult> RunScenario(const ScenarioInfo& scenario, const ScenarioOptions& options) {
  std::vector<ScenarioResult> results;
  for (const LabSpec& lab : SelectCases(scenario, options.members)) results.push_back(RunCase(scenario, lab, options));
  return results;
}

}  // namespace raftlab::scenarios
