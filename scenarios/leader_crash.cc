// leader-crash: an isolated leader accepts a write it can never commit, crashes, and on return
// its log is overwritten by the new leader's.
//
//   1. a key committed by the whole cluster;
//   2. isolate the leader; a put through it (short client timeout) is appended to its log as
//      (i, t) but cannot reach a quorum: its own last index moves while it still reports
//      StateLeader (CheckQuorum deposes it one election timeout after the cut, so the kill must
//      come first);
//   3. SIGKILL it while it is still leader; the majority elects a new leader and commits;
//   4. heal the isolation and the kill (the member restarts on its data) and wait until it
//      follows the new leader;
//   5. its decoded WAL shows the overwrite: (i, t) discarded, replaced by (i, t' > t); the
//      uncommitted key is absent on every member; the key committed before is everywhere.
#include "scenarios/scenario.h"

namespace raftlab::scenarios {
namespace {

// The client timeout of the put that must reach only the isolated leader's log.
constexpr int kDoomedPutTimeoutMs = 300;
// Writes on the majority side, spaced by more than two sampler periods (50 ms).
constexpr int kMajorityPuts = 8;
constexpr int kPaceMs = 120;

// A leader's last log index (its own match in its progress); nullopt when it does not lead.
std::optional<uint64_t> OwnLastIndex(const v1::StatusReply& s, const std::string& leader) {
  const v1::MemberStatus* m = FindMember(s, leader);
  if (m == nullptr || m->role() != "leader" || m->last_index() == 0) return std::nullopt;
  return m->last_index();
}

}  // namespace

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
  const std::optional<uint64_t> last_before = OwnLastIndex(*st, old_leader.name);
  Result<v1::FaultInfo> cut = ctx.Fault(isolate);
  if (!cut.ok()) return cut.status();
  const int64_t cut_ms = ctx.NowMs();
  const std::string lost_key = "crash/uncommitted";
  const std::string lost_value = "never-committed-" + tag;
  // A short timeout: the put only has to reach the leader's log, not a quorum.
  Result<v1::PutReply> lost = ctx.Put(lost_key, lost_value, old_leader.name, kDoomedPutTimeoutMs, 2);
  ctx.Expect(!lost.ok(), "put `" + lost_key + "` through the isolated leader " + old_leader.name +
                             (lost.ok() ? " was acknowledged (revision " + std::to_string(lost->revision()) + ")"
                                        : " not acknowledged: " + std::string(CodeName(lost.status().code())) + " (" +
                                              lost.status().message() + ")"));
  // The entry is in the isolated leader's log while it still leads: its own match (its last
  // index) moved past where it was before the put.
  std::optional<uint64_t> last_after;
  std::string leader_role;
  Result<v1::StatusReply> appended = ctx.AwaitStatus(old_leader.name + "'s own last index to move while it leads", 800,
      [&](const v1::StatusReply& s, std::string* d) {
        const v1::MemberStatus* m = FindMember(s, old_leader.name);
        leader_role = m ? m->role() : "?";
        last_after = OwnLastIndex(s, old_leader.name);
        *d = old_leader.name + " " + leader_role + ", last index " + (last_after ? std::to_string(*last_after) : "?");
        return leader_role == "leader" && last_after && last_before && *last_after > *last_before;
      }, 20);
  const bool still_leader = appended.ok();
  const int64_t kill_ms = ctx.NowMs();
  ctx.Expect(still_leader, old_leader.name + " still reports StateLeader " + std::to_string(kill_ms - cut_ms) +
                               " ms after the cut, with the doomed entry appended: its last index " +
                               (last_before ? std::to_string(*last_before) : "?") + " -> " +
                               (last_after ? std::to_string(*last_after) : "?") +
                               (still_leader ? "" : " (role now " + leader_role + ")"));
  ctx.facts()["killed_while_leader"] = still_leader;

  ctx.Section("Kill the isolated leader (SIGKILL) while it leads; the majority goes on");
  v1::FaultRequest kill;
  kill.set_kind("kill");
  kill.set_target(old_leader.name);
  kill.set_signal(9);
  Result<v1::FaultInfo> killed = ctx.Fault(kill);
  if (!killed.ok()) return killed.status();
  int64_t seen_ms = 0;
  st = ctx.AwaitStatus("a leader among the majority", 30000,
      [&](const v1::StatusReply& s, std::string* d) {
        std::optional<LeaderView> l = AgreedLeader(s);
        *d = "leaders: " + JoinNames(Leaders(s));
        return l && l->name != old_leader.name;
      }, 50, &seen_ms);
  if (!st.ok()) return st.status();
  LeaderView new_leader = *AgreedLeader(*st);
  // When it was elected, not when a poll first saw it: a poll at once means it was elected
  // before the kill (the majority stops hearing the leader at the cut).
  const std::string when = seen_ms <= 60 ? "already elected when the kill landed (" + std::to_string(kill_ms - cut_ms) +
                                               " ms after the cut)"
                                         : "elected " + std::to_string(kill_ms - cut_ms + seen_ms) +
                                               " ms after the cut, " + std::to_string(seen_ms) + " ms after the kill";
  ctx.Expect(new_leader.term > old_leader.term, "majority leader " + new_leader.name + " in term " +
                                                    std::to_string(new_leader.term) + " > " +
                                                    std::to_string(old_leader.term) + ": " + when);
  ctx.facts()["kill_to_new_leader_ms"] = seen_ms;
  ctx.facts()["cut_to_new_leader_ms"] = kill_ms - cut_ms + seen_ms;
  // Paced writes: each commit is its own advance for the 50 ms sampler, so the commit rule is
  // judged on several advances of the new leader's term, not on one jump.
  int majority_commits = 0;
  for (int i = 1; i <= kMajorityPuts; ++i) {
    const std::string key = "crash/majority-" + std::to_string(i);
    if (!ctx.Put(key, "v-" + tag, new_leader.name, 5000).ok()) continue;
    ++majority_commits;
    const int64_t put_ms = ctx.NowMs();
    (void)ctx.Await("the sampler's next period after `" + key + "`", 1000,
                    [&](std::string*) { return ctx.NowMs() - put_ms >= kPaceMs; }, 20);
  }
  ctx.Expect(majority_commits == kMajorityPuts, "the majority committed " + std::to_string(majority_commits) + "/" +
                                                    std::to_string(kMajorityPuts) + " puts, " + std::to_string(kPaceMs) +
                                                    " ms apart");

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
