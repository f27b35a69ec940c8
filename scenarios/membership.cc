// membership: 3 -> 5 voters one member at a time (add as a learner, wait for it to catch up,
// promote), then back to 3 one removal at a time, with clients writing throughout.
//
// After every step the configuration is printed with its quorum arithmetic
// (driver::DescribeMembershipStep: voters, quorum, tolerated failures, and the overlap argument
// q_old + q_new > |old ∪ new|). The ConfChange entries are quoted from a member's decoded
// WAL; the load generator's latency is recorded; the membership checker judges the sequence.
#include <map>
#include <set>

#include <grpcpp/grpcpp.h>

#include "driver/etcd_client.h"
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
  LoadGenerator load(ctx.stub(), lo);
  load.Start();
  ctx.Record("load generator: " + std::to_string(lo.clients) + " clients, puts and linearizable gets on " +
             std::to_string(lo.keys) + " keys, seed " + std::to_string(lo.seed));

  std::vector<std::string> added;
  for (int i = start + 1; i <= target; ++i) {
    const std::string name = "n" + std::to_string(i);
    ctx.Section("Grow: " + name + " joins as a learner, catches up, is promoted");
    RL_RETURN_IF_ERROR(Step(ctx, "add", name, true, &table));
    RL_RETURN_IF_ERROR(AwaitCaughtUp(ctx, name));
    RL_RETURN_IF_ERROR(Step(ctx, "promote", name, false, &table));
    added.push_back(name);
    ctx.Record("load so far: " + load.Snapshot().Summary());
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
    const std::string id = driver::IdToHex(e.request.conf_node_id);
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

  LoadStats stats = load.Stop();
  ctx.Section("Writes during the changes");
  ctx.Record("load: " + stats.Summary());
  ctx.Expect(stats.puts_ok > 0 && stats.ok * 10 >= stats.ops * 9,
             std::to_string(stats.ok) + "/" + std::to_string(stats.ops) + " client ops succeeded during 3 -> " +
                 std::to_string(target) + " -> 3 (p50 " + std::to_string(static_cast<int>(stats.Percentile(50))) +
                 " ms, p99 " + std::to_string(static_cast<int>(stats.Percentile(99))) + " ms)");
  ctx.facts()["load"] = stats.Summary();
  ctx.facts()["quorum_table"] = table;
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
