// partition: a minority cut off from a majority (5 members as 2/3 with the leader in the
// minority, so the majority must elect; 3 members as 1/2 with a follower cut off, so the
// majority keeps its leader).
//
//   minority: loses its leader (has_leader 0); writes are not acknowledged; linearizable reads
//             time out; a serializable read answers from stale local state (a key overwritten
//             on the majority side after the split still shows the old value);
//   majority: keeps or elects a leader and commits (explicit puts plus a seeded load);
//   heal:     every member converges on every key (same value, same mod revision), no
//             acknowledged write is lost; the linearizability checker judges the history.
#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "common/clock.h"
#include "driver/lab_service.h"
#include "scenarios/load.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {
namespace {

// The leader every member of `side` names, if it is itself in `side` and leads.
std::optional<LeaderView> SideLeader(const v1::StatusReply& s, const std::vector<std::string>& side) {
  std::optional<LeaderView> agreed;
  for (const auto& name : side) {
    const v1::MemberStatus* m = FindMember(s, name);
    if (m == nullptr || m->leader().empty()) return std::nullopt;
    if (agreed && agreed->name != m->leader()) return std::nullopt;
    agreed = LeaderView{m->leader(), 0};
  }
  if (!agreed || std::find(side.begin(), side.end(), agreed->name) == side.end()) return std::nullopt;
  const v1::MemberStatus* l = FindMember(s, agreed->name);
  if (l == nullptr || l->role() != "leader") return std::nullopt;
  agreed->term = l->term();
  return agreed;
}

std::string Describe(const raftlab::Status& s) { return std::string(CodeName(s.code())) + ": " + s.message(); }

}  // namespace

raftlab::Status RunPartition(ScenarioContext& ctx) {
  const int n = ctx.lab().members;
  ctx.Section("Before the split");
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  LeaderView leader = *AgreedLeader(*st);
  // 5 members: the leader and one follower form the minority; 3: one follower alone.
  const size_t minority_size = static_cast<size_t>((n - 1) / 2);
  std::vector<std::string> minority, majority;
  if (n >= 5) minority.push_back(leader.name);
  for (const auto& m : st->members())
    if (m.name() != leader.name && minority.size() < minority_size) minority.push_back(m.name());
  for (const auto& m : st->members())
    if (std::find(minority.begin(), minority.end(), m.name()) == minority.end()) majority.push_back(m.name());
  ctx.Record("leader " + leader.name + " in term " + std::to_string(leader.term) + "; the split will be minority {" +
             JoinNames(minority) + "} / majority {" + JoinNames(majority) + "}");
  const std::string tag = std::to_string(ctx.seed()) + "-" + std::to_string(ctx.rng()() % 100000);
  const std::string stale_key = "part/stale";
  const std::string old_value = "old-" + tag, new_value = "new-" + tag;
  std::map<std::string, std::string> acked;   // explicit puts acknowledged: key -> value
  if (Result<v1::PutReply> p = ctx.Put(stale_key, old_value, leader.name, 5000); p.ok()) acked[stale_key] = old_value;
  else return p.status();
  Result<int64_t> everywhere = ctx.Await("`" + stale_key + "` applied on every member", 20000, [&](std::string* d) {
    for (const auto& m : st->members()) {
      Result<v1::GetReply> g = ctx.Get(stale_key, m.name(), true, 2000, 1, true);
      if (!g.ok() || !g->found()) {
        *d = "not yet on " + m.name();
        return false;
      }
    }
    return true;
  });
  if (!everywhere.ok()) return everywhere.status();
  ctx.Record("`" + stale_key + "` = `" + old_value + "` is on every member");

  ctx.Section("Split: {" + JoinNames(minority) + "} / {" + JoinNames(majority) + "}");
  v1::FaultRequest split;
  split.set_kind("partition");
  for (const auto* side : {&minority, &majority}) {
    v1::Group* g = split.add_groups();
    for (const auto& m : *side) g->add_members(m);
  }
  Result<v1::FaultInfo> cut = ctx.Fault(split);
  if (!cut.ok()) return cut.status();
  // Clients on the majority side keep writing while the cluster is split.
  LoadOptions lo;
  lo.clients = 2;
  lo.via = majority;
  lo.read_fraction = 0.3;
  lo.keys = 3;
  lo.key_prefix = "part/load-";
  lo.max_ops = 400;
  lo.max_ms = 60000;
  lo.timeout_ms = 1500;
  lo.think_ms = 30;
  lo.seed = ctx.seed();
  LoadGenerator load(ctx.stub(), lo);
  load.Start();
  // A client on the minority side writes at once, before its side notices the split; it runs
  // beside the wait below so that the time to a majority leader is measured from the split.
  grpc::Status early_status;
  int64_t early_ms = 0;
  std::thread early_client([&] {
    v1::PutRequest req;
    req.set_key("part/minority-early");
    req.set_value("m-" + tag);
    req.set_via(minority.front());
    req.set_timeout_ms(3000);
    req.set_client(3);
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
    v1::PutReply reply;
    const int64_t t0 = MonoNowNs();
    early_status = ctx.stub()->Put(&call, req, &reply);
    early_ms = (MonoNowNs() - t0) / 1'000'000;
  });

  ctx.Section("The minority has no leader; the majority has one");
  int64_t waited = 0;
  st = ctx.AwaitStatus("no leader on the minority, one leader on the majority", 30000,
      [&](const v1::StatusReply& s, std::string* d) {
        std::vector<std::string> still;
        for (const auto& m : minority)
          if (const v1::MemberStatus* ms = FindMember(s, m); ms && !ms->leader().empty()) still.push_back(m + "->" + ms->leader());
        *d = "minority still led: " + JoinNames(still) + "; majority leader: " +
             (SideLeader(s, majority) ? SideLeader(s, majority)->name : std::string("none"));
        return still.empty() && SideLeader(s, majority).has_value();
      }, 100, &waited);
  early_client.join();
  ctx.Record("put `part/minority-early=m-" + tag + "` via " + minority.front() + " (sent right after the split)");
  ctx.Expect(!early_status.ok(), "minority write through " + minority.front() + " right after the split: " +
                                     (early_status.ok() ? std::string("acknowledged!")
                                                        : "not acknowledged after " + std::to_string(early_ms) + " ms (" +
                                                              Describe(driver::FromGrpcStatus(early_status)) + ")"));
  if (!st.ok()) return st.status();
  LeaderView majority_leader = *SideLeader(*st, majority);
  for (const auto& m : minority) {
    const v1::MemberStatus* ms = FindMember(*st, m);
    ctx.Expect(ms->leader().empty(), m + " (minority) has no leader: role " + ms->role() + ", term " +
                                         std::to_string(ms->term()) + ", has_leader 0");
  }
  ctx.Expect(majority_leader.term >= leader.term,
             "majority leader " + majority_leader.name + " in term " + std::to_string(majority_leader.term) +
                 (majority_leader.name == leader.name ? " (kept)" : " (elected)") + "; minority leaderless and majority led " +
                 std::to_string(waited) + " ms after the split");
  if (majority_leader.name != leader.name) ctx.facts()["split_to_majority_leader_ms"] = waited;
  ctx.facts()["minority"] = minority;

  ctx.Section("The majority commits");
  if (Result<v1::PutReply> p = ctx.Put(stale_key, new_value, majority.front(), 5000); p.ok()) acked[stale_key] = new_value;
  ctx.Expect(acked[stale_key] == new_value, "majority overwrote `" + stale_key + "` with `" + new_value + "`");
  for (size_t i = 0; i < majority.size(); ++i) {
    std::string key = "part/majority-" + std::to_string(i + 1);
    Result<v1::PutReply> p = ctx.Put(key, "v-" + tag, majority[i], 5000);
    if (p.ok()) acked[key] = "v-" + tag;
    ctx.Expect(p.ok(), "majority commits a put through " + majority[i]);
  }

  ctx.Section("The minority: writes fail, linearizable reads time out, serializable reads are stale");
  for (const auto& m : minority) {
    Result<v1::PutReply> p = ctx.Put("part/minority-" + m, "m-" + tag, m, 3000, 3);
    ctx.Expect(!p.ok(), "put through " + m + " not acknowledged (" + (p.ok() ? std::string("acknowledged!") : Describe(p.status())) + ")");
    Result<v1::GetReply> lin = ctx.Get(stale_key, m, false, 3000, 3);
    ctx.Expect(!lin.ok() && lin.status().code() == Code::kTimeout,
               "linearizable read through " + m + " fails with a timeout (" +
                   (lin.ok() ? "answered `" + lin->value() + "`" : Describe(lin.status())) + ")");
    Result<v1::GetReply> ser = ctx.Get(stale_key, m, true, 3000, 3);
    ctx.Expect(ser.ok() && ser->found() && ser->value() == old_value,
               "serializable read through " + m + " is stale: `" + (ser.ok() ? ser->value() : "error") +
                   "` while the majority has `" + new_value + "`");
    Result<v1::GetReply> missing = ctx.Get("part/majority-1", m, true, 3000, 3);
    ctx.Expect(missing.ok() && !missing->found(), "`part/majority-1`, written on the majority after the split, is not visible on " + m);
  }
  LoadStats during = load.Stop();
  ctx.Record("load on the majority side during the split: " + during.Summary());
  ctx.facts()["load"] = during.Summary();
  ctx.Expect(during.puts_ok > 0, "the majority side acknowledged " + std::to_string(during.puts_ok) + " load puts during the split");

  ctx.Section("Heal: everyone converges");
  // The minority's terms just before the heal: without pre-vote they rose with every election
  // timeout of the split (each campaign bumps the term), which is what the heal pays for.
  uint64_t minority_max_term = 0;
  const uint64_t majority_term_before = majority_leader.term;
  if (Result<v1::StatusReply> before = ctx.Status(); before.ok()) {
    for (const auto& m : minority)
      if (const v1::MemberStatus* ms = FindMember(*before, m)) minority_max_term = std::max(minority_max_term, ms->term());
  }
  if (Result<v1::FaultList> h = ctx.Heal(cut->id()); !h.ok()) return h.status();
  const int64_t healed_ms = ctx.NowMs();
  int64_t converge_ms = 0;
  int64_t leaderless_from = -1, leaderless_until = -1;   // ms after the heal, as the polls saw it
  std::set<std::string> leaders_after;
  st = ctx.AwaitStatus("one leader, equal commit and applied on every member", 60000,
      [&](const v1::StatusReply& s, std::string* d) {
        std::set<uint64_t> commits, applieds;
        for (const auto& m : s.members()) commits.insert(m.commit()), applieds.insert(m.applied());
        std::optional<LeaderView> l = AgreedLeader(s);
        const int64_t now = ctx.NowMs() - healed_ms;
        if (!l) {
          if (leaderless_from < 0) leaderless_from = now;
          leaderless_until = now;
        } else {
          leaders_after.insert(l->name + " (term " + std::to_string(l->term) + ")");
        }
        *d = "leader " + (l ? l->name : std::string("?")) + ", " + std::to_string(commits.size()) + " distinct commits";
        return l && commits.size() == 1 && applieds.size() == 1;
      }, 50, &converge_ms);
  if (!st.ok()) return st.status();
  ctx.Record("converged " + std::to_string(converge_ms) + " ms after the heal: leader " + AgreedLeader(*st)->name +
             " in term " + std::to_string(AgreedLeader(*st)->term) + ", commit " + std::to_string(st->members(0).commit()));
  std::vector<std::string> keys = {stale_key, "part/minority-early"};
  for (const auto& m : minority) keys.push_back("part/minority-" + m);
  for (size_t i = 0; i < majority.size(); ++i) keys.push_back("part/majority-" + std::to_string(i + 1));
  for (int k = 0; k < lo.keys; ++k) keys.push_back(lo.key_prefix + std::to_string(k));
  int converged = 0;
  std::string table;
  for (const auto& key : keys) {
    std::set<std::string> seen;
    std::string value;
    for (const auto& m : st->members()) {
      Result<v1::GetReply> g = ctx.Get(key, m.name(), true, 3000, 1, true);
      std::string v = !g.ok() ? "<error>" : g->found() ? g->value() + "@" + std::to_string(g->mod_revision()) : "<absent>";
      seen.insert(v);
      value = v;
    }
    table += key + "  " + (seen.size() == 1 ? value + " on all " + std::to_string(st->members_size())
                                            : "DIVERGED: " + JoinNames({seen.begin(), seen.end()}, " | ")) + "\n";
    converged += seen.size() == 1;
  }
  ctx.Quote(table);
  ctx.Expect(converged == static_cast<int>(keys.size()), std::to_string(converged) + "/" + std::to_string(keys.size()) +
                                                            " keys read the same (value and mod revision) on every member");
  int kept = 0;
  for (const auto& [key, value] : acked) {
    Result<v1::GetReply> g = ctx.Get(key, "", false, 5000, 1, true);
    kept += g.ok() && g->found() && g->value() == value;
  }
  ctx.Expect(kept == static_cast<int>(acked.size()), std::to_string(kept) + "/" + std::to_string(acked.size()) +
                                                         " acknowledged explicit writes read back after the heal (the load's are judged by the durability checker)");

  ctx.Section("What the split cost: truncated entries and, without pre-vote, a deposed leader");
  int truncated = 0;
  for (const auto& m : minority) {
    Result<evidence::RaftLog> log = ctx.CaptureWal(m);
    if (!log.ok()) {
      ctx.Record(m + "'s WAL not decoded: " + log.status().message());
      continue;
    }
    std::string quote;
    for (const auto& t : log->truncations) {
      for (const auto& e : t.discarded) {
        quote += m + " discarded index " + std::to_string(e.index) + " of term " + std::to_string(e.term) + " `" +
                 (e.request.summary.empty() ? e.request.kind : e.request.summary) + "`, replaced by term " +
                 std::to_string(t.replaced_by.term) + " `" +
                 (t.replaced_by.request.summary.empty() ? t.replaced_by.request.kind : t.replaced_by.request.summary) +
                 "`\n";
        ++truncated;
      }
    }
    if (!quote.empty()) ctx.Quote(quote);
    else ctx.Record(m + "'s WAL discarded nothing on replay: it appended no entry the majority did not commit");
  }
  if (truncated > 0)
    ctx.Record("the minority's uncommitted entries were overwritten by the majority's log (Log Matching: a follower "
               "takes the leader's entries; an entry never committed may be lost, an acknowledged one never is)");
  ctx.facts()["minority_truncated_entries"] = truncated;
  const uint64_t term_after = AgreedLeader(*st)->term;
  const bool deposed = !ctx.lab().pre_vote && term_after > majority_term_before;
  ctx.Record("the minority's terms had reached " + std::to_string(minority_max_term) + " during the split (majority leader " +
             majority_leader.name + " in term " + std::to_string(majority_term_before) + "); after the heal the leader is " +
             JoinNames({leaders_after.begin(), leaders_after.end()}) + "; " +
             (leaderless_from >= 0 ? "no agreed leader from +" + std::to_string(leaderless_from) + " to +" +
                                         std::to_string(leaderless_until) + " ms after the heal"
                                   : std::string("an agreed leader at every poll after the heal")));
  if (deposed) {
    ctx.Record("without --pre-vote the rejoining minority's higher term (" + std::to_string(minority_max_term) +
               ") made the majority's leader step down: an election nobody needed. The prevote scenario "
               "(`raftlab scenario run prevote`) shows the same rejoin with pre-vote off and on, side by side.");
  }
  ctx.facts()["minority_max_term"] = minority_max_term;
  ctx.facts()["majority_term_before_heal"] = majority_term_before;
  ctx.facts()["term_after_heal"] = term_after;
  ctx.facts()["leaderless_after_heal_ms"] = leaderless_from >= 0 ? leaderless_until - leaderless_from + 50 : 0;
  return Status::Ok();
}

}  // namespace raftlab::scenarios
