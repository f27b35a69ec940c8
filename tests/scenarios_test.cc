// The scenario catalogue on real labs, through the real CLI: `raftlab lab --out DIR` runs every
// scenario (one lab at a time), then each run folder is checked: its verdicts, the key facts
// its transcript must show, and that every artefact exists and is not empty.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "tests/lab_harness.h"

namespace raftlab::testing {
namespace {
namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  Result<std::string> r = ReadFile(p.string());
  return r.ok() ? *r : "";
}

bool NonEmpty(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && fs::file_size(p, ec) > 0;
}

// Every artefact of DESIGN.md §3 is present and not empty.
void ExpectArtefacts(const fs::path& run, const std::vector<std::string>& members) {
  for (const char* f : {"journal.jsonl", "transcript.md", "verdicts.json", "result.json"})
    EXPECT_TRUE(NonEmpty(run / f)) << run / f;
  int png = 0, svg = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run / "panels", ec)) {
    if (!NonEmpty(e.path())) ADD_FAILURE() << "empty panel " << e.path();
    png += e.path().extension() == ".png";
    svg += e.path().extension() == ".svg";
  }
  EXPECT_GT(png, 0) << run;
  EXPECT_EQ(png, svg) << run;
  for (const auto& m : members) {
    EXPECT_TRUE(NonEmpty(run / "logs" / (m + ".wal.jsonl"))) << run << " " << m;
    EXPECT_TRUE(NonEmpty(run / "etcd" / (m + ".log"))) << run << " " << m;
  }
}

TEST(Scenarios, LabRunsEveryScenarioWithEvidence) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  std::vector<std::string> before = lab.HostSnapshot();
  const std::string out = lab.work_dir() + "/lab";

  CliRun list = lab.Cli({"scenario", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  ASSERT_GE(list.json.size(), 8u) << list.out;   // the seed's five, slow-disk, prevote, snapshot (and more)

  // The catalogue's soak at its full minute: a 40 s plan holds only the leader pause and the
  // member change, too little chaos to be worth its time.
  CliRun run = lab.Cli({"lab", "--out", out, "--seed", "7", "--json"});
  std::cout << run.err.substr(run.err.size() > 20000 ? run.err.size() - 20000 : 0) << "\n";
  ASSERT_TRUE(run.json.is_object()) << run.out << run.err;
  std::map<std::string, Json> by_name;
  for (const auto& r : run.json["runs"]) {
    by_name[r["scenario"].get<std::string>()] = r;
    std::cout << r["scenario"].get<std::string>() << ": " << (r["passed"].get<bool>() ? "PASS" : "FAIL") << " in "
              << r["wall_s"].get<double>() << " s\n";
  }
  for (const char* name : {"replicate", "election", "leader-crash", "partition-5", "partition-3", "membership", "slow-disk",
                           "prevote-off", "prevote-on", "snapshot"}) {
    ASSERT_TRUE(by_name.count(name)) << name << " missing from " << run.out;
    const Json& r = by_name[name];
    EXPECT_TRUE(r["passed"].get<bool>()) << name << ": " << r.dump(2) << "\n" << Slurp(fs::path(r["run_dir"].get<std::string>()) / "transcript.md");
    EXPECT_EQ(r["failed_expectations"].get<int>(), 0) << name;
    EXPECT_GT(r["expectations"].get<int>(), 3) << name;
    EXPECT_EQ(r["exit_code"].get<int>(), 0) << name << ": " << r["policy"];
    // Every required verdict is ok on at least its minimum evidence; none at all is violated.
    size_t required = 0;
    for (auto& [checker, v] : r["verdicts"].items()) {
      EXPECT_NE(v["validity"], "violated") << name << " " << checker;
      if (!v["required"].get<bool>()) continue;
      ++required;
      EXPECT_EQ(v["validity"], "ok") << name << " " << checker;
      EXPECT_TRUE(v["earned"].get<bool>()) << name << " " << checker << " " << v.dump();
      EXPECT_GE(v["judged"].get<uint64_t>(), 1u) << name << " " << checker;
      std::cout << "  " << name << " " << checker << ": " << v["validity"].get<std::string>() << ", judged "
                << v["judged"].get<uint64_t>() << " of " << v["of"].get<uint64_t>() << " "
                << v["unit"].get<std::string>() << "\n";
    }
    EXPECT_GE(required, 5u) << name;
  }
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_TRUE(run.json["passed"].get<bool>());

  // replicate: equal hashes and an identical committed prefix; the log_matching verdict passes.
  {
    const Json& r = by_name["replicate"];
    fs::path dir = r["run_dir"].get<std::string>();
    ExpectArtefacts(dir, {"n1", "n2", "n3"});
    EXPECT_EQ(r["verdicts"]["log_matching"]["validity"], "ok");
    EXPECT_EQ(r["verdicts"]["state_machine_safety"]["validity"], "ok");
    std::string t = Slurp(dir / "transcript.md");
    EXPECT_NE(t.find("equal on 3 members: 1 distinct hash(es)"), std::string::npos) << t;
    EXPECT_NE(t.find("identical on 3 members"), std::string::npos) << t;
  }
  // election: a measured time to a new leader, a transfer with term + 1.
  {
    const Json& r = by_name["election"];
    fs::path dir = r["run_dir"].get<std::string>();
    ExpectArtefacts(dir, {"n1", "n2", "n3"});
    EXPECT_EQ(r["verdicts"]["election_safety"]["validity"], "ok");
    EXPECT_GT(r["facts"]["kill_to_new_leader_ms"].get<int64_t>(), 0);
    std::string t = Slurp(dir / "transcript.md");
    EXPECT_NE(t.find("(+1)"), std::string::npos) << t;
  }
  // leader-crash: the WAL truncation of the uncommitted put, (i, t) -> (i, t' > t).
  {
    const Json& r = by_name["leader-crash"];
    fs::path dir = r["run_dir"].get<std::string>();
    ExpectArtefacts(dir, {"n1", "n2", "n3"});
    const Json& trunc = r["facts"]["truncation"];
    ASSERT_TRUE(trunc.is_object()) << r.dump(2);
    EXPECT_GT(trunc["replaced_by_term"].get<uint64_t>(), trunc["term"].get<uint64_t>());
    EXPECT_EQ(trunc["key"], "crash/uncommitted");
    EXPECT_TRUE(r["facts"]["killed_while_leader"].get<bool>()) << r.dump(2);
    std::cout << "leader-crash truncation in " << trunc["member"].get<std::string>() << "'s WAL:\n"
              << trunc["text"].get<std::string>();
    // The decoded WAL in logs/ holds the same truncation record.
    std::string wal = Slurp(dir / "logs" / (trunc["member"].get<std::string>() + ".wal.jsonl"));
    EXPECT_NE(wal.find("\"record\":\"truncation\""), std::string::npos);
    EXPECT_NE(wal.find("crash/uncommitted"), std::string::npos);
  }
  // partition: the minority had no leader (both cases).
  for (const char* name : {"partition-5", "partition-3"}) {
    const Json& r = by_name[name];
    fs::path dir = r["run_dir"].get<std::string>();
    ExpectArtefacts(dir, name == std::string("partition-5") ? std::vector<std::string>{"n1", "n2", "n3", "n4", "n5"}
                                                            : std::vector<std::string>{"n1", "n2", "n3"});
    std::string t = Slurp(dir / "transcript.md");
    for (const auto& m : r["facts"]["minority"])
      EXPECT_NE(t.find("**PASS** " + m.get<std::string>() + " (minority) has no leader"), std::string::npos) << t;
    EXPECT_NE(t.find("fails with a timeout"), std::string::npos) << t;
    EXPECT_NE(t.find("is stale"), std::string::npos) << t;
    EXPECT_NE(r["verdicts"]["linearizability"]["validity"], "violated");
  }
  // membership: quorum numbers at every step, 3 -> 5 -> 3.
  {
    const Json& r = by_name["membership"];
    fs::path dir = r["run_dir"].get<std::string>();
    ExpectArtefacts(dir, {"n1", "n2", "n3", "n4", "n5"});   // n4, n5 decoded before removal; logs copied
    const Json& table = r["facts"]["quorum_table"];
    ASSERT_EQ(table.size(), 6u) << table.dump(2);
    const std::vector<std::pair<size_t, size_t>> want = {{3, 2}, {4, 3}, {4, 3}, {5, 3}, {4, 3}, {3, 2}};
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(table[i]["voters"].size(), want[i].first) << table[i].dump();
      EXPECT_EQ(table[i]["quorum"].get<size_t>(), want[i].second) << table[i].dump();
      std::cout << table[i]["step"].get<std::string>() << ":\n" << table[i]["text"].get<std::string>();
    }
    EXPECT_EQ(r["verdicts"]["membership"]["validity"], "ok");
    // The tolerated-failure counts proven at 3, 4 and 5 voters, and one change at a time.
    EXPECT_EQ(r["facts"]["tolerance"].size(), 3u) << r["facts"].dump(2);
    EXPECT_TRUE(r["facts"]["tolerated_ok"].get<bool>()) << r["facts"]["tolerance"].dump();
    EXPECT_TRUE(r["facts"]["one_more_halts"].get<bool>()) << r["facts"]["tolerance"].dump();
    EXPECT_TRUE(r["facts"]["second_change_refused"].get<bool>());
  }
  // slow-disk: a 2.5 s fsync kept on whoever leads flaps; the stopgap (election timeout above
  // the stall) holds leadership; the fix (WAL on fast storage) holds it on the member that was
  // slow, whose control on the slow mount flapped.
  {
    const Json& r = by_name["slow-disk"];
    const Json& f = r["facts"];
    ExpectArtefacts(fs::path(r["run_dir"].get<std::string>()), {"n1", "n2", "n3"});
    EXPECT_TRUE(fs::exists(fs::path(r["run_dir"].get<std::string>()) / "panels" / "slow_disk_sweep.svg"));
    EXPECT_GE(f["flapping_leader_changes"].get<int>(), 3) << f.dump();
    EXPECT_GT(f["flapping_window_s"].get<double>(), 0);
    EXPECT_EQ(f["stopgap_leader_changes"].get<int>(), 0) << f.dump();
    EXPECT_EQ(f["fix_leader_changes"].get<int>(), 0) << f.dump();
    EXPECT_GT(f["election_ms_stopgap"].get<int>(), f["fsync_slow_ms"].get<double>()) << f.dump();
    EXPECT_GT(f["fsync_slow_ms"].get<double>(), 1000.0);
    EXPECT_LT(f["fsync_after_fix_ms"].get<double>(), 50.0);
    EXPECT_TRUE(f["fixed_member_leads"].get<bool>()) << f.dump();
    EXPECT_GE(f["control_losses"].get<int>(), 2) << f.dump();
    EXPECT_GT(f["slow_to_new_leader_ms"].get<int64_t>(), 0);
    EXPECT_GE(f["sweep"].size(), 5u);
    std::cout << "slow-disk: flapping " << f["flapping_leader_changes"] << " leader changes in " << f["flapping_window_s"]
              << " s; stopgap (--election-timeout " << f["election_ms_stopgap"] << ") " << f["stopgap_leader_changes"]
              << "; fix " << f["fix_leader_changes"] << " with " << f["fixed_member"] << " leading; fsync "
              << f["fsync_baseline_ms"] << " -> " << f["fsync_slow_ms"] << " -> " << f["fsync_after_fix_ms"] << " ms\n";
  }
  // prevote: the rejoin deposes the leader without pre-vote and changes nothing with it; the on
  // case carries both cases' facts (the off ones read from the off case's folder).
  {
    const Json& off = by_name["prevote-off"]["facts"];
    const Json& on = by_name["prevote-on"]["facts"];
    ExpectArtefacts(fs::path(by_name["prevote-off"]["run_dir"].get<std::string>()), {"n1", "n2", "n3"});
    ExpectArtefacts(fs::path(by_name["prevote-on"]["run_dir"].get<std::string>()), {"n1", "n2", "n3"});
    EXPECT_GE(off["off_leader_changes_on_rejoin"].get<int64_t>(), 1) << off.dump(2);
    EXPECT_GT(off["off_term_jump"].get<int64_t>(), 0) << off.dump(2);
    EXPECT_GT(off["off_term_after"].get<int64_t>(), off["off_rejoiner_term_at_heal"].get<int64_t>()) << off.dump(2);
    EXPECT_GE(off["off_term_after"].get<int64_t>(), off["off_rejoiner_max_term"].get<int64_t>()) << off.dump(2);
    EXPECT_GE(off["off_write_stall_ms"].get<int64_t>(), 800) << off.dump(2);
    EXPECT_EQ(on["on_leader_changes_on_rejoin"].get<int64_t>(), 0) << on.dump(2);
    EXPECT_EQ(on["on_term_jump"].get<int64_t>(), 0) << on.dump(2);
    EXPECT_EQ(on["on_rejoiner_max_term"].get<int64_t>(), on["on_term_before"].get<int64_t>()) << on.dump(2);
    EXPECT_LT(on["on_write_stall_ms"].get<int64_t>(), 1000) << on.dump(2);
    EXPECT_EQ(on["off_run"].get<std::string>(), fs::path(by_name["prevote-off"]["run_dir"].get<std::string>()).filename().string());
    for (const char* key : {"off_leader_changes_on_rejoin", "off_term_jump", "off_write_stall_ms"}) EXPECT_EQ(on[key], off[key]) << key;
    std::cout << "prevote: leader changes on rejoin " << off["off_leader_changes_on_rejoin"] << " -> "
              << on["on_leader_changes_on_rejoin"] << ", term jump " << off["off_term_jump"] << " -> " << on["on_term_jump"]
              << ", longest write stall " << off["off_write_stall_ms"] << " -> " << on["on_write_stall_ms"] << " ms\n";
  }
  // snapshot: the killed follower came back through InstallSnapshot, carrying the 4 voters.
  {
    const Json& r = by_name["snapshot"];
    const Json& f = r["facts"];
    ExpectArtefacts(fs::path(r["run_dir"].get<std::string>()), {"n1", "n2", "n3", "n4"});
    EXPECT_GT(f["snapshot_index"].get<uint64_t>(), f["follower_last_index_before"].get<uint64_t>()) << f.dump(2);
    EXPECT_GT(f["leader_compact_index"].get<uint64_t>(), f["follower_last_index_before"].get<uint64_t>()) << f.dump(2);
    EXPECT_GE(f["snapshots_sent"].get<int64_t>(), 1) << f.dump(2);
    EXPECT_GE(f["snapshots_received"].get<int64_t>(), 1) << f.dump(2);
    EXPECT_EQ(f["snap_confstate_voters"].get<uint64_t>(), 4u) << f.dump(2);
    EXPECT_GT(f["catch_up_ms"].get<int64_t>(), 0) << f.dump(2);
    std::cout << "snapshot: " << f["follower"].get<std::string>() << " last index "
              << f["follower_last_index_before"] << " -> snapshot " << f["snapshot_index"] << " (sent "
              << f["snapshots_sent"] << ", received " << f["snapshots_received"] << "), caught up in "
              << f["catch_up_ms"] << " ms; " << f["snap_confstate"].get<std::string>() << "\n";
  }
  // soak: a seeded plan of faults under clients, every checker over the whole run (seed 7's plan
  // pauses and kills the leader and changes membership).
  {
    ASSERT_TRUE(by_name.count("soak")) << run.out;
    const Json& r = by_name["soak"];
    const Json& f = r["facts"];
    const fs::path dir = r["run_dir"].get<std::string>();
    EXPECT_TRUE(r["passed"].get<bool>()) << r.dump(2) << "\n" << Slurp(dir / "transcript.md");
    EXPECT_EQ(r["exit_code"].get<int>(), 0) << r["policy"];
    for (const char* checker : {"election_safety", "term_monotonic", "commit_quorum", "log_matching",
                                "state_machine_safety", "durability", "linearizability", "membership"}) {
      EXPECT_TRUE(r["verdicts"][checker]["required"].get<bool>()) << checker;
      EXPECT_EQ(r["verdicts"][checker]["validity"], "ok") << checker << " " << r["verdicts"][checker].dump();
    }
    ExpectArtefacts(dir, {"n1", "n2", "n3", "n4"});   // n4: the member change's, decoded before removal
    Result<Json> plan = ReadJsonFile((dir / "plan.json").string());
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_EQ((*plan)["seed"], 7);
    EXPECT_GE(f["plan_faults"].get<int>(), 3) << f.dump(2);
    EXPECT_EQ((*plan)["steps"].size(), f["plan_faults"].get<size_t>());
    EXPECT_EQ(f["faults_applied"], f["plan_faults"]) << f.dump(2);
    EXPECT_GE(f["plan_member_changes"].get<int>(), 1);
    EXPECT_GT(f["ops_ok"].get<uint64_t>(), 3000u) << f.dump(2);
    EXPECT_GE(f["ops_info"].get<uint64_t>(), 0u);
    EXPECT_GE(f["ops_fail"].get<uint64_t>(), 0u);
    EXPECT_GE(f["leader_changes"].get<int>(), 1) << f.dump(2);
    EXPECT_EQ(f["linearizable"], true) << f.dump(2);
    ASSERT_GE(f["pause_leader"].size(), 1u) << f.dump(2);
    for (const auto& p : f["pause_leader"]) EXPECT_GT(p["follower_linearizable_reads"].get<int>(), 0) << p.dump();
    const std::string journal = Slurp(dir / "journal.jsonl");
    EXPECT_NE(journal.find("\"kind\":\"fault_plan\""), std::string::npos);
    EXPECT_NE(journal.find("\"kind\":\"plan_step\""), std::string::npos);
    std::cout << "soak: " << f["plan_faults"] << " planned faults, " << f["faults_applied"] << " applied; ops "
              << f["ops_ok"] << " ok / " << f["ops_fail"] << " fail / " << f["ops_info"] << " info; "
              << f["leader_changes"] << " leader changes; linearizable " << f["linearizable"] << "\n";
  }
  // reads: the three read paths side by side under the same 9:1 load, p50 ordered serializable <
  // linearizable < log read, and a partitioned follower's stale serializable read.
  {
    ASSERT_TRUE(by_name.count("reads")) << run.out;
    const Json& r = by_name["reads"];
    const Json& f = r["facts"];
    const fs::path dir = r["run_dir"].get<std::string>();
    EXPECT_TRUE(r["passed"].get<bool>()) << r.dump(2) << "\n" << Slurp(dir / "transcript.md");
    EXPECT_EQ(r["exit_code"].get<int>(), 0) << r["policy"];
    for (const char* checker : {"election_safety", "term_monotonic", "commit_quorum", "log_matching",
                                "state_machine_safety", "durability", "linearizability"}) {
      EXPECT_TRUE(r["verdicts"][checker]["required"].get<bool>()) << checker;
      EXPECT_EQ(r["verdicts"][checker]["validity"], "ok") << checker << " " << r["verdicts"][checker].dump();
    }
    ExpectArtefacts(dir, {"n1", "n2", "n3"});
    EXPECT_LT(f["serializable_p50_ms"].get<double>(), f["linearizable_p50_ms"].get<double>()) << f.dump(2);
    EXPECT_LT(f["linearizable_p50_ms"].get<double>(), f["log_read_p50_ms"].get<double>()) << f.dump(2);
    for (const char* k : {"serializable_p99_ms", "linearizable_p99_ms", "log_read_p99_ms"}) EXPECT_GT(f[k].get<double>(), 0) << k;
    EXPECT_GT(f["read_rate"].get<double>(), 0.8 * 0.9 * f["target_rate"].get<double>()) << f.dump(2);
    EXPECT_EQ(f["stale_serializable_read"], true) << f.dump(2);
    for (const char* path : {"serializable", "linearizable", "log"}) {
      EXPECT_TRUE(NonEmpty(dir / ("load-" + std::string(path) + ".json"))) << path;
      EXPECT_TRUE(NonEmpty(dir / "panels" / ("latency-" + std::string(path) + ".svg"))) << path;
    }
    const std::string t = Slurp(dir / "transcript.md");
    EXPECT_NE(t.find("never uses lease-based reads"), std::string::npos) << t;
    EXPECT_NE(t.find("serializable reads through"), std::string::npos) << t;
    std::cout << "reads: p50 serializable " << f["serializable_p50_ms"] << " ms < linearizable "
              << f["linearizable_p50_ms"] << " ms < log " << f["log_read_p50_ms"] << " ms; p99 "
              << f["serializable_p99_ms"] << " / " << f["linearizable_p99_ms"] << " / " << f["log_read_p99_ms"]
              << " ms; " << f["read_rate"] << " reads/s; stale serializable read " << f["stale_serializable_read"] << "\n";
  }
  // The report links every run and embeds its panels by relative path.
  std::string html = Slurp(fs::path(out) / "report" / "index.html");
  ASSERT_FALSE(html.empty());
  for (const auto& [name, r] : by_name) {
    std::string folder = fs::path(r["run_dir"].get<std::string>()).filename().string();
    EXPECT_NE(html.find("href=\"#" + folder + "\""), std::string::npos) << folder;
    EXPECT_NE(html.find("src=\"../runs/" + folder + "/panels/"), std::string::npos) << folder;
  }
  EXPECT_TRUE(fs::is_symlink(fs::path(out) / "runs" / "latest"));
  CliRun rebuilt = lab.Cli({"report", "--out", out});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;

  // Nothing of any lab remains.
  std::vector<std::string> leaked = Added(before, lab.HostSnapshot());
  EXPECT_TRUE(leaked.empty()) << [&] { std::string s; for (auto& l : leaked) s += l + "\n"; return s; }();
}

TEST(Scenarios, BadInputsAreUsageErrors) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  CliRun unknown = lab.Cli({"scenario", "run", "nonesuch"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("replicate"), std::string::npos) << unknown.err;
  CliRun members = lab.Cli({"scenario", "run", "replicate", "--members", "12"});
  EXPECT_EQ(members.exit_code, 2);
  EXPECT_NE(members.err.find("--members"), std::string::npos) << members.err;
  CliRun report = lab.Cli({"report", "--out", lab.work_dir() + "/none"});
  EXPECT_EQ(report.exit_code, 2);
}

}  // namespace
}  // namespace raftlab::testing
