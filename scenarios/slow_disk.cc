// slow-disk: a leader whose WAL fsync stalls longer than its followers' election timeout sends
// nothing while it waits on the disk, so they elect another leader; kept on whoever leads, the
// stall makes leadership flap. The stopgap (an election timeout above the stall) stops the
// flapping but not the slowness; the fix (the WAL on fast storage) removes both.
//
//   1. every WAL on the lab's slowfs mount at delay 0 (--heartbeat-interval 100,
//      --election-timeout 1000); a baseline window of writes;
//   2. the sweep: 200, 500, 900 and 1500 ms on whichever member leads, write load throughout,
//      leader changes per minute for each;
//   3. flapping: 2500 ms on whichever member leads (the fault follows leadership), a 16 s
//      window of writes with >= 3 leader changes; then the same delay on every member (a
//      shared slow volume) for comparison; the sweep's table and panel;
//   4. the stopgap: a rolling restart with --election-timeout 5000, one member at a time, then
//      the same 2500 ms on the leader: 0 leader changes over a window of the same length,
//      writes slower but committing;
//   5. the fix, in two parts around a control: the original timeout back (rolling restart);
//      the control: the member S that was slow leads again with its WAL on the slow mount and
//      the same delay, and is handed leadership back each time it loses it: it flaps; the fix:
//      S restarts with its WAL on fast storage, leadership goes back to S by the same
//      procedure, and S leads the whole window: 0 leader changes, fsync and write latency
//      back to the baseline.
//
// Every window's leader changes are counted twice: from the sampler's samples (the panels'
// rule) and from etcd_server_leader_changes_seen_total read at both ends. A delay is lifted
// the moment it stops being the case under study (when its leader is deposed, before restarts,
// while S follows, before S's WAL leaves the mount), so the panels shade only where a delay
// was in force. The building blocks are in slow_disk_steps.h, the figures in
// slow_disk_figures.h.
#include <algorithm>

#include "common/clock.h"
#include "scenarios/scenario.h"
#include "scenarios/slow_disk_figures.h"
#include "scenarios/slow_disk_steps.h"

namespace raftlab::scenarios {
namespace {

using slow_disk::Fixed;
using slow_disk::ObservedChange;
using slow_disk::SlowDisks;
using slow_disk::SweepRow;
using slow_disk::TopTermLeader;
using slow_disk::Window;
using slow_disk::Windows;

constexpr int kHeartbeatMs = 100;         // the catalogue's lab flags
constexpr int kElectionMs = 1000;
constexpr int kFlapFsyncMs = 2500;        // above 2 x election: every follower's timer expires
constexpr int kStopgapElectionMs = 5000;  // above the stall by 2x: no follower's timer can expire
constexpr int kSweepFsyncMs[] = {200, 500, 900, 1500};
constexpr int kSweepWindowMs = 8000;
constexpr int kWindowMs = 16000;          // flapping, stopgap, control and fix: the same length

}  // namespace

raftlab::Status RunSlowDisk(ScenarioContext& ctx) {
  SlowDisks slow(ctx);
  Windows windows(ctx);
  int settles = 0;
  auto settle = [&]() { return slow_disk::Settle(ctx, "slow/settle-" + std::to_string(++settles)); };

  ctx.Section("Every WAL on the lab's slow-fsync mount at delay 0; a baseline");
  ctx.Record("etcd --heartbeat-interval " + std::to_string(kHeartbeatMs) + " --election-timeout " +
             std::to_string(kElectionMs) + ": a follower campaigns after a silence of its randomized election timeout, "
             "drawn per term in [" + std::to_string(kElectionMs) + ", " + std::to_string(2 * kElectionMs) + ") ms. "
             "A member's etcd loop takes its ticks and waits for its WAL fsync in one goroutine, and a leader sends "
             "its appends and heartbeats at the start of each Ready, before that fsync: a leader's stall is a silence "
             "as long as the fsync");
  Result<LeaderView> first = settle();
  if (!first.ok()) return first.status();
  Result<Window> base = windows.Run("baseline", 5000, 3000, nullptr);
  if (!base.ok()) return base.status();
  const double fsync_baseline_ms = base->MeanFsyncMs(first->name);
  const double p50_baseline_ms = base->load.Percentile(50);
  ctx.Expect(base->Changes() == 0 && base->load.puts_ok > 0,
             "baseline: " + std::to_string(base->load.puts_ok) + " writes, no leader change; " + first->name +
                 "'s mean WAL fsync " + Fixed(fsync_baseline_ms, 2) + " ms, put p50 " + Fixed(p50_baseline_ms) + " ms");
  ctx.facts()["fsync_baseline_ms"] = fsync_baseline_ms;
  ctx.facts()["write_p50_baseline_ms"] = p50_baseline_ms;

  // ---- the sweep
  ctx.Section("The sweep: the leader's fsync delayed 200 to 1500 ms, the delay kept on whoever leads");
  ctx.Mark("sweep", "fsync +200, +500, +900, +1500 ms on the leader, " + std::to_string(kSweepWindowMs / 1000) +
                        " s of writes each");
  std::vector<SweepRow> rows;
  auto row_of = [](int fsync_ms, bool every, const Window& w) {
    SweepRow r;
    r.fsync_ms = fsync_ms;
    r.every_member = every;
    r.window_s = w.seconds;
    r.sampled_changes = static_cast<int>(w.changes.size());
    r.metric_changes = w.metric_changes;
    r.puts_ok = w.load.puts_ok;
    r.puts_failed = w.load.failed;
    r.put_p50_ms = w.load.Percentile(50);
    return r;
  };
  for (int fsync_ms : kSweepFsyncMs) {
    Result<LeaderView> l = settle();
    if (!l.ok()) return l.status();
    if (raftlab::Status s = slow.Set({l->name}, fsync_ms); !s.ok()) return s;
    Result<Window> w = windows.Run("fsync +" + std::to_string(fsync_ms) + " ms", kSweepWindowMs, 4000,
                                   [&] { slow.FollowLeader(fsync_ms); });
    if (raftlab::Status s = slow.Clear(); !s.ok()) return s;
    if (!w.ok()) return w.status();
    rows.push_back(row_of(fsync_ms, false, *w));
  }
  ctx.Quote(slow_disk::SweepTable(rows));
  ctx.Record("where flapping starts: a stall below the election timeout (" + std::to_string(kElectionMs) +
             " ms) can never depose the leader; between it and twice it, a stall deposes only when some follower "
             "drew a timeout shorter than the stall for that term (so the same delay flaps in one run and not in "
             "the next); above " + std::to_string(2 * kElectionMs) + " ms every stall under write load does");
  ctx.Expect(rows[0].ChangesPerMinute() == 0 && rows[1].ChangesPerMinute() == 0,
             "no leader change while the stall stays under the election timeout (200 ms: " +
                 Fixed(rows[0].ChangesPerMinute()) + "/min, 500 ms: " + Fixed(rows[1].ChangesPerMinute()) + "/min)");
  ctx.facts()["sweep"] = Json::array();

  // ---- flapping
  ctx.Section("Flapping: the fsync of whichever member leads delayed " + std::to_string(kFlapFsyncMs) + " ms");
  ctx.Record("why the delay follows leadership: flapping needs a leader slower than its followers. A slow leader "
             "is silent for the whole fsync, while followers on fast disks keep counting and campaign; a new leader "
             "with a fast disk would then lead undisturbed, so the delay moves to it as soon as every member names it "
             "(heal on the old leader, apply on the new: each move is a fault end and start in the journal)");
  Result<LeaderView> flap_leader = settle();
  if (!flap_leader.ok()) return flap_leader.status();
  ctx.Mark("flapping", "fsync +" + std::to_string(kFlapFsyncMs) + " ms on whoever leads");
  if (raftlab::Status s = slow.Set({flap_leader->name}, kFlapFsyncMs); !s.ok()) return s;
  slow.ResetMoves();
  Result<Window> flap = windows.Run("flapping", kWindowMs, 4000, [&] { slow.FollowLeader(kFlapFsyncMs); });
  const int flap_moves = slow.moves();
  if (raftlab::Status s = slow.Clear(); !s.ok()) return s;
  if (!flap.ok()) return flap.status();
  rows.push_back(row_of(kFlapFsyncMs, false, *flap));
  const int flapping_changes = flap->Changes();
  ctx.Expect(static_cast<int>(flap->changes.size()) >= 3 && flap->metric_changes >= 3,
             std::to_string(flap->changes.size()) + " leader changes in the samples and +" +
                 Fixed(flap->metric_changes, 0) + " in leader_changes_seen_total within " + Fixed(flap->seconds) +
                 " s of writes (>= 3); the delay moved " + std::to_string(flap_moves) + " times");
  ctx.facts()["flapping_leader_changes"] = flapping_changes;
  ctx.facts()["flapping_leader_changes_metric"] = flap->metric_changes;
  ctx.facts()["flapping_window_s"] = kWindowMs / 1000;
  ctx.facts()["flapping_changes_per_min"] = rows.back().ChangesPerMinute();
  ctx.facts()["flapping_write_p50_ms"] = flap->load.Percentile(50);
  // The delay went on just before the window opened.
  if (!flap->changes.empty()) ctx.facts()["slow_to_new_leader_ms"] = static_cast<int64_t>(flap->changes.front().after_s * 1000);

  ctx.Section("For comparison: the same " + std::to_string(kFlapFsyncMs) + " ms on every member (a shared slow volume)");
  if (Result<LeaderView> l = settle(); !l.ok()) return l.status();
  Result<v1::StatusReply> st = ctx.Status();
  if (!st.ok()) return st.status();
  std::vector<std::string> members;
  for (const auto& m : st->members()) members.push_back(m.name());
  if (raftlab::Status s = slow.Set(members, kFlapFsyncMs); !s.ok()) return s;
  Result<Window> shared = windows.Run("every member slow", kSweepWindowMs, 4000, nullptr);
  if (raftlab::Status s = slow.Clear(); !s.ok()) return s;
  if (!shared.ok()) return shared.status();
  rows.push_back(row_of(kFlapFsyncMs, true, *shared));
  const double follow_rate = rows[rows.size() - 2].ChangesPerMinute(), shared_rate = rows.back().ChangesPerMinute();
  ctx.Record("measured: " + Fixed(shared_rate) + " leader changes per minute with every member slow against " +
             Fixed(follow_rate) + " with only the leader slow. " +
             (shared_rate < follow_rate / 2
                  ? std::string("On a shared slow volume the followers stall on the same entries: each receives the "
                                "append, then waits on its own fsync and counts no ticks meanwhile, so their election "
                                "clocks stop just while the leader is silent. The flapping case therefore keeps the "
                                "delay on the leader only.")
                  : std::string("Here the shared volume flapped as well; the flapping case keeps the delay on the "
                                "leader because that is the condition every election above needed.")));
  ctx.Quote(slow_disk::SweepTable(rows));
  for (const SweepRow& r : rows)
    ctx.facts()["sweep"].push_back({{"fsync_ms", r.fsync_ms}, {"every_member", r.every_member}, {"window_s", r.window_s},
                                    {"leader_changes", std::max<double>(r.sampled_changes, r.metric_changes)},
                                    {"per_minute", r.ChangesPerMinute()}, {"put_p50_ms", r.put_p50_ms}});
  if (Result<std::string> panel = slow_disk::DrawSweepPanel(ctx.run_dir() + "/panels", rows, kHeartbeatMs, kElectionMs);
      panel.ok())
    ctx.Record("sweep panel: ![slow_disk_sweep](panels/slow_disk_sweep.svg)");
  else
    ctx.Expect(false, "sweep panel drawn: " + panel.status().message());

  // ---- the stopgap
  ctx.Section("The stopgap: --election-timeout " + std::to_string(kStopgapElectionMs) + " (above the " +
              std::to_string(kFlapFsyncMs) + " ms stall), the disk as slow as before");
  ctx.Mark("stopgap", "rolling restart with --election-timeout " + std::to_string(kStopgapElectionMs));
  ctx.Record("no delay while members restart (a restart is not what this step measures); the same " +
             std::to_string(kFlapFsyncMs) + " ms follows the leader again for the window");
  if (raftlab::Status s = slow_disk::RollingRestart(ctx, kStopgapElectionMs, 900); !s.ok()) return s;
  Result<LeaderView> stopgap_leader = settle();
  if (!stopgap_leader.ok()) return stopgap_leader.status();
  const std::string slow_member = stopgap_leader->name;   // "the member that was slow" from here on
  if (raftlab::Status s = slow.Set({slow_member}, kFlapFsyncMs); !s.ok()) return s;
  slow.ResetMoves();
  Result<Window> stopgap = windows.Run("stopgap", kWindowMs, 8000, [&] { slow.FollowLeader(kFlapFsyncMs); });
  const int stopgap_moves = slow.moves();
  if (raftlab::Status s = slow.Clear(); !s.ok()) return s;
  if (!stopgap.ok()) return stopgap.status();
  const double fsync_slow_ms = stopgap->MeanFsyncMs(slow_member);
  const double p50_stopgap_ms = stopgap->load.Percentile(50);
  ctx.Expect(stopgap->Changes() == 0 && stopgap_moves == 0,
             "0 leader changes in " + Fixed(stopgap->seconds) + " s (samples " + std::to_string(stopgap->changes.size()) +
                 ", leader_changes_seen_total +" + Fixed(stopgap->metric_changes, 0) + "): " + slow_member +
                 " led the whole window with its fsync delayed");
  ctx.Expect(stopgap->load.puts_ok > 0 && p50_stopgap_ms > 5 * std::max(1.0, p50_baseline_ms),
             "writes continue, slower: " + std::to_string(stopgap->load.puts_ok) + " committed, put p50 " +
                 Fixed(p50_stopgap_ms) + " ms against " + Fixed(p50_baseline_ms) + " ms at the baseline");
  ctx.Expect(fsync_slow_ms > kFlapFsyncMs * 0.8, slow_member + "'s mean WAL fsync over the window: " +
                                                     Fixed(fsync_slow_ms) + " ms (the disk is as slow as before)");
  ctx.facts()["stopgap_leader_changes"] = stopgap->Changes();
  ctx.facts()["election_ms_stopgap"] = kStopgapElectionMs;
  ctx.facts()["fsync_slow_ms"] = fsync_slow_ms;
  ctx.facts()["stopgap_write_p50_ms"] = p50_stopgap_ms;
  ctx.facts()["stopgap_puts_ok"] = stopgap->load.puts_ok;

  // ---- the fix, with its control
  ctx.Section("The fix, part 1: the original --election-timeout " + std::to_string(kElectionMs) + " back");
  ctx.Mark("timeout restored", "rolling restart with --election-timeout " + std::to_string(kElectionMs));
  if (raftlab::Status s = slow_disk::RollingRestart(ctx, kElectionMs, 1000); !s.ok()) return s;

  ctx.Section("Control: " + slow_member + " leads again, its WAL still on the slow mount");
  ctx.Record("the procedure of the fix below, with one difference: " + slow_member + "'s WAL is still on the slow "
             "mount. Leadership is handed to " + slow_member + " and handed back each time it loses it, once it has "
             "caught up. The delay is in force while it leads and lifted while it follows: a follower on a " +
             std::to_string(kFlapFsyncMs) + " ms disk falls further behind with every append under this load, and a "
             "candidate persists its vote before it asks for votes, so a transfer to a stalled member would measure "
             "the transfer, not the leader");
  auto lead_to_slow_member = [&]() -> raftlab::Status {
    if (Result<v1::StatusReply> now = ctx.Status(); now.ok() && TopTermLeader(*now) == slow_member)
      return raftlab::Status::Ok();
    if (Result<v1::TransferLeaderReply> t = ctx.TransferLeader(slow_member); !t.ok()) return t.status();
    Result<v1::StatusReply> led = ctx.AwaitStatus(slow_member + " to lead", 10000,
        [&](const v1::StatusReply& s, std::string* d) {
          std::optional<LeaderView> a = AgreedLeader(s);
          *d = a ? "leader " + a->name : "no agreed leader";
          return a && a->name == slow_member;
        });
    return led.ok() ? raftlab::Status::Ok() : led.status();
  };
  struct Hold {
    int polls = 0, led = 0, handbacks = 0;
    int64_t lost_ns = 0;   // when it last lost the lead; 0 while it leads
  } hold;
  // The procedure the control and the fix share, one look at a time: while S leads (with the
  // delay on the slow mount), nothing; once it has lost the lead, the delay comes off, and when
  // its last slow fsync is over and it has applied what the leader committed, leadership goes
  // back to it.
  auto hold_lead = [&](bool on_slow_mount) {
    Result<v1::StatusReply> s = ctx.Status();
    if (!s.ok()) return;
    ++hold.polls;
    const std::string leader = TopTermLeader(*s);
    if (leader == slow_member) {
      ++hold.led;
      hold.lost_ns = 0;
      if (on_slow_mount && !slow.Has(slow_member)) (void)slow.Set({slow_member}, kFlapFsyncMs);
      return;
    }
    if (hold.lost_ns == 0) {
      hold.lost_ns = MonoNowNs();
      if (on_slow_mount) (void)slow.Clear();
    }
    const v1::MemberStatus* me = FindMember(*s, slow_member);
    const v1::MemberStatus* lead = leader.empty() ? nullptr : FindMember(*s, leader);
    // A fsync it began under the delay runs its full length: give it that, then its catch-up.
    if (me == nullptr || lead == nullptr || me->applied() + 20 < lead->commit() ||
        MonoNowNs() - hold.lost_ns < static_cast<int64_t>(kFlapFsyncMs + 300) * 1'000'000)
      return;
    (void)lead_to_slow_member();
    ++hold.handbacks;
  };
  auto losses = [&](const Window& w) {
    int n = 0;
    for (const ObservedChange& c : w.changes) n += c.leader != slow_member ? 1 : 0;
    return n;
  };
  if (Result<LeaderView> l = settle(); !l.ok()) return l.status();
  if (raftlab::Status s = lead_to_slow_member(); !s.ok()) return s;
  ctx.Mark("control", slow_member + " leads, WAL on the slow mount, fsync +" + std::to_string(kFlapFsyncMs) + " ms");
  if (raftlab::Status s = slow.Set({slow_member}, kFlapFsyncMs); !s.ok()) return s;
  hold = Hold{};
  Result<Window> control = windows.Run("control", kWindowMs, 4000, [&] { hold_lead(true); });
  if (raftlab::Status s = slow.Clear(); !s.ok()) return s;
  if (!control.ok()) return control.status();
  const int control_losses = losses(*control);
  const double control_lead_share = hold.polls > 0 ? static_cast<double>(hold.led) / hold.polls : 0;
  ctx.Expect(control_losses >= 2 && hold.handbacks >= 1,
             "on the slow mount " + slow_member + " flaps: it lost leadership " + std::to_string(control_losses) +
                 " times in " + Fixed(control->seconds) + " s (" + std::to_string(control->Changes()) +
                 " leader changes, " + std::to_string(hold.handbacks) + " hand-backs); it led in " +
                 std::to_string(hold.led) + " of " + std::to_string(hold.polls) + " looks");
  ctx.facts()["control_leader_changes"] = control->Changes();
  ctx.facts()["control_losses"] = control_losses;
  ctx.facts()["control_lead_share"] = control_lead_share;

  ctx.Section("The fix, part 2: " + slow_member + "'s WAL moves to fast storage; leadership goes back to it");
  ctx.Mark("fix", slow_member + "'s WAL on fast storage (a restart with another --wal-dir)");
  if (Result<LeaderView> l = settle(); !l.ok()) return l.status();
  if (raftlab::Status s = ctx.Restart(slow_member, "fast"); !s.ok()) return s;
  {
    v1::FaultRequest again;
    again.set_kind("slow-disk");
    again.set_target(slow_member);
    again.set_fsync_ms(kFlapFsyncMs);
    Result<v1::FaultInfo> refused = ctx.Fault(again);
    if (refused.ok()) {
      (void)ctx.Heal(refused->id());
      ctx.Expect(false, "the slow-disk fault should no longer reach " + slow_member + "'s WAL");
    } else {
      ctx.Record("the slow mount cannot reach " + slow_member + " any more: " + refused.status().message());
    }
  }
  if (Result<LeaderView> l = settle(); !l.ok()) return l.status();
  if (raftlab::Status s = lead_to_slow_member(); !s.ok()) return s;
  hold = Hold{};
  Result<Window> fixed = windows.Run("fix", kWindowMs, 4000, [&] { hold_lead(false); });
  if (!fixed.ok()) return fixed.status();
  const double fsync_after_fix_ms = fixed->MeanFsyncMs(slow_member);
  const double p50_fix_ms = fixed->load.Percentile(50);
  const bool fixed_member_leads = fixed->Changes() == 0 && hold.polls > 0 && hold.led == hold.polls && hold.handbacks == 0;
  ctx.Expect(fixed->Changes() == 0, "0 leader changes in " + Fixed(fixed->seconds) + " s (samples " +
                                         std::to_string(fixed->changes.size()) + ", leader_changes_seen_total +" +
                                         Fixed(fixed->metric_changes, 0) + ")");
  ctx.Expect(fixed_member_leads, slow_member + " led in " + std::to_string(hold.led) + " of " +
                                     std::to_string(hold.polls) + " looks over the window (" +
                                     std::to_string(hold.handbacks) + " hand-backs), under the same write load");
  ctx.Expect(fsync_after_fix_ms >= 0 && fsync_after_fix_ms < std::max(3 * fsync_baseline_ms, fsync_baseline_ms + 10),
             slow_member + "'s mean WAL fsync on fast storage: " + Fixed(fsync_after_fix_ms, 2) + " ms (baseline " +
                 Fixed(fsync_baseline_ms, 2) + " ms, " + Fixed(fsync_slow_ms) + " ms while slow)");
  ctx.Expect(fixed->load.puts_ok > 0 && p50_fix_ms < std::max(2 * p50_baseline_ms, p50_baseline_ms + 20),
             "write latency back: put p50 " + Fixed(p50_fix_ms) + " ms (baseline " + Fixed(p50_baseline_ms) +
                 " ms, stopgap " + Fixed(p50_stopgap_ms) + " ms), " + std::to_string(fixed->load.puts_ok) + " writes");
  ctx.facts()["fix_leader_changes"] = fixed->Changes();
  ctx.facts()["fsync_after_fix_ms"] = fsync_after_fix_ms;
  ctx.facts()["fsync_after_move_ms"] = fsync_after_fix_ms;
  ctx.facts()["fix_write_p50_ms"] = p50_fix_ms;
  ctx.facts()["fixed_member"] = slow_member;
  ctx.facts()["fixed_member_leads"] = fixed_member_leads;
  if (Result<v1::FaultList> h = ctx.Heal(""); !h.ok()) return h.status();
  return raftlab::Status::Ok();
}

}  // namespace raftlab::scenarios
