// election: the leader goes away, the others elect a new one in a higher term.
//
//   case 1: SIGKILL the leader (ApplyFault kill); the survivors elect a new leader in a strictly
//           higher term; the time from the fault to the new leader observed is measured; heal
//           (the member restarts) and it rejoins as a follower;
//   case 2: TransferLeader to a follower: the target leads, the term grows by one, and the
//           transfer's duration is measured.
// One leader per term is judged over every sample by the election_safety checker, and
// directly here on each status seen.
#include <set>

#include "scenarios/scenario.h"

namespace raftlab::scenarios {
namespace {

// At most one member claims leadership in any one term in this reply.
bool OneLeaderPerTerm(const v1::StatusReply& s, std::string* detail) {
  std::map<uint64_t, std::set<std::string>> by_term;
  for (const auto& m : s.members())
    if (m.role() == "leader") by_term[m.term()].insert(m.name());
  for (const auto& [term, names] : by_term)
    if (names.size() > 1) {
      *detail = "term " + std::to_string(term) + " has leaders " + JoinNames({names.begin(), names.end()});
      return false;
    }
  return true;
}

}  // namespace

raftlab::Status RunElection(ScenarioContext& ctx) {
  ctx.Section("A stable leader");
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  LeaderView old_leader = *AgreedLeader(*st);
  ctx.Record("leader " + old_leader.name + " in term " + std::to_string(old_leader.term));
  // A write before the fault, read back after it.
  Result<v1::PutReply> before = ctx.Put("election/before", "committed-before-kill", "", 5000);
  if (!before.ok()) return before.status();

  ctx.Section("Case 1: the leader is killed (SIGKILL)");
  v1::FaultRequest kill;
  kill.set_kind("kill");
  kill.set_target(old_leader.name);
  kill.set_signal(9);
  Result<v1::FaultInfo> fault = ctx.Fault(kill);
  if (!fault.ok()) return fault.status();
  int64_t to_leader_ms = 0;
  bool safe_all_along = true;
  std::string unsafe;
  st = ctx.AwaitStatus("a new leader among the survivors", 30000,
      [&](const v1::StatusReply& s, std::string* d) {
        if (!OneLeaderPerTerm(s, &unsafe)) safe_all_along = false;
        std::optional<LeaderView> l = AgreedLeader(s);
        *d = "leaders: " + JoinNames(Leaders(s));
        return l && l->name != old_leader.name;
      }, 50, &to_leader_ms);
  if (!st.ok()) return st.status();
  LeaderView new_leader = *AgreedLeader(*st);
  ctx.Record("new leader " + new_leader.name + " in term " + std::to_string(new_leader.term) + ", observed " +
             std::to_string(to_leader_ms) + " ms after the kill (status polled every 50 ms; election timeout " +
             std::to_string(ctx.lab().election_ms) + " ms)");
  ctx.Expect(new_leader.term > old_leader.term, "new leader's term " + std::to_string(new_leader.term) +
                                                    " > old leader's term " + std::to_string(old_leader.term));
  ctx.Expect(safe_all_along, "at most one leader per term in every status seen while electing" +
                                 (unsafe.empty() ? std::string() : ": " + unsafe));
  ctx.Expect(to_leader_ms < 10000, "time from fault to new leader observed: " + std::to_string(to_leader_ms) + " ms");
  ctx.facts()["kill_to_new_leader_ms"] = to_leader_ms;
  Result<v1::PutReply> during = ctx.Put("election/after-kill", "committed-by-" + new_leader.name, "", 5000);
  ctx.Expect(during.ok(), "the survivors commit a write without " + old_leader.name);

  ctx.Section("Heal: the old leader restarts and follows");
  if (Result<v1::FaultList> h = ctx.Heal(fault->id()); !h.ok()) return h.status();
  int64_t rejoin_ms = 0;
  st = ctx.AwaitStatus(old_leader.name + " to rejoin as a follower", 30000,
      [&](const v1::StatusReply& s, std::string* d) {
        const v1::MemberStatus* m = FindMember(s, old_leader.name);
        std::optional<LeaderView> l = AgreedLeader(s);
        *d = m ? m->name() + " is " + m->role() + ", leader '" + m->leader() + "'" : "no status";
        return m && l && m->role() == "follower" && m->leader() == l->name;
      }, 100, &rejoin_ms);
  if (!st.ok()) return st.status();
  const v1::MemberStatus* back = FindMember(*st, old_leader.name);
  LeaderView after_heal = *AgreedLeader(*st);
  ctx.Record(old_leader.name + " follows " + after_heal.name + " in term " + std::to_string(back->term()) + " after " +
             std::to_string(rejoin_ms) + " ms");
  Result<v1::GetReply> read = ctx.Get("election/before", old_leader.name, false, 5000);
  ctx.Expect(read.ok() && read->found() && read->value() == "committed-before-kill",
             "the write committed before the kill reads back through " + old_leader.name);

  ctx.Section("Case 2: leadership transferred to a follower");
  std::string target;
  for (const auto& m : st->members())
    if (m.role() == "follower" && m.name() != after_heal.name) target = m.name();
  if (target.empty()) return Internal("no follower to transfer leadership to");
  const uint64_t term_before = after_heal.term;
  const int64_t t0 = ctx.NowMs();
  Result<v1::TransferLeaderReply> moved = ctx.TransferLeader(target);
  if (!moved.ok()) return moved.status();
  int64_t seen_ms = 0;
  st = ctx.AwaitStatus(target + " to lead", 15000,
      [&](const v1::StatusReply& s, std::string* d) {
        std::optional<LeaderView> l = AgreedLeader(s);
        *d = "leaders: " + JoinNames(Leaders(s));
        return l && l->name == target;
      }, 50, &seen_ms);
  if (!st.ok()) return st.status();
  LeaderView transferred = *AgreedLeader(*st);
  const int64_t took_ms = ctx.NowMs() - t0;
  ctx.Expect(transferred.name == target, "new leader " + transferred.name + " = transfer target " + target);
  ctx.Expect(transferred.term == term_before + 1, "term " + std::to_string(term_before) + " -> " +
                                                      std::to_string(transferred.term) + " (+1)");
  ctx.Record("transfer took " + std::to_string(moved->took_ms()) + " ms (MoveLeader), " + std::to_string(took_ms) +
             " ms until every member named " + target);
  ctx.facts()["transfer_ms"] = moved->took_ms();
  Result<v1::PutReply> last = ctx.Put("election/after-transfer", "committed-by-" + target, "", 5000);
  ctx.Expect(last.ok(), "the new leader " + target + " commits a write");
  return Status::Ok();
}

}  // namespace raftlab::scenarios
