// leader-crash: an isolated leader accepts a write it can never commit, crashes, and on return
// its log is overwritten by the new leader's.
//
//   1. a key committed by the whole cluster;
//   2. isolate the leader; a put through it is appended to its log as (i, t) but cannot reach a
//      quorum: the client times out;
//   3. SIGKILL it; the majority elects a new leader and commits other puts;
//   4. heal the isolation and the kill (the member restarts on its data) and wait until it
//      follows the new leader;
//   5. its decoded WAL shows the overwrite: (i, t) discarded, replaced by (i, t' > t); the
//      uncommitted key is absent on every member; the key committed before is everywhere.
#include "scenarios/scenario.h"

namespace raftlab::scenarios {

raftlab::Status RunLeaderCrash(ScenarioContext& ctx) {
  ctx.Section("A leader, and a key committed by everyone");
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  LeaderView old_leader = *AgreedLeader(*st);
  ctx.Record("leader " + old_leader.name + " in term " + std::to_string(old_leader.term));
  const std::string tag = std::to_string(ctx.seed()) + "-" + std::to_string(ctx.rng()() % 100000);
  const std::string committed_key = "crash/committed-before";
  Result<v1::PutReply> committed = ctx.Put(committed_key, "v-" + tag, old_leader.name, 5000);
  if (!committed.ok()) return committed.status();

  ctx.Section("Isolate the leader; a write through it cannot commit");
  v1::FaultRequest isolate;
  isolate.set_kind("isolate");
  isolate.set_target(old_leader.name);
  Result<v1::FaultInfo> cut = ctx.Fault(isolate);
  if (!cut.ok()) return cut.status();
  const std::string lost_key = "crash/uncommitted";
  const std::string lost_value = "never-committed-" + tag;
  Result<v1::PutReply> lost = ctx.Put(lost_key, lost_value, old_leader.name, 3000, 2);
  ctx.Expect(!lost.ok(), "put `" + lost_key + "` through the isolated leader " + old_leader.name +
                             (lost.ok() ? " was acknowledged (revision " + std::to_string(lost->revision()) + ")"
                                        : " not acknowledged: " + std::string(CodeName(lost.status().code())) + " (" +
                                              lost.status().message() + ")"));

  ctx.Section("Kill the isolated leader (SIGKILL); the majority goes on");
  v1::FaultRequest kill;
  kill.set_kind("kill");
  kill.set_target(old_leader.name);
  kill.set_signal(9);
  Result<v1::FaultInfo> killed = ctx.Fault(kill);
  if (!killed.ok()) return killed.status();
  int64_t elected_ms = 0;
  st = ctx.AwaitStatus("a leader among the majority", 30000,
      [&](const v1::StatusReply& s, std::string* d) {
        std::optional<LeaderView> l = AgreedLeader(s);
        *d = "leaders: " + JoinNames(Leaders(s));
        return l && l->name != old_leader.name;
      }, 50, &elected_ms);
  if (!st.ok()) return st.status();
  LeaderView new_leader = *AgreedLeader(*st);
  ctx.Expect(new_leader.term > old_leader.term, "majority leader " + new_leader.name + " in term " +
                                                    std::to_string(new_leader.term) + " > " +
                                                    std::to_string(old_leader.term) + " (seen " +
                                                    std::to_string(elected_ms) + " ms after the kill)");
  ctx.facts()["kill_to_new_leader_ms"] = elected_ms;
  int majority_commits = 0;
  for (int i = 1; i <= 3; ++i)
    majority_commits += ctx.Put("crash/majority-" + std::to_string(i), "v-" + tag, new_leader.name, 5000).ok();
  ctx.Expect(majority_commits == 3, "the majority committed " + std::to_string(majority_commits) + "/3 puts");

  ctx.Section("Restart the old leader and reconnect it");
  if (Result<v1::FaultList> h = ctx.Heal(cut->id()); !h.ok()) return h.status();
  if (Result<v1::FaultList> h = ctx.Heal(killed->id()); !h.ok()) return h.status();
  int64_t rejoin_ms = 0;
  st = ctx.AwaitStatus(old_leader.name + " to follow the cluster's leader", 40000,
      [&](const v1::StatusReply& s, std::string* d) {
        const v1::MemberStatus* m = FindMember(s, old_leader.name);
        std::optional<LeaderView> l = AgreedLeader(s);
        *d = m ? m->role() + ", leader '" + m->leader() + "', applied " + std::to_string(m->applied()) : "?";
        if (!m || !l || m->role() != "follower" || m->leader() != l->name) return false;
        const v1::MemberStatus* lm = FindMember(s, l->name);
        return lm && m->applied() >= lm->commit();
      }, 100, &rejoin_ms);
  if (!st.ok()) return st.status();
  ctx.Record(old_leader.name + " follows " + AgreedLeader(*st)->name + " (term " +
             std::to_string(AgreedLeader(*st)->term) + ") and has applied the leader's commit, " +
             std::to_string(rejoin_ms) + " ms after the heal");

  ctx.Section("The uncommitted key is nowhere; the committed one is everywhere");
  for (const auto& m : st->members()) {
    Result<v1::GetReply> g = ctx.Get(lost_key, m.name(), true, 3000);
    ctx.Expect(g.ok() && !g->found(), "`" + lost_key + "` absent on " + m.name() +
                                          (g.ok() ? (g->found() ? " (found `" + g->value() + "`!)" : "") : " (read failed: " + g.status().message() + ")"));
    Result<v1::GetReply> c = ctx.Get(committed_key, m.name(), true, 3000);
    ctx.Expect(c.ok() && c->found() && c->value() == "v-" + tag,
               "`" + committed_key + "` = `v-" + tag + "` on " + m.name());
  }

  ctx.Section("The old leader's WAL: (i, t) overwritten by (i, t' > t)");
  Result<evidence::RaftLog> log = ctx.CaptureWal(old_leader.name);
  if (!log.ok()) return log.status();
  const evidence::Truncation* found = nullptr;
  const evidence::LogEntry* discarded = nullptr;
  for (const auto& t : log->truncations)
    for (const auto& e : t.discarded)
      if (found == nullptr && e.request.kind == "put" && e.request.key == lost_key && e.request.value == lost_value) {
        found = &t;
        discarded = &e;
      }
  ctx.Record(old_leader.name + "'s WAL: " + std::to_string(log->entries.size()) + " entries, " +
             std::to_string(log->truncations.size()) + " truncation(s) seen on replay");
  if (found == nullptr) {
    ctx.Expect(false, "the uncommitted put `" + lost_key + "` is among the entries " + old_leader.name +
                          "'s WAL discarded on replay");
    return Status::Ok();
  }
  std::string quote = "truncation at index " + std::to_string(found->at_index) + " (" + found->wal_file + " offset " +
                      std::to_string(found->file_offset) + ")\n";
  for (const auto& e : found->discarded)
    quote += "  discarded  index " + std::to_string(e.index) + " term " + std::to_string(e.term) + "  " +
             e.request.summary + "\n";
  quote += "  replaced by index " + std::to_string(found->replaced_by.index) + " term " +
           std::to_string(found->replaced_by.term) + "  " +
           (found->replaced_by.request.summary.empty() ? found->replaced_by.request.kind : found->replaced_by.request.summary) + "\n";
  ctx.Quote(quote);
  const evidence::LogEntry* now_at = log->At(discarded->index);
  ctx.Expect(found->replaced_by.term > discarded->term,
             "entry (i=" + std::to_string(discarded->index) + ", t=" + std::to_string(discarded->term) +
                 ") `" + discarded->request.summary + "` was replaced at index " +
                 std::to_string(found->replaced_by.index) + " by term " + std::to_string(found->replaced_by.term) +
                 " > " + std::to_string(discarded->term));
  ctx.Expect(now_at != nullptr && now_at->term > discarded->term,
             "index " + std::to_string(discarded->index) + " in " + old_leader.name + "'s final log holds term " +
                 (now_at ? std::to_string(now_at->term) + " `" + now_at->request.summary + "`" : std::string("nothing")));
  ctx.facts()["truncation"] = {{"member", old_leader.name}, {"index", discarded->index}, {"term", discarded->term},
                               {"replaced_by_term", found->replaced_by.term}, {"key", lost_key},
                               {"text", quote}};
  return Status::Ok();
}

}  // namespace raftlab::scenarios
