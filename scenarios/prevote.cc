// prevote: a follower F cut off for several election timeouts comes back, with pre-vote off
// (etcd 3.4's default) and then on. A seeded load writes through the majority from before the
// cut to after the rejoin; its acknowledged puts measure any write stall.
//
//   partition  F alone. The majority {L, M, ...} keeps leader L and commits. Off: F campaigns
//              every election timeout, each time in a new term (its samples' term; its log's
//              "became candidate at term N", N+1, ...). On: F is a pre-candidate (samples: role
//              precandidate) whose term never moves: a pre-vote carries term+1 without adopting
//              it, and without a quorum of grants F never becomes a candidate.
//   bridge     F reaches M but still not L (M sees both sides). CheckQuorum is always on in
//              etcd 3.4: M heard its leader within an election timeout, so it ignores F's vote
//              (off) or pre-vote (on) requests, "lease is not expired" in M's log. A higher-term
//              vote request alone deposes nobody, and F's pre-votes are refused.
//   heal       F hears L again. Off: L's heartbeat reaches F at L's lower term; F answers with
//              an MsgAppResp at its inflated term, L sees a higher term and steps down
//              ("received a MsgAppResp message with higher term from F"); nobody leads until an
//              election in a term above F's, and writes stall meanwhile. On: F is still in L's
//              term, so the heartbeat simply makes it L's follower: no leader change, no term
//              change, no stall.
//
// How the two cases meet. Each case is its own lab and its own run folder: the checkers judge
// one cluster's journal, and two labs in one journal would mix two clusters' terms, leaders
// and logs (a fresh lab restarts at term 1). The off case runs first and publishes its off_*
// facts. The on case, when it reaches the comparison, reads the off case's result.json from
// the folder runs/latest points at: Finish points it at each run it completes, so while the on
// case runs it is the run that finished just before, the off case of the same `scenario run`
// or `lab`. The on case checks that folder is a prevote-off run with the same seed and flags
// and then quotes the side-by-side table and carries both cases' facts (the off_* ones
// copied, with `off_run` naming their folder). A missing or different off run is a failed
// expectation of the on case, never a silent half table.
//
// Reads the members' own etcd logs (member_log.h) and their status through raftlabd; the load
// runs on its own threads (load.h). Single scenario thread otherwise.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "common/clock.h"
#include "scenarios/load.h"
#include "scenarios/member_log.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {
namespace {
namespace fs = std::filesystem;

constexpr int kCampaigns = 4;         // F's elections while cut off: "several election timeouts"
constexpr int kIgnoredAtBridge = 2;   // F's (pre-)vote requests M must be seen ignoring
constexpr int kObserveTimeouts = 3;   // election timeouts watched after the heal

std::string Seconds(int64_t ms) {
  char buf[32];
  snprintf(buf, sizeof buf, "+%.2f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

// The number after the last `marker` in `msg` ("... at term 7" -> 7); 0 when absent.
uint64_t NumberAfter(const std::string& msg, const std::string& marker) {
  size_t p = msg.rfind(marker);
  if (p == std::string::npos) return 0;
  return std::strtoull(msg.c_str() + p + marker.size(), nullptr, 10);
}

// What the status samples of one step showed.
struct Watch {
  Watch(std::string rejoiner_name, int64_t start) : rejoiner(std::move(rejoiner_name)), start_ns(start) {}
  std::string rejoiner;
  int64_t start_ns = 0;
  int samples = 0, rejoiner_precandidate = 0, rejoiner_candidate = 0;
  uint64_t rejoiner_unled_max_term = 0;                  // highest term sampled while it had no leader
  std::map<std::string, uint64_t> max_term;              // per member
  std::set<std::pair<uint64_t, std::string>> leaders;    // (term, member) sampled in StateLeader
  std::vector<std::string> timeline;                     // the rejoiner's (term, role) changes
  std::string last;

  void See(const v1::StatusReply& s) {
    ++samples;
    for (const auto& m : s.members()) {
      if (m.role() == "leader") leaders.insert({m.term(), m.name()});
      max_term[m.name()] = std::max(max_term[m.name()], m.term());
    }
    const v1::MemberStatus* f = FindMember(s, rejoiner);
    if (f == nullptr) return;
    rejoiner_precandidate += f->role() == "precandidate";
    rejoiner_candidate += f->role() == "candidate";
    if (f->leader().empty()) rejoiner_unled_max_term = std::max(rejoiner_unled_max_term, f->term());
    std::string now = "term " + std::to_string(f->term()) + " " + f->role() +
                      (f->leader().empty() ? ", no leader" : ", leader " + f->leader());
    if (now != last) {
      timeline.push_back(Seconds((MonoNowNs() - start_ns) / 1'000'000) + "  " + rejoiner + " " + now);
      last = now;
    }
  }
  std::string Leaders() const {
    std::vector<std::string> out;
    for (const auto& [term, name] : leaders) out.push_back(name + "@" + std::to_string(term));
    return out.empty() ? "none" : JoinNames(out);
  }
};

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::vector<std::string> Quoted(const std::string& member, const std::vector<LogLine>& lines, size_t most) {
  std::vector<std::string> out;
  for (size_t i = 0; i < lines.size() && i < most; ++i) out.push_back(QuoteLine(member, lines[i]));
  if (lines.size() > most) out.push_back("... " + std::to_string(lines.size() - most) + " more");
  return out;
}

// One row of the side-by-side table.
struct Row {
  std::string label;
  uint64_t rejoiner_max_term = 0, term_before = 0, term_after = 0;
  int64_t leader_changes = 0, stall_ms = 0;
};

Row RowFromFacts(const std::string& label, const Json& facts) {
  auto num = [&](const std::string& key) -> int64_t {
    auto it = facts.find(label + "_" + key);
    return it != facts.end() && it->is_number() ? it->get<int64_t>() : -1;
  };
  return Row{label, static_cast<uint64_t>(num("rejoiner_max_term")), static_cast<uint64_t>(num("term_before")),
             static_cast<uint64_t>(num("term_after")), num("leader_changes_on_rejoin"), num("write_stall_ms")};
}

std::string Table(const std::vector<Row>& rows) {
  std::string out = "case  rejoining member's max term  cluster term before -> after  leader changes on rejoin  "
                    "longest write stall (ms)\n";
  for (const Row& r : rows) {
    char buf[200];
    std::string terms = std::to_string(r.term_before) + " -> " + std::to_string(r.term_after);
    snprintf(buf, sizeof buf, "%-4s  %-27llu  %-29s  %-24lld  %lld\n", r.label.c_str(),
             static_cast<unsigned long long>(r.rejoiner_max_term), terms.c_str(),
             static_cast<long long>(r.leader_changes), static_cast<long long>(r.stall_ms));
    out += buf;
  }
  return out;
}

// The off case's result.json, from the run runs/latest points at, when it is the off case of
// this lab's seed and flags; else why not.
Result<Json> OffCaseResult(ScenarioContext& ctx, std::string* folder) {
  fs::path latest = fs::path(ctx.run_dir()).parent_path() / "latest";
  std::error_code ec;
  fs::path target = fs::read_symlink(latest, ec);
  if (ec) return Unavailable("no runs/latest beside this run: the off case did not finish before this one");
  *folder = target.filename().string();
  Result<Json> doc = ReadJsonFile((latest.parent_path() / target / "result.json").string());
  if (!doc.ok()) return Unavailable("runs/latest (" + *folder + ") has no readable result.json: " + doc.status().message());
  const Json& d = *doc;
  if (d.value("scenario", "") != "prevote-off")
    return Unavailable("runs/latest is " + *folder + " (scenario " + d.value("scenario", "?") +
                       "), not the prevote-off case: it did not run just before this one");
  if (d.value("seed", uint64_t{0}) != ctx.seed())
    return Unavailable(*folder + " ran with seed " + std::to_string(d.value("seed", uint64_t{0})) + ", this case with " +
                       std::to_string(ctx.seed()));
  const Json flags = d["facts"].value("lab_flags", Json::object());
  const LabSpec& lab = ctx.lab();
  if (flags.value("members", 0) != lab.members || flags.value("heartbeat_ms", 0) != lab.heartbeat_ms ||
      flags.value("election_ms", 0) != lab.election_ms || flags.value("pre_vote", true))
    return Unavailable(*folder + " ran with other flags: " + flags.dump());
  return doc;
}

}  // namespace

raftlab::Status RunPrevote(ScenarioContext& ctx) {
  const LabSpec& lab = ctx.lab();
  const bool pre_vote = lab.pre_vote;
  const std::string label = pre_vote ? "on" : "off";
  const std::string fact = label + "_";
  const int et = lab.election_ms;
  ctx.facts()["lab_flags"] = {{"members", lab.members}, {"heartbeat_ms", lab.heartbeat_ms},
                              {"election_ms", lab.election_ms}, {"pre_vote", pre_vote}};

  ctx.Section("Pre-vote " + label + ": a stable leader, and a load that runs throughout");
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  const LeaderView leader = *AgreedLeader(*st);
  std::vector<std::string> followers, majority;
  for (const auto& m : st->members())
    if (m.name() != leader.name) followers.push_back(m.name());
  if (followers.size() < 2) return FailedPrecondition("prevote needs at least 3 members");
  const std::string rejoiner = followers.back(), bridge = followers.front();
  const std::string rejoiner_id = FindMember(*st, rejoiner)->id();
  for (const auto& m : st->members())
    if (m.name() != rejoiner) majority.push_back(m.name());
  std::vector<std::string> far_side;   // the majority without the bridge: L's side
  for (const auto& m : majority)
    if (m != bridge) far_side.push_back(m);
  ctx.Record("leader " + leader.name + " in term " + std::to_string(leader.term) + "; " + rejoiner + " (raft id " +
             rejoiner_id + ") will be cut off from {" + JoinNames(majority) + "}, then let through to " + bridge +
             " only, then healed");
  ctx.Record(std::string("pre-vote ") + (pre_vote ? "on (--pre-vote on every member)" : "off (etcd 3.4's default)") +
             "; CheckQuorum is always on in etcd 3.4: a member that heard its leader within an election timeout "
             "ignores (pre-)vote requests, and a leader that hears a higher term steps down");

  LoadOptions lo;
  lo.clients = 2;
  lo.via = majority;
  lo.read_fraction = 0.2;
  lo.keys = 6;
  lo.key_prefix = "prevote/k";
  lo.max_ops = 100000;        // bounded by Stop(), below
  lo.max_ms = 300000;
  lo.timeout_ms = 1000;
  lo.think_ms = 25;
  lo.seed = ctx.seed();
  LoadGenerator load(ctx.stub(), lo);
  load.Start();
  Result<int64_t> warm = ctx.Await("the load's first 20 acknowledged puts", 30000, [&](std::string* d) {
    int n = load.Snapshot().puts_ok;
    *d = std::to_string(n) + " puts acknowledged";
    return n >= 20;
  });
  if (!warm.ok()) return warm.status();
  ctx.Record("load through {" + JoinNames(majority) + "}: 2 clients, puts and linearizable gets, 1 s timeout per op; " +
             std::to_string(load.Snapshot().puts_ok) + " puts acknowledged so far");

  // ---------------------------------------------------------------- partition
  ctx.Section("Partition: " + rejoiner + " alone for " + std::to_string(kCampaigns) + " of its election timeouts");
  Result<LogMark> f_mark = MarkMemberLog(ctx, rejoiner);
  if (!f_mark.ok()) return f_mark.status();
  v1::FaultRequest cut_req;
  cut_req.set_kind("partition");
  cut_req.add_groups()->add_members(rejoiner);
  v1::Group* rest = cut_req.add_groups();
  for (const auto& m : majority) rest->add_members(m);
  Result<v1::FaultInfo> cut = ctx.Fault(cut_req);
  if (!cut.ok()) return cut.status();
  const int64_t cut_ns = MonoNowNs();
  const std::string campaign = pre_vote ? "became pre-candidate at term" : "became candidate at term";
  const std::string other_campaign = pre_vote ? "became candidate at term" : "became pre-candidate at term";
  Watch parted{rejoiner, cut_ns};
  Result<int64_t> campaigned = ctx.Await(rejoiner + " to campaign " + std::to_string(kCampaigns) + " times (its log: \"" +
                                             campaign + "\")",
                                         (kCampaigns + 2) * 2 * et + 20000, [&](std::string* d) {
    if (Result<v1::StatusReply> s = ctx.Status(); s.ok()) parted.See(*s);
    size_t n = LinesSince(*f_mark, campaign).size();
    *d = std::to_string(n) + " campaigns; " + parted.last;
    return n >= static_cast<size_t>(kCampaigns);
  });
  if (!campaigned.ok()) return campaigned.status();
  const int64_t partition_end_ns = MonoNowNs();
  const std::vector<LogLine> campaigns = LinesSince(*f_mark, campaign);
  const std::vector<LogLine> other_campaigns = LinesSince(*f_mark, other_campaign);
  ctx.Record(rejoiner + "'s own log since the cut (" + f_mark->path + "; copied to etcd/" + rejoiner + ".log at the end):");
  ctx.Quote(Join(Quoted(rejoiner, campaigns, 10)));
  ctx.Record(rejoiner + " in the status samples (every 100 ms) since the cut:");
  ctx.Quote(Join(parted.timeline));
  std::vector<int64_t> gaps;
  for (size_t i = 1; i < campaigns.size(); ++i) {
    int64_t a = TsMsOfDay(campaigns[i - 1].ts), b = TsMsOfDay(campaigns[i].ts);
    if (a >= 0 && b >= 0) gaps.push_back(b >= a ? b - a : b + 86'400'000 - a);
  }
  const int64_t gap_min = gaps.empty() ? 0 : *std::min_element(gaps.begin(), gaps.end());
  const int64_t gap_max = gaps.empty() ? 0 : *std::max_element(gaps.begin(), gaps.end());
  std::string gap_text;
  for (int64_t g : gaps) gap_text += (gap_text.empty() ? "" : ", ") + std::to_string(g);
  const uint64_t parted_max_term = parted.max_term[rejoiner];
  if (!pre_vote) {
    bool consecutive = !campaigns.empty();
    for (size_t i = 0; i < campaigns.size(); ++i)
      consecutive = consecutive && NumberAfter(campaigns[i].msg, "at term ") == leader.term + 1 + i;
    ctx.Expect(consecutive && parted_max_term >= leader.term + kCampaigns,
               rejoiner + "'s term rose with every campaign: its log shows terms " + std::to_string(leader.term + 1) +
                   ".." + std::to_string(leader.term + campaigns.size()) + (consecutive ? " one by one" : " NOT one by one") +
                   ", its samples reach term " + std::to_string(parted_max_term) + " (the cluster is at " +
                   std::to_string(leader.term) + ")");
  } else {
    bool same_term = !campaigns.empty();
    for (const auto& c : campaigns) same_term = same_term && NumberAfter(c.msg, "at term ") == leader.term;
    ctx.Expect(same_term && other_campaigns.empty() && parted_max_term == leader.term && parted.rejoiner_precandidate > 0,
               rejoiner + " stayed a pre-candidate in term " + std::to_string(leader.term) + ": " +
                   std::to_string(campaigns.size()) + " pre-campaigns in its log, all at term " +
                   std::to_string(leader.term) + ", " + std::to_string(other_campaigns.size()) +
                   " real campaigns; role precandidate in " + std::to_string(parted.rejoiner_precandidate) + " of " +
                   std::to_string(parted.samples) + " samples, highest sampled term " + std::to_string(parted_max_term));
  }
  ctx.Expect(gaps.size() + 1 == campaigns.size() && gap_min >= et * 8 / 10 && gap_max <= 3 * et,
             "one campaign per election timeout: " + std::to_string(gaps.size()) + " intervals of " + gap_text +
                 " ms between them (etcd randomizes the timeout in [" + std::to_string(et) + ", " +
                 std::to_string(2 * et) + ") ms)");
  const LoadStats at_partition_end = load.Snapshot();
  const double baseline_gap = at_partition_end.LongestPutGapMs(cut_ns, partition_end_ns);
  ctx.Expect(parted.leaders == std::set<std::pair<uint64_t, std::string>>{{leader.term, leader.name}} &&
                 at_partition_end.LongestPutGapMs(cut_ns, partition_end_ns) < et,
             "the majority kept leader " + leader.name + " in term " + std::to_string(leader.term) +
                 " (leaders sampled: " + parted.Leaders() + ") and kept committing: longest gap between acknowledged "
                 "puts during the " + std::to_string((partition_end_ns - cut_ns) / 1'000'000) + " ms partition " +
                 std::to_string(static_cast<int64_t>(baseline_gap)) + " ms");
  ctx.facts()[fact + "campaigns"] = campaigns.size();
  ctx.facts()[fact + "partition_ms"] = (partition_end_ns - cut_ns) / 1'000'000;
  ctx.facts()[fact + "partition_stall_ms"] = static_cast<int64_t>(baseline_gap);

  // ---------------------------------------------------------------- bridge
  ctx.Section("Bridge: " + rejoiner + " reaches " + bridge + " only; " + bridge + " still hears " + leader.name);
  Result<LogMark> b_mark = MarkMemberLog(ctx, bridge);
  if (!b_mark.ok()) return b_mark.status();
  v1::FaultRequest bridge_req;
  bridge_req.set_kind("bridge");
  bridge_req.set_bridge(bridge);
  bridge_req.add_groups()->add_members(rejoiner);
  v1::Group* far = bridge_req.add_groups();
  for (const auto& m : far_side) far->add_members(m);
  // The bridge goes on before the partition comes off, so F never sees L in between.
  Result<v1::FaultInfo> bridged = ctx.Fault(bridge_req);
  if (!bridged.ok()) return bridged.status();
  if (Result<v1::FaultList> h = ctx.Heal(cut->id()); !h.ok()) return h.status();
  const std::string request = pre_vote ? "MsgPreVote" : "MsgVote";
  const std::string ignored = "ignored " + request + " from " + rejoiner_id;
  Watch at_bridge{rejoiner, MonoNowNs()};
  Result<int64_t> refused = ctx.Await(bridge + " to ignore " + std::to_string(kIgnoredAtBridge) + " of " + rejoiner +
                                          "'s " + request + " requests",
                                      (kIgnoredAtBridge + 2) * 2 * et + 20000, [&](std::string* d) {
    if (Result<v1::StatusReply> s = ctx.Status(); s.ok()) at_bridge.See(*s);
    size_t n = LinesSince(*b_mark, ignored).size();
    *d = std::to_string(n) + " ignored; " + at_bridge.last;
    return n >= static_cast<size_t>(kIgnoredAtBridge);
  });
  if (!refused.ok()) return refused.status();
  const std::vector<LogLine> ignored_lines = LinesSince(*b_mark, ignored);
  const std::vector<LogLine> granted = LinesSince(*b_mark, "cast " + request + " for " + rejoiner_id);
  ctx.Record(bridge + "'s own log since the bridge:");
  ctx.Quote(Join(Quoted(bridge, ignored_lines, 6)));
  ctx.Expect(at_bridge.leaders == std::set<std::pair<uint64_t, std::string>>{{leader.term, leader.name}} &&
                 at_bridge.max_term[bridge] == leader.term && granted.empty(),
             bridge + " ignored " + std::to_string(ignored_lines.size()) + " " + request + " requests from " + rejoiner +
                 " (\"lease is not expired\": it hears " + leader.name + "), granted " +
                 std::to_string(granted.size()) + ", and stayed in term " + std::to_string(at_bridge.max_term[bridge]) +
                 "; leaders sampled: " + at_bridge.Leaders());
  ctx.facts()[fact + "votes_ignored_at_bridge"] = ignored_lines.size();

  // ---------------------------------------------------------------- heal
  ctx.Section("Heal: " + rejoiner + " hears " + leader.name + " again");
  std::map<std::string, LogMark> heal_marks;
  for (const auto& m : st->members()) {
    Result<LogMark> mark = MarkMemberLog(ctx, m.name());
    if (!mark.ok()) return mark.status();
    heal_marks[m.name()] = *mark;
  }
  const uint64_t term_before = leader.term;
  // The term F comes back with (what it inflated to while cut off).
  const uint64_t rejoiner_term_at_heal = std::max(parted_max_term, at_bridge.max_term[rejoiner]);
  ctx.Record("before the heal: cluster term " + std::to_string(term_before) + " (leader " + leader.name + "), " +
             rejoiner + " at term " + std::to_string(rejoiner_term_at_heal));
  const LoadStats at_heal = load.Snapshot();
  if (Result<v1::FaultList> h = ctx.Heal(bridged->id()); !h.ok()) return h.status();
  const int64_t heal_ns = MonoNowNs();
  Watch after{rejoiner, heal_ns};
  std::optional<LeaderView> settled;
  Result<int64_t> rejoined = ctx.Await(rejoiner + " to follow the cluster's leader in its term, and " +
                                           std::to_string(kObserveTimeouts) + " election timeouts to pass",
                                       60000, [&](std::string* d) {
    Result<v1::StatusReply> s = ctx.Status();
    if (!s.ok()) return false;
    after.See(*s);
    settled = AgreedLeader(*s);
    const v1::MemberStatus* f = FindMember(*s, rejoiner);
    *d = "leader " + (settled ? settled->name + "@" + std::to_string(settled->term) : std::string("none")) + "; " +
         after.last;
    return settled && f != nullptr && f->term() == settled->term &&
           MonoNowNs() - heal_ns >= static_cast<int64_t>(kObserveTimeouts) * et * 1'000'000;
  });
  if (!rejoined.ok()) return rejoined.status();
  const int64_t end_ns = MonoNowNs();
  const LoadStats total = load.Stop();
  ctx.Record("load over the whole run: " + total.Summary());
  const int64_t stall_ms = static_cast<int64_t>(total.LongestPutGapMs(heal_ns, end_ns));
  const int failed_after_heal = total.failed - at_heal.failed;
  ctx.Record("after the heal: " + std::to_string(total.puts_ok - at_heal.puts_ok) + " puts acknowledged, " +
             std::to_string(failed_after_heal) + " ops failed (1 s timeout each) in " +
             std::to_string((end_ns - heal_ns) / 1'000'000) + " ms; longest gap between acknowledged puts " +
             std::to_string(stall_ms) + " ms (a stall an election causes lasts at least one election timeout, " +
             std::to_string(et) + " ms: nobody can win before a member's election timer fires)");

  // New leadership terms after the heal, from every member's own log and from the samples.
  std::set<uint64_t> new_terms;
  std::vector<std::string> elected_quotes;
  for (const auto& [name, mark] : heal_marks) {
    for (const LogLine& l : LinesSince(mark, "elected leader")) {
      uint64_t t = NumberAfter(l.msg, "at term ");
      if (t > term_before) new_terms.insert(t);
      elected_quotes.push_back(QuoteLine(name, l));
    }
  }
  for (const auto& [term, name] : after.leaders)
    if (term > term_before) new_terms.insert(term);
  // Every term L adopted from F, and the one line that deposed it (F's answer to L's heartbeat).
  const std::vector<LogLine> higher = LinesSince(heal_marks[leader.name], "message with higher term from " + rejoiner_id);
  const std::vector<LogLine> deposed =
      LinesSince(heal_marks[leader.name], "received a MsgAppResp message with higher term from " + rejoiner_id);
  const std::vector<LogLine> stepped_down = LinesSince(heal_marks[leader.name], "became follower at term");
  const std::vector<LogLine> rejoiner_follows = LinesSince(heal_marks[rejoiner], "became follower at term");
  std::vector<LogLine> refusals;
  for (const auto& [name, mark] : heal_marks) {
    if (name == rejoiner) continue;
    for (const std::string& how : {"ignored " + request + " from " + rejoiner_id, "rejected " + request + " from " + rejoiner_id})
      for (const LogLine& l : LinesSince(mark, how)) refusals.push_back(l);
  }
  const uint64_t term_after = settled->term;
  // The highest term F reached before it followed a leader again: while cut off, and in any
  // campaign it kept running in the leaderless window after the heal (its log and samples).
  uint64_t rejoiner_max_term = std::max({rejoiner_term_at_heal, after.rejoiner_unled_max_term, term_before});
  for (const LogLine& l : LinesSince(*f_mark, "became candidate at term"))
    rejoiner_max_term = std::max(rejoiner_max_term, NumberAfter(l.msg, "at term "));
  const int64_t leader_changes = static_cast<int64_t>(new_terms.size());
  std::vector<std::string> log_quote;
  for (const auto& l : Quoted(leader.name, higher, 4)) log_quote.push_back(l);
  for (const auto& l : Quoted(leader.name, stepped_down, 3)) log_quote.push_back(l);
  for (const auto& l : Quoted(rejoiner, rejoiner_follows, 3)) log_quote.push_back(l);
  for (size_t i = 0; i < elected_quotes.size() && i < 6; ++i) log_quote.push_back(elected_quotes[i]);
  ctx.Record("the members' logs since the heal (leader " + leader.name + "'s higher-term and step-down lines, " + rejoiner +
             "'s follower lines, every \"elected leader\"):");
  ctx.Quote(log_quote.empty() ? "(none)\n" : Join(log_quote));
  ctx.Record(rejoiner + " in the samples since the heal:");
  ctx.Quote(Join(after.timeline));
  ctx.Record("leaders sampled since the heal: " + after.Leaders() + "; new leadership terms above " +
             std::to_string(term_before) + " (logs and samples): " + std::to_string(leader_changes));
  if (!pre_vote) {
    ctx.Expect(!deposed.empty() && leader_changes >= 1,
               rejoiner + "'s higher term deposed " + leader.name + ": \"" +
                   (deposed.empty() ? std::string("(no such line)") : deposed.front().msg) + "\" in " + leader.name +
                   "'s log, then " + std::to_string(leader_changes) + " new leadership term(s); leader now " +
                   settled->name + " in term " + std::to_string(term_after));
    ctx.Expect(term_after > rejoiner_term_at_heal && term_after >= rejoiner_max_term && term_after > term_before,
               "the cluster's term jumped " + std::to_string(term_before) + " -> " + std::to_string(term_after) +
                   ", above the inflated term " + std::to_string(rejoiner_term_at_heal) + " " + rejoiner +
                   " came back with (it campaigned up to term " + std::to_string(rejoiner_max_term) +
                   " while nobody led)");
    ctx.Expect(stall_ms >= et * 8 / 10,
               "writes stalled while nobody led: no put acknowledged for " + std::to_string(stall_ms) +
                   " ms after the heal (no member could win before its election timer of >= " + std::to_string(et) +
                   " ms fired; " + std::to_string(static_cast<int64_t>(baseline_gap)) + " ms during the partition)");
  } else {
    ctx.Expect(leader_changes == 0 && higher.empty() && settled->name == leader.name && term_after == term_before,
               "no leader change: " + leader.name + " still leads in term " + std::to_string(term_after) + ", " +
                   std::to_string(higher.size()) + " higher-term lines from " + rejoiner + " in its log, " +
                   std::to_string(leader_changes) + " new leadership terms");
    ctx.Expect(!rejoiner_follows.empty() && NumberAfter(rejoiner_follows.front().msg, "at term ") == term_before,
               rejoiner + " rejoined as a follower in the same term: \"" +
                   (rejoiner_follows.empty() ? std::string("(no line)") : rejoiner_follows.front().msg) + "\"");
    ctx.Expect(stall_ms < et, "no write stall: longest gap between acknowledged puts after the heal " +
                                  std::to_string(stall_ms) + " ms, under one election timeout (" + std::to_string(et) +
                                  " ms; " + std::to_string(static_cast<int64_t>(baseline_gap)) +
                                  " ms during the partition)");
    ctx.Record(rejoiner + "'s pre-votes: " + std::to_string(ignored_lines.size()) + " ignored by " + bridge +
               " at the bridge, " + std::to_string(refusals.size()) + " more refused after the heal; none granted, so "
               "its term never moved");
  }
  ctx.facts()[fact + "rejoiner"] = rejoiner;
  ctx.facts()[fact + "rejoiner_max_term"] = rejoiner_max_term;
  ctx.facts()[fact + "rejoiner_term_at_heal"] = rejoiner_term_at_heal;
  ctx.facts()[fact + "term_before"] = term_before;
  ctx.facts()[fact + "term_after"] = term_after;
  ctx.facts()[fact + "term_jump"] = term_after - term_before;
  ctx.facts()[fact + "leader_changes_on_rejoin"] = leader_changes;
  ctx.facts()[fact + "write_stall_ms"] = stall_ms;
  ctx.facts()[fact + "failed_ops_after_heal"] = failed_after_heal;
  ctx.facts()[fact + "load"] = total.Summary();

  // ---------------------------------------------------------------- side by side
  ctx.Section("Side by side");
  const Row mine = RowFromFacts(label, ctx.facts());
  if (!pre_vote) {
    ctx.Quote(Table({mine}));
    ctx.Record("the on case runs next on a fresh lab (same seed and flags, --pre-vote) and completes this table "
               "from this run's result.json");
    return Status::Ok();
  }
  std::string off_folder;
  Result<Json> off = OffCaseResult(ctx, &off_folder);
  if (!ctx.Expect(off.ok(), off.ok() ? "the off case's result: runs/" + off_folder + "/result.json (same seed " +
                                           std::to_string(ctx.seed()) + " and flags)"
                                     : "the off case's result: " + off.status().message())) {
    ctx.Quote(Table({mine}));
    return Status::Ok();
  }
  const Json& off_facts = (*off)["facts"];
  for (const auto& [key, value] : off_facts.items())
    if (key.rfind("off_", 0) == 0) ctx.facts()[key] = value;
  ctx.facts()["off_run"] = off_folder;
  const Row off_row = RowFromFacts("off", off_facts);
  ctx.Quote(Table({off_row, mine}));
  ctx.Expect(off_row.leader_changes >= 1 && mine.leader_changes == 0 && off_row.term_after > off_row.term_before &&
                 mine.term_after == mine.term_before && off_row.stall_ms > mine.stall_ms,
             "pre-vote removes the disruption: leader changes on rejoin " + std::to_string(off_row.leader_changes) +
                 " -> " + std::to_string(mine.leader_changes) + ", term jump " +
                 std::to_string(off_row.term_after - off_row.term_before) + " -> " +
                 std::to_string(mine.term_after - mine.term_before) + ", longest write stall " +
                 std::to_string(off_row.stall_ms) + " -> " + std::to_string(mine.stall_ms) + " ms" +
                 ((*off).value("passed", false) ? "" : " (the off case itself did not pass: see its folder)"));
  return Status::Ok();
}

}  // namespace raftlab::scenarios
