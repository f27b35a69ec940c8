// membership: 3 -> 5 voters one member at a time (add as a learner, wait for it to catch up,
// promote), then back to 3 one removal at a time, with clients writing throughout.
//
// After every step the configuration is printed with its quorum arithmetic
// (driver::DescribeMembershipStep: voters, quorum, tolerated failures, and the overlap argument
// q_old + q_new > |old ∪ new|). The ConfChange entries are quoted from a member's decoded
// WAL; the load generator's latency is recorded; the membership checker judges the sequence.
//
// The quorum arithmetic is also proven, not only computed: at 3, 4 and 5 voters exactly the
// tolerated number of followers is killed and a write still commits, then one more and a write
// halts, then all come back. While n4 is still a learner a second change (adding n5 as another
// learner) is tried: etcd refuses it, which is the one-change-at-a-time rule the overlap
// argument rests on.
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include <grpcpp/grpcpp.h>

#include "cluster/etcd_client.h"
#include "common/hex_id.h"
#include "scenarios/load.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {
namespace {

// One membership step: do it, then print before/after with the quorum table.
raftlab::Status Step(ScenarioContext& ctx, const std::string& op, const std::string& member, bool learner,
                     Json* table) {
  Result<driver::MembershipStep> before = ctx.Members();
  if (!before.ok()) return before.status();
  RL_RETURN_IF_ERROR(ctx.MemberChange(op, member, learner, 60000));
  Result<driver::MembershipStep> after = ctx.Members();
  if (!after.ok()) return after.status();
  std::string described = driver::DescribeMembershipStep(&*before, *after);
  // Each membership step is a labelled line on every panel.
  ctx.Mark(op + " " + member, "membership step: " + op + " " + member + " -> voters {" + JoinNames(after->voters) +
                                  "}" + (after->learners.empty() ? "" : ", learners {" + JoinNames(after->learners) + "}"));
  ctx.Quote(described);
  const size_t n = after->voters.size();
  const size_t quorum = n / 2 + 1;
  ctx.Expect(described.find("quorum " + std::to_string(quorum) + " of " + std::to_string(n)) != std::string::npos &&
                 described.find("DISJOINT") == std::string::npos,
             "after `" + op + " " + member + "`: " + std::to_string(n) + " voters, quorum " + std::to_string(quorum) +
                 ", tolerates " + std::to_string(n - quorum) + "; old and new majorities overlap");
  table->push_back({{"step", op + " " + member + (op == "add" && learner ? " (learner)" : "")},
                    {"voters", after->voters}, {"learners", after->learners}, {"quorum", quorum},
                    {"tolerates", n - quorum}, {"text", described}});
  return Status::Ok();
}

// Waits until `member` has applied what the leader has committed.
raftlab::Status AwaitCaughtUp(ScenarioContext& ctx, const std::string& member) {
  int64_t ms = 0;
  Result<v1::StatusReply> st = ctx.AwaitStatus(member + " to catch up with the leader", 60000,
      [&](const v1::StatusReply& s, std::string* d) {
        const v1::MemberStatus* m = FindMember(s, member);
        std::vector<std::string> leaders = Leaders(s);
        const v1::MemberStatus* l = leaders.empty() ? nullptr : FindMember(s, leaders.front());
        if (m == nullptr || l == nullptr) return false;
        *d = member + " applied " + std::to_string(m->applied()) + ", leader commit " + std::to_string(l->commit());
        return m->applied() + 5 >= l->commit() && !m->leader().empty();
      }, 100, &ms);
  if (!st.ok()) return st.status();
  const v1::MemberStatus* m = FindMember(*st, member);
  ctx.Record(member + " caught up in " + std::to_string(ms) + " ms: applied " + std::to_string(m->applied()) +
             ", follows " + m->leader());
  return Status::Ok();
}

struct Tolerance {
  bool tolerated_ok = false;   // a write committed with exactly the tolerated voters down
  bool one_more_halts = false;   // and did not with one more
};

// Kills (n-1)/2 followers of the current n voters, writes, kills one more, writes, restarts them.
Result<Tolerance> ProveTolerance(ScenarioContext& ctx, const std::string& tag) {
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  const LeaderView leader = *AgreedLeader(*st);
  Result<driver::MembershipStep> config = ctx.Members();
  if (!config.ok()) return config.status();
  const size_t n = config->voters.size();
  const size_t tolerated = (n - 1) / 2;
  std::vector<std::string> followers;
  for (const auto& v : config->voters)
    if (v != leader.name) followers.push_back(v);
  ctx.Record(std::to_string(n) + " voters {" + JoinNames(config->voters) + "}, leader " + leader.name + ": quorum " +
             std::to_string(n / 2 + 1) + ", so " + std::to_string(tolerated) + " may fail");
  std::vector<std::string> fault_ids;
  auto kill = [&](const std::string& member) -> raftlab::Status {
    v1::FaultRequest k;
    k.set_kind("kill");
    k.set_target(member);
    k.set_signal(9);
    Result<v1::FaultInfo> f = ctx.Fault(k);
    if (!f.ok()) return f.status();
    fault_ids.push_back(f->id());
    return Status::Ok();
  };
  Tolerance t;
  for (size_t i = 0; i < tolerated; ++i) RL_RETURN_IF_ERROR(kill(followers[i]));
  Result<v1::PutReply> p = ctx.Put("member/tolerance-" + tag + "-ok", "v-" + tag, leader.name, 5000, 5);
  t.tolerated_ok = p.ok();
  ctx.Expect(t.tolerated_ok, "with " + std::to_string(tolerated) + " of " + std::to_string(n) + " voters down (" +
                                 JoinNames({followers.begin(), followers.begin() + tolerated}) +
                                 ") a write through " + leader.name + " commits" +
                                 (p.ok() ? " (revision " + std::to_string(p->revision()) + ")" : ": " + p.status().message()));
  RL_RETURN_IF_ERROR(kill(followers[tolerated]));
  Result<v1::PutReply> halted = ctx.Put("member/tolerance-" + tag + "-halt", "h-" + tag, leader.name, 2500, 5);
  t.one_more_halts = !halted.ok();
  ctx.Expect(t.one_more_halts, "with " + std::to_string(tolerated + 1) + " of " + std::to_string(n) +
                                   " voters down a write halts: " +
                                   (halted.ok() ? std::string("acknowledged!")
                                                : std::string(CodeName(halted.status().code())) + " (" +
                                                      halted.status().message() + ")"));
  for (const auto& id : fault_ids)
    if (Result<v1::FaultList> h = ctx.Heal(id); !h.ok()) return h.status();
  Result<v1::StatusReply> back = ctx.AwaitStatus("every voter back, one leader, equal applied", 60000,
      [&](const v1::StatusReply& s, std::string* d) {
        std::set<uint64_t> applied;
        for (const auto& m : s.members()) applied.insert(m.applied());
        *d = std::to_string(applied.size()) + " distinct applied indexes";
        return AgreedLeader(s).has_value() && applied.size() == 1;
      });
  if (!back.ok()) return back.status();
  ctx.Record("all " + std::to_string(n) + " voters back under leader " + AgreedLeader(*back)->name);
  return t;
}

}  // namespace

raftlab::Status RunMembership(ScenarioContext& ctx) {
  const int start = ctx.lab().members;
  const int target = start + 2;
  ctx.Section("The starting configuration");
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  std::vector<std::string> original;
  for (const auto& m : st->members()) original.push_back(m.name());
  Result<driver::MembershipStep> initial = ctx.Members();
  if (!initial.ok()) return initial.status();
  ctx.Quote(driver::DescribeMembershipStep(nullptr, *initial));
  Json table = Json::array();

  ctx.Section("Clients write throughout (through " + JoinNames(original) + ")");
  LoadOptions lo;
  lo.clients = 2;
  lo.via = original;
  lo.read_fraction = 0.3;
  lo.keys = 4;
  lo.key_prefix = "member/load-";
  lo.max_ops = 6000;
  lo.max_ms = 240000;
  lo.timeout_ms = 2000;
  lo.think_ms = 40;
  lo.seed = ctx.seed();
  // The load pauses while voters are killed on purpose (a halted write is the point there, not
  // a client failure); each resumption has new client ids, so every written value stays unique.
  std::unique_ptr<LoadGenerator> load;
  LoadStats stats;   // over every load phase
  auto start_load = [&] {
    load = std::make_unique<LoadGenerator>(ctx.stub(), lo);
    load->Start();
    lo.first_client_id += 10;
  };
  auto stop_load = [&] {
    if (!load) return;
    LoadStats s = load->Stop();
    load.reset();
    stats.ops += s.ops, stats.ok += s.ok, stats.failed += s.failed, stats.puts_ok += s.puts_ok, stats.gets_ok += s.gets_ok;
    stats.duration_s += s.duration_s;
    stats.ok_latency_ms.insert(stats.ok_latency_ms.end(), s.ok_latency_ms.begin(), s.ok_latency_ms.end());
  };
  Json tolerance = Json::array();
  bool tolerated_ok = true, one_more_halts = true;
  auto prove = [&](const std::string& tag) -> raftlab::Status {
    ctx.Section("Prove the tolerance at this size: kill the tolerated number of voters, then one more");
    stop_load();
    Result<driver::MembershipStep> now = ctx.Members();
    Result<Tolerance> t = ProveTolerance(ctx, tag);
    if (!t.ok()) return t.status();
    tolerated_ok = tolerated_ok && t->tolerated_ok;
    one_more_halts = one_more_halts && t->one_more_halts;
    tolerance.push_back({{"voters", now.ok() ? now->voters.size() : 0}, {"tolerated_ok", t->tolerated_ok},
                         {"one_more_halts", t->one_more_halts}});
    start_load();
    return Status::Ok();
  };
  RL_RETURN_IF_ERROR(prove(std::to_string(start)));   // starts the load when done
  ctx.Record("load generator: " + std::to_string(lo.clients) + " clients, puts and linearizable gets on " +
             std::to_string(lo.keys) + " keys, seed " + std::to_string(lo.seed));

  std::vector<std::string> added;
  bool second_change_refused = false;
  for (int i = start + 1; i <= target; ++i) {
    const std::string name = "n" + std::to_string(i);
    ctx.Section("Grow: " + name + " joins as a learner, catches up, is promoted");
    RL_RETURN_IF_ERROR(Step(ctx, "add", name, true, &table));
    if (i == start + 1 && target > start + 1) {
      ctx.Section("A second change while " + name + " is pending: refused");
      const std::string second = "n" + std::to_string(i + 1);
      raftlab::Status refused = ctx.MemberChange("add", second, true, 30000);
      Result<driver::MembershipStep> unchanged = ctx.Members();
      second_change_refused = !refused.ok() && unchanged.ok() &&
                              std::find(unchanged->learners.begin(), unchanged->learners.end(), second) ==
                                  unchanged->learners.end();
      ctx.Expect(second_change_refused,
                 "adding " + second + " as a second learner while " + name + " is not yet promoted: " +
                     (refused.ok() ? std::string("accepted!") : "etcd refuses: " + refused.message()) +
                     " (etcd 3.4 allows one learner at a time, and raft ignores a conf change proposed while "
                     "another is unapplied: one change at a time is what makes each old and new majority overlap)");
    }
    RL_RETURN_IF_ERROR(AwaitCaughtUp(ctx, name));
    RL_RETURN_IF_ERROR(Step(ctx, "promote", name, false, &table));
    added.push_back(name);
    if (load) ctx.Record("load so far: " + load->Snapshot().Summary());
    if (i == target) {
      // Hold the largest configuration under load long enough to be seen on the panels.
      const int ok0 = load ? load->Snapshot().ok : 0;
      const int64_t t0 = ctx.NowMs();
      Result<int64_t> held = ctx.Await("the " + std::to_string(i) + "-voter configuration to serve load for 5 s", 30000,
          [&](std::string* d) {
            const int ok = load ? load->Snapshot().ok - ok0 : 0;
            *d = std::to_string(ok) + " ops ok in " + std::to_string(ctx.NowMs() - t0) + " ms";
            return ok >= 50 && ctx.NowMs() - t0 >= 5000;
          }, 250);
      if (!held.ok()) return held.status();
      ctx.Record("the " + std::to_string(i) + "-voter configuration served " +
                 std::to_string(load ? load->Snapshot().ok - ok0 : 0) + " client ops in " +
                 std::to_string(*held) + " ms");
    }
    RL_RETURN_IF_ERROR(prove(std::to_string(i)));
  }

  // etcd ids of every member while all are present, to name the ConfChange entries below.
  std::map<std::string, std::string> names_by_id;
  {
    grpc::ClientContext call;
    v1::MemberListReply reply;
    if (ctx.stub()->MemberList(&call, v1::MemberListRequest(), &reply).ok())
      for (const auto& [name, id] : reply.ids()) names_by_id[id] = name;
  }

  for (auto it = added.rbegin(); it != added.rend(); ++it) {
    ctx.Section("Shrink: remove " + *it);
    // Its data goes with it: decode its WAL first.
    Result<evidence::RaftLog> gone = ctx.CaptureWal(*it);
    if (gone.ok()) ctx.Record("decoded " + *it + "'s WAL before removal: " + std::to_string(gone->entries.size()) + " entries");
    // Removing the leader forces an election in the middle of the change, and a removal proposed
    // while leadership moves can time out: hand leadership to an original member first.
    Result<v1::StatusReply> now = ctx.AwaitAgreedLeader(30000);
    if (!now.ok()) return now.status();
    if (AgreedLeader(*now)->name == *it) {
      Result<v1::TransferLeaderReply> moved = ctx.TransferLeader(original.front());
      if (!moved.ok()) return moved.status();
      if (Result<v1::StatusReply> led = ctx.AwaitAgreedLeader(30000); !led.ok()) return led.status();
    }
    RL_RETURN_IF_ERROR(Step(ctx, "remove", *it, false, &table));
  }

  ctx.Section("The ConfChange entries in the WAL");
  Result<evidence::RaftLog> log = ctx.CaptureWal(original.front());
  if (!log.ok()) return log.status();
  std::string conf;
  int conf_changes = 0;
  for (const auto& e : log->entries) {
    if (e.request.kind != "conf_change") continue;
    ++conf_changes;
    const std::string id = HexId(e.request.conf_node_id);
    const std::string who = !e.request.conf_name.empty() ? e.request.conf_name
                            : names_by_id.count(id)      ? names_by_id[id]
                                                         : id;
    conf += "index " + std::to_string(e.index) + " term " + std::to_string(e.term) + "  " + e.request.conf_type + " " +
            who + " (id " + id + ") " +
            (e.request.conf_is_learner ? "(learner) " : "") + (e.request.conf_is_promote ? "(promote) " : "") + "\n";
  }
  ctx.Quote(conf);
  ctx.Expect(conf_changes >= start + 3 * (target - start),
             std::to_string(conf_changes) + " ConfChange entries in " + original.front() + "'s WAL: " +
                 std::to_string(start) + " bootstrap + " + std::to_string(target - start) + " learner adds, " +
                 std::to_string(target - start) + " promotions, " + std::to_string(target - start) + " removals expected");

  stop_load();
  ctx.Section("Writes during the changes");
  ctx.Record("load: " + stats.Summary());
  ctx.Expect(stats.puts_ok > 0 && stats.ok * 10 >= stats.ops * 9,
             std::to_string(stats.ok) + "/" + std::to_string(stats.ops) + " client ops succeeded during 3 -> " +
                 std::to_string(target) + " -> 3 (p50 " + std::to_string(static_cast<int>(stats.Percentile(50))) +
                 " ms, p99 " + std::to_string(static_cast<int>(stats.Percentile(99))) + " ms)");
  ctx.facts()["load"] = stats.Summary();
  ctx.facts()["quorum_table"] = table;
  ctx.facts()["tolerance"] = tolerance;
  ctx.facts()["tolerated_ok"] = tolerated_ok;
  ctx.facts()["one_more_halts"] = one_more_halts;
  ctx.facts()["second_change_refused"] = second_change_refused;
  Result<driver::MembershipStep> final_config = ctx.Members();
  if (!final_config.ok()) return final_config.status();
  ctx.Expect(final_config->voters == initial->voters, "back to voters {" + JoinNames(final_config->voters) + "}");
  // The removed members' last lines end the sampler's view of them; let the others settle.
  st = ctx.AwaitStatus("equal commit and applied on every member", 30000,
      [](const v1::StatusReply& s, std::string* d) {
        std::set<uint64_t> c;
        for (const auto& m : s.members()) c.insert(m.applied());
        *d = std::to_string(c.size()) + " distinct applied indexes";
        return c.size() == 1 && AgreedLeader(s).has_value();
      });
  return st.ok() ? Status::Ok() : st.status();
}

}  // namespace raftlab::scenarios
