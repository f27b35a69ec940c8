// snapshot: a follower that was away while the leader compacted its log past the follower's
// next index comes back through InstallSnapshot (etcd's merged MsgSnap: v2 store, ConfState
// and the whole bbolt db), and the snapshot carries a membership that differs from the
// cluster's first one.
//
//   1. three members with --snapshot-count 100;
//   2. grow 3 -> 4 while the log is still shorter than one snapshot: n4 joins as a learner,
//      catches up by plain appends and is promoted. (Joining later would bring n4 in through a
//      snapshot of its own, and etcd keeps the leader's log compaction off until 30 s after
//      every snapshot send: releaseDelayAfterSnapshot. Step 4 waits such a pause out.)
//   3. a follower F (one of the first three) is killed; its own WAL gives its last index M;
//   4. many concurrent clients write straight to the leader L's client URL (not journaled:
//      they only make log) while a small journaled load puts a fixed key set through L, until
//      L's own state shows its log compacted past M + 1: its latest .snap at S_L and its log
//      line "compacted Raft logs" at C > M (etcd keeps 5000 entries behind each snapshot);
//   5. F restarts. Evidence of the InstallSnapshot from both sides: L's snapshot send metric
//      and its "sending database snapshot" lines, F's receive metric and its "receiving",
//      "applying", "applied snapshot" lines; F's WAL holds a snapshot record at S > M with
//      its log restarting at S+1 (a log jump); F's .snap at S lists the 4 voters; F catches up
//      (applied = L's commit) and HashKV is equal on all four members.
//
// Reads the members' etcd logs, .snap files and /metrics directly (paths from MemberInfo);
// the bulk writers are threads with their own etcd clients. Single scenario thread otherwise.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/hex_id.h"
#include "common/http_get.h"
#include "cluster/etcd_client.h"
#include "driver/lab_service.h"
#include "evidence/raft_status.h"
#include "evidence/snap_reader.h"
#include "scenarios/load.h"
#include "scenarios/member_log.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {
namespace {

constexpr uint64_t kCatchUpEntries = 5000;   // etcd 3.4's hard-coded SnapshotCatchUpEntries
constexpr int kBulkClients = 8;
constexpr int kMaxBulkWrites = 40000;        // give up rather than write forever

Result<v1::MemberInfoReply> Info(ScenarioContext& ctx, const std::string& member) {
  v1::MemberInfoRequest req;
  req.set_name(member);
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::MemberInfoReply reply;
  grpc::Status s = ctx.stub()->MemberInfo(&call, req, &reply);
  if (!s.ok()) return driver::FromGrpcStatus(s);
  return reply;
}

// etcd member id (hex) -> lab name, from the control plane's member list.
std::map<std::string, std::string> NamesById(ScenarioContext& ctx) {
  std::map<std::string, std::string> out;
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::MemberListReply reply;
  if (ctx.stub()->MemberList(&call, v1::MemberListRequest(), &reply).ok())
    for (const auto& [name, id] : reply.ids()) out[id] = name;
  return out;
}

std::string NameOf(const std::map<std::string, std::string>& names, uint64_t id) {
  auto it = names.find(HexId(id));
  return it == names.end() ? HexId(id) : it->second;
}

std::string NameSet(const std::map<std::string, std::string>& names, const std::vector<uint64_t>& ids) {
  std::vector<std::string> out;
  for (uint64_t id : ids) out.push_back(NameOf(names, id));
  std::sort(out.begin(), out.end());
  return "{" + JoinNames(out) + "}";
}

// ---- /metrics (client URL), labelled series summed

std::map<std::string, double> Metrics(const std::string& member, const std::vector<std::string>& names) {
  Result<HttpReply> r = HttpGet(cluster::MemberIp(member), cluster::kClientPort, "/metrics", 3000);
  if (!r.ok() || r->status != 200) return {};
  return evidence::ParseMetrics(r->body, names);
}

std::string Num(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// ---- bulk writes straight to one member's client URL

struct BulkResult {
  int ok = 0, failed = 0;
  double seconds = 0;
  std::string first_error;
};

BulkResult BulkWrite(const std::string& member, int count, int first_seq) {
  std::atomic<int> next{0}, ok{0}, failed{0};
  std::mutex mu;
  std::string first_error;
  const int64_t t0 = MonoNowNs();
  std::vector<std::thread> threads;
  for (int c = 0; c < kBulkClients; ++c) {
    threads.emplace_back([&] {
      driver::EtcdClient client(cluster::ClientEndpoint(member), driver::Millis(5000));
      char key[48];
      for (int i = next++; i < count; i = next++) {
        snprintf(key, sizeof key, "snapshot/bulk/%06d", first_seq + i);
        Result<driver::PutResult> p = client.Put(key, "v" + std::to_string(first_seq + i));
        if (p.ok()) {
          ++ok;
        } else {
          ++failed;
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.empty()) first_error = p.status().message();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return BulkResult{ok, failed, static_cast<double>(MonoNowNs() - t0) / 1e9, first_error};
}

// ---- snapshot files

std::string DescribeSnap(const evidence::SnapFile& f, const std::map<std::string, std::string>& names,
                         bool with_ids = false) {
  std::string ids;
  if (with_ids)
    for (uint64_t id : f.voters) ids += (ids.empty() ? " (ids " : ", ") + HexId(id);
  if (!ids.empty()) ids += ")";
  return f.name + ": index " + std::to_string(f.index) + " term " + std::to_string(f.term) + ", ConfState voters " +
         NameSet(names, f.voters) + ids + " learners " + NameSet(names, f.learners) + (f.crc_ok ? "" : " (crc mismatch)");
}

Result<std::vector<evidence::SnapFile>> SnapsOf(ScenarioContext& ctx, const std::string& member) {
  Result<v1::MemberInfoReply> info = Info(ctx, member);
  if (!info.ok()) return info.status();
  return evidence::ReadSnapDir(info->data_dir() + "/member/snap");
}

// Waits until `member` applied what the leader committed and follows it.
Result<int64_t> AwaitCaughtUp(ScenarioContext& ctx, const std::string& member, int deadline_ms,
                              const std::function<void(const v1::StatusReply&)>& watch = nullptr) {
  int64_t ms = 0;
  Result<v1::StatusReply> st = ctx.AwaitStatus(member + " to apply the leader's commit", deadline_ms,
      [&](const v1::StatusReply& s, std::string* d) {
        if (watch) watch(s);
        const v1::MemberStatus* m = FindMember(s, member);
        std::vector<std::string> leaders = Leaders(s);
        const v1::MemberStatus* l = leaders.size() == 1 ? FindMember(s, leaders.front()) : nullptr;
        if (m == nullptr || l == nullptr) return false;
        *d = member + " " + m->role() + " applied " + std::to_string(m->applied()) + ", leader " + l->name() +
             " commit " + std::to_string(l->commit());
        return m->leader() == l->name() && m->applied() >= l->commit();
      }, 50, &ms);
  if (!st.ok()) return st.status();
  return ms;
}

}  // namespace

raftlab::Status RunSnapshot(ScenarioContext& ctx) {
  const uint64_t count = ctx.lab().snapshot_count > 0 ? static_cast<uint64_t>(ctx.lab().snapshot_count) : 100000;
  ctx.Section("Three members, --snapshot-count " + std::to_string(count));
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  std::vector<std::string> original;
  for (const auto& m : st->members()) original.push_back(m.name());
  ctx.Record("leader " + AgreedLeader(*st)->name + " in term " + std::to_string(AgreedLeader(*st)->term) +
             "; etcd snapshots every " + std::to_string(count + 1) + " applied entries and keeps " +
             std::to_string(kCatchUpEntries) + " entries behind each snapshot for slow followers");
  if (const v1::MemberStatus* l = FindMember(*st, AgreedLeader(*st)->name))
    ctx.Record("the leader's log ends at " + std::to_string(l->last_index()) + ", below the first snapshot at " +
               std::to_string(count + 1) + ": a member added now catches up by appends");

  ctx.Section("Grow 3 -> 4: n4 joins as a learner, catches up, is promoted");
  const std::string added = "n" + std::to_string(original.size() + 1);
  Result<driver::MembershipStep> before = ctx.Members();
  if (!before.ok()) return before.status();
  RL_RETURN_IF_ERROR(ctx.MemberChange("add", added, true, 60000));
  if (Result<int64_t> c = AwaitCaughtUp(ctx, added, 60000); !c.ok()) return c.status();
  RL_RETURN_IF_ERROR(ctx.MemberChange("promote", added, false, 60000));
  Result<driver::MembershipStep> grown = ctx.Members();
  if (!grown.ok()) return grown.status();
  ctx.Quote(driver::DescribeMembershipStep(&*before, *grown));
  ctx.Expect(grown->voters.size() == original.size() + 1 && grown->learners.empty(),
             "voters {" + JoinNames(grown->voters) + "}, no learner: the configuration a snapshot must now carry");
  const std::map<std::string, std::string> names = NamesById(ctx);

  ctx.Section("Take a follower away (SIGKILL)");
  st = ctx.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  const LeaderView leader = *AgreedLeader(*st);
  std::string follower;
  for (const auto& name : original)
    if (name != leader.name && follower.empty()) follower = name;
  if (Result<int64_t> c = AwaitCaughtUp(ctx, follower, 30000); !c.ok()) return c.status();
  const v1::MemberStatus* fstatus = FindMember(*st, follower);
  const std::string follower_id = fstatus ? fstatus->id() : "";
  Result<std::vector<evidence::SnapFile>> snaps_before = SnapsOf(ctx, follower);
  v1::FaultRequest kill;
  kill.set_kind("kill");
  kill.set_target(follower);
  kill.set_signal(9);
  Result<v1::FaultInfo> killed = ctx.Fault(kill);
  if (!killed.ok()) return killed.status();
  Result<evidence::RaftLog> wal_before = ctx.CaptureWal(follower);
  if (!wal_before.ok()) return wal_before.status();
  if (wal_before->entries.empty()) return Internal(follower + "'s WAL holds no entry");
  const uint64_t last_before = wal_before->entries.back().index;
  ctx.Record(follower + " (id " + follower_id + ") killed; its own WAL ends at index " + std::to_string(last_before) +
             " (term " + std::to_string(wal_before->entries.back().term) + ", commit " +
             std::to_string(wal_before->LastCommit()) + "), so its next index at the leader is " +
             std::to_string(last_before + 1));
  if (snaps_before.ok() && !snaps_before->empty())
    ctx.Record(follower + "'s newest .snap before the fault: " + DescribeSnap(snaps_before->back(), names));
  ctx.facts()["follower"] = follower;
  ctx.facts()["follower_last_index_before"] = last_before;

  ctx.Section("Write through " + leader.name + " until its log is compacted past " + follower + "'s next index");
  Result<LogMark> leader_log_mark = MarkMemberLog(ctx, leader.name);
  if (!leader_log_mark.ok()) return leader_log_mark.status();
  LoadOptions lo;
  lo.clients = 2;
  lo.via = {leader.name};
  lo.read_fraction = 0;
  lo.keys = 4;
  lo.key_prefix = "snapshot/sample-";
  lo.max_ops = 4000;
  lo.max_ms = 300000;
  lo.timeout_ms = 3000;
  lo.think_ms = 20;
  lo.seed = ctx.seed();
  LoadGenerator sample(ctx.stub(), lo);
  sample.Start();
  ctx.Record("journaled sample: " + std::to_string(lo.clients) + " clients put " + std::to_string(lo.keys) +
             " keys `" + lo.key_prefix + "*` through " + leader.name + " (raftlabd journals each op); bulk: " +
             std::to_string(kBulkClients) + " clients put straight to " + cluster::ClientEndpoint(leader.name));
  // The leader compacts to S - 5000 at a snapshot S; it must reach beyond last_before. The
  // compaction runs after the snapshot, asynchronously, so each round waits a moment for its line.
  uint64_t compact_index = 0, leader_last = 0;
  int written = 0, failed = 0;
  double write_s = 0;
  std::string first_error;
  auto newest_compaction = [&] {
    for (const LogLine& line : LinesSince(*leader_log_mark, "compacted Raft logs", MsgMatch::kExact))
      compact_index = std::max(compact_index, line.U64("compact-index"));
    return compact_index;
  };
  for (int round = 0; compact_index <= last_before && written < kMaxBulkWrites; ++round) {
    Result<v1::StatusReply> now = ctx.Status();
    if (!now.ok()) return now.status();
    const v1::MemberStatus* l = FindMember(*now, leader.name);
    leader_last = l ? l->last_index() : 0;
    const uint64_t want = last_before + kCatchUpEntries + count + 2;
    const int batch = leader_last < want ? static_cast<int>(want - leader_last) : static_cast<int>(count) + 1;
    BulkResult b = BulkWrite(leader.name, batch, written);
    written += b.ok;
    failed += b.failed;
    write_s += b.seconds;
    if (first_error.empty()) first_error = b.first_error;
    (void)ctx.Await(leader.name + "'s compaction past " + std::to_string(last_before), 3000,
                    [&](std::string* d) {
                      *d = "newest compaction point " + std::to_string(newest_compaction());
                      return compact_index > last_before;
                    });
    ctx.Record("round " + std::to_string(round + 1) + ": " + std::to_string(b.ok) + " puts in " +
               std::to_string(static_cast<int>(b.seconds * 1000)) + " ms (" + std::to_string(b.failed) +
               " failed); " + leader.name + "'s newest compaction point " + std::to_string(compact_index));
    if (compact_index > last_before) break;
    // A snapshot send in flight (to any member) keeps compaction off until 30 s after it ends.
    const size_t sends = LinesSince(*leader_log_mark, "sending merged snapshot", MsgMatch::kExact).size();
    if (sends > LinesSince(*leader_log_mark, "sent merged snapshot", MsgMatch::kExact).size()) {
      ctx.Record(leader.name + " skips compaction while a snapshot it sent is held in flight (etcd releases it "
                 "30 s after the send); waiting for its \"sent merged snapshot\" line");
      Result<int64_t> released = ctx.Await(leader.name + "'s snapshot send to be released", 60000,
          [&](std::string* d) {
            const size_t done = LinesSince(*leader_log_mark, "sent merged snapshot", MsgMatch::kExact).size();
            *d = std::to_string(done) + " of " + std::to_string(sends) + " released";
            return done >= sends;
          }, 500);
      if (!released.ok()) return released.status();
    }
  }
  LoadStats sampled = sample.Stop();
  ctx.Record("journaled sample: " + sampled.Summary());
  ctx.Expect(failed == 0, std::to_string(written) + " bulk puts acknowledged in " +
                              std::to_string(static_cast<int>(write_s)) + " s (" +
                              std::to_string(static_cast<int>(written / std::max(write_s, 0.001))) + "/s), " +
                              std::to_string(failed) + " failed" + (first_error.empty() ? "" : " (" + first_error + ")"));

  // The leader's own state: its .snap files, its compaction line, its progress for the follower.
  Result<std::vector<evidence::SnapFile>> lsnaps = SnapsOf(ctx, leader.name);
  if (!lsnaps.ok()) return lsnaps.status();
  std::vector<LogLine> compactions = LinesSince(*leader_log_mark, "compacted Raft logs", MsgMatch::kExact);
  // etcd purges .snap files beyond --max-snapshots (5) only every 30 s: quote the newest few.
  std::string proof = leader.name + " holds " + std::to_string(lsnaps->size()) + " .snap files; the newest:\n";
  for (size_t i = lsnaps->size() > 3 ? lsnaps->size() - 3 : 0; i < lsnaps->size(); ++i)
    proof += leader.name + " " + DescribeSnap((*lsnaps)[i], names) + "\n";
  for (size_t i = compactions.size() > 3 ? compactions.size() - 3 : 0; i < compactions.size(); ++i)
    proof += QuoteLine(leader.name, compactions[i], {"compact-index"}) + "\n";
  st = ctx.Status();
  if (!st.ok()) return st.status();
  const v1::MemberStatus* lnow = FindMember(*st, leader.name);
  if (lnow != nullptr) {
    for (const auto& p : lnow->progress())
      if (p.peer() == follower)
        proof += leader.name + "'s progress for " + follower + ": match " + std::to_string(p.match()) + ", next " +
                 std::to_string(p.next()) + ", " + p.state() + "; " + leader.name + " commit " +
                 std::to_string(lnow->commit()) + ", last index " + std::to_string(lnow->last_index()) + "\n";
  }
  ctx.Quote(proof);
  const uint64_t leader_snap = lsnaps->empty() ? 0 : lsnaps->back().index;
  ctx.Expect(compact_index > last_before && leader_snap >= compact_index + kCatchUpEntries,
             leader.name + " compacted its log to " + std::to_string(compact_index) + " (its newest .snap at " +
                 std::to_string(leader_snap) + " minus " + std::to_string(kCatchUpEntries) +
                 "): its first retained index " + std::to_string(compact_index + 1) + " is past " + follower +
                 "'s next index " + std::to_string(last_before + 1) + ", so only a snapshot can bring it back");
  ctx.Expect(lnow != nullptr && lnow->role() == "leader" && lnow->term() == leader.term,
             leader.name + " still leads in term " + std::to_string(leader.term));
  ctx.facts()["leader_compact_index"] = compact_index;
  ctx.facts()["leader_snap_index"] = leader_snap;
  ctx.facts()["bulk_writes"] = written;
  if (compact_index <= last_before) return Internal("the leader never compacted past the follower");

  ctx.Section("Heal: " + follower + " restarts; " + leader.name + " sends it a snapshot");
  const std::vector<std::string> send_metrics = {"etcd_network_snapshot_send_success",
                                                 "etcd_network_snapshot_send_failures",
                                                 "etcd_network_snapshot_send_inflights_total"};
  std::map<std::string, double> sent0 = Metrics(leader.name, send_metrics);
  Result<LogMark> follower_log_mark = MarkMemberLog(ctx, follower);
  if (!follower_log_mark.ok()) return follower_log_mark.status();
  Result<LogMark> leader_heal_mark = MarkMemberLog(ctx, leader.name);
  if (!leader_heal_mark.ok()) return leader_heal_mark.status();
  bool seen_snapshot_state = false;
  const int64_t heal_t0 = MonoNowNs();
  if (Result<v1::FaultList> h = ctx.Heal(killed->id()); !h.ok()) return h.status();
  Result<int64_t> waited = AwaitCaughtUp(ctx, follower, 120000, [&](const v1::StatusReply& s) {
    if (const v1::MemberStatus* l = FindMember(s, leader.name))
      for (const auto& p : l->progress())
        if (p.peer() == follower && p.state() == "StateSnapshot") seen_snapshot_state = true;
  });
  if (!waited.ok()) return waited.status();
  const int64_t catch_up_ms = (MonoNowNs() - heal_t0) / 1'000'000;
  ctx.Record(follower + " applied " + leader.name + "'s commit " + std::to_string(catch_up_ms) +
             " ms after the heal began (restart included)" +
             (seen_snapshot_state ? "; the leader's progress for it was seen in StateSnapshot" : ""));
  ctx.facts()["catch_up_ms"] = catch_up_ms;

  // The sender: its metric and its log lines.
  std::map<std::string, double> sent1 = Metrics(leader.name, send_metrics);
  const double sent = sent1["etcd_network_snapshot_send_success"] - sent0["etcd_network_snapshot_send_success"];
  const double send_failed = sent1["etcd_network_snapshot_send_failures"] - sent0["etcd_network_snapshot_send_failures"];
  auto leader_lines = [&](const std::string& msg) { return LinesSince(*leader_heal_mark, msg, MsgMatch::kExact); };
  std::vector<LogLine> sending = leader_lines("sending database snapshot");
  std::vector<LogLine> sent_lines = leader_lines("sent database snapshot");
  std::vector<LogLine> merged = leader_lines("sending merged snapshot");
  // The receiver: its metrics (since its restart) and its log lines.
  std::map<std::string, double> recv = Metrics(follower, {"etcd_network_snapshot_receive_success",
                                                          "etcd_network_snapshot_receive_failures",
                                                          "etcd_server_snapshot_apply_in_progress_total"});
  const double received = recv["etcd_network_snapshot_receive_success"];
  auto follower_lines = [&](const std::string& msg, MsgMatch match = MsgMatch::kExact) {
    return LinesSince(*follower_log_mark, msg, match);
  };
  std::vector<LogLine> receiving = follower_lines("receiving database snapshot");
  std::vector<LogLine> saved = follower_lines("received and saved database snapshot");
  std::vector<LogLine> applying = follower_lines("applying snapshot");
  std::vector<LogLine> applied = follower_lines("applied snapshot");
  std::vector<LogLine> restored = follower_lines("restored snapshot", MsgMatch::kContains);
  std::vector<LogLine> switched = follower_lines("switched to configuration", MsgMatch::kContains);
  std::string lines;
  auto quote = [&](const std::string& who, const std::vector<LogLine>& v, const std::vector<std::string>& fields) {
    for (const LogLine& l : v) lines += QuoteLine(who, l, fields) + "\n";
  };
  quote(leader.name, merged, {"to", "size"});
  quote(leader.name, sending, {"snapshot-index", "remote-peer-id", "size"});
  quote(leader.name, sent_lines, {"snapshot-index", "remote-peer-id", "size"});
  quote(follower, receiving, {"incoming-snapshot-index", "remote-snapshot-sender-id"});
  quote(follower, saved, {"incoming-snapshot-index", "incoming-snapshot-size"});
  quote(follower, restored, {});
  if (!switched.empty()) quote(follower, {switched.back()}, {});
  quote(follower, applying, {"current-applied-index", "incoming-leader-snapshot-index", "incoming-leader-snapshot-term"});
  quote(follower, applied, {"current-applied-index", "incoming-leader-snapshot-index"});
  ctx.Quote(lines);
  uint64_t sent_index = 0;
  bool sent_to_follower = false;
  for (const LogLine& l : sent_lines)
    if (l.Str("remote-peer-id") == follower_id) {
      sent_to_follower = true;
      sent_index = l.U64("snapshot-index");
    }
  uint64_t applied_index = 0;
  for (const LogLine& l : applied) applied_index = l.U64("incoming-leader-snapshot-index");
  ctx.Expect(sent >= 1 && sent_to_follower && !sending.empty(),
             leader.name + " sent " + Num(sent) + " snapshot(s) (etcd_network_snapshot_send_success +" + Num(sent) +
                 ", failures +" + Num(send_failed) + "); its log: \"sending database snapshot\" x" +
                 std::to_string(sending.size()) + ", \"sent database snapshot\" to " + follower + " at index " +
                 std::to_string(sent_index));
  ctx.Expect(received >= 1 && !receiving.empty() && !saved.empty(),
             follower + " received " + Num(received) + " snapshot(s) (etcd_network_snapshot_receive_success " +
                 Num(received) + " since its restart, failures " + Num(recv["etcd_network_snapshot_receive_failures"]) +
                 "); its log: \"receiving database snapshot\" x" + std::to_string(receiving.size()) +
                 ", \"received and saved database snapshot\" x" + std::to_string(saved.size()));
  ctx.Expect(!applying.empty() && applied_index == sent_index && applied_index > last_before,
             follower + " applied the snapshot at index " + std::to_string(applied_index) + " (\"applying snapshot\", " +
                 "\"applied snapshot\"; etcd_server_snapshot_apply_in_progress_total back to " +
                 Num(recv["etcd_server_snapshot_apply_in_progress_total"]) + ")");
  ctx.facts()["snapshots_sent"] = static_cast<int64_t>(sent);
  ctx.facts()["snapshots_received"] = static_cast<int64_t>(received);

  ctx.Section(follower + "'s WAL jumps to the snapshot; its .snap carries the 4 voters");
  Result<evidence::RaftLog> wal_after = ctx.CaptureWal(follower);
  if (!wal_after.ok()) return wal_after.status();
  std::optional<evidence::SnapshotMark> jump;
  for (const auto& m : wal_after->snapshots)
    if (m.log_jump) jump = m;
  std::string marks;
  for (const auto& m : wal_after->snapshots)
    marks += "snapshot record index " + std::to_string(m.index) + " term " + std::to_string(m.term) +
             (m.log_jump ? "  <- above the last entry: an installed snapshot, the log restarts here" : "") + "\n";
  marks += "log now " + std::to_string(wal_after->first_index) + ".." +
           std::to_string(wal_after->entries.empty() ? 0 : wal_after->entries.back().index) + ", commit " +
           std::to_string(wal_after->LastCommit());
  ctx.Quote(marks);
  const uint64_t snapshot_index = jump ? jump->index : 0;
  ctx.Expect(jump.has_value() && snapshot_index > last_before && snapshot_index == sent_index &&
                 wal_after->first_index == snapshot_index + 1,
             follower + "'s WAL: a snapshot record at index " + std::to_string(snapshot_index) + " above its last entry " +
                 std::to_string(last_before) + " before the fault (the one " + leader.name + " sent), its log restarting at " +
                 std::to_string(wal_after->first_index));
  ctx.facts()["snapshot_index"] = snapshot_index;

  Result<std::vector<evidence::SnapFile>> fsnaps = SnapsOf(ctx, follower);
  if (!fsnaps.ok()) return fsnaps.status();
  const evidence::SnapFile* installed = nullptr;
  for (const auto& f : *fsnaps)
    if (f.index == snapshot_index) installed = &f;
  std::string conf;
  if (snaps_before.ok() && !snaps_before->empty())
    conf += "before the fault: " + follower + " " + DescribeSnap(snaps_before->back(), names, true) + "\n";
  for (const auto& f : *fsnaps)
    conf += (&f == installed ? "installed:        " : "also:             ") + follower + " " +
            DescribeSnap(f, names, true) + "\n";
  ctx.Quote(conf);
  std::set<std::string> want(grown->voters.begin(), grown->voters.end());
  std::set<std::string> got;
  if (installed != nullptr)
    for (uint64_t id : installed->voters) got.insert(NameOf(names, id));
  ctx.Expect(installed != nullptr && installed->crc_ok && got == want && installed->learners.empty(),
             follower + "'s .snap at the installed index " + std::to_string(snapshot_index) + ": ConfState voters " +
                 (installed ? NameSet(names, installed->voters) : std::string("(no such file)")) + " = the " +
                 std::to_string(want.size()) + " voters in force" +
                 (snaps_before.ok() && !snaps_before->empty()
                      ? " (its .snap before the fault listed " + std::to_string(snaps_before->back().voters.size()) + ")"
                      : std::string()));
  ctx.facts()["snap_confstate_voters"] = installed ? installed->voters.size() : 0;
  if (installed != nullptr) ctx.facts()["snap_confstate"] = DescribeSnap(*installed, names);

  ctx.Section(follower + " serves again; every member holds the same store");
  Result<v1::PutReply> via = ctx.Put("snapshot/after", "written-through-" + follower, follower, 5000);
  ctx.Expect(via.ok(), "a put through " + follower + " commits after its snapshot install");
  if (Result<int64_t> c = AwaitCaughtUp(ctx, follower, 30000); !c.ok()) return c.status();
  st = ctx.AwaitStatus("every member to apply the same index", 30000,
      [](const v1::StatusReply& s, std::string* d) {
        std::set<uint64_t> a;
        for (const auto& m : s.members()) a.insert(m.applied());
        *d = std::to_string(a.size()) + " distinct applied indexes";
        return a.size() == 1 && AgreedLeader(s).has_value();
      });
  if (!st.ok()) return st.status();
  const int64_t rev = via.ok() ? via->revision() : 0;
  Result<v1::HashKvReply> hashes = ctx.HashKv(rev);
  if (!hashes.ok()) return hashes.status();
  std::set<uint32_t> distinct;
  std::string each;
  int answered = 0;
  for (const auto& h : hashes->hashes()) {
    each += " " + h.member() + (h.error().empty() ? "=" + std::to_string(h.hash()) : " error: " + h.error());
    if (h.error().empty()) {
      distinct.insert(h.hash());
      ++answered;
    }
  }
  ctx.Expect(answered == static_cast<int>(want.size()) && distinct.size() == 1,
             "HashKV at revision " + std::to_string(rev) + " equal on " + std::to_string(answered) + " members:" + each);
  return raftlab::Status::Ok();
}

}  // namespace raftlab::scenarios
