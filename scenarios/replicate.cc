// replicate: a write through every member reaches every member, the same way.
//
//   1. one put through each member (a follower forwards it to the leader);
//   2. every key read back from every member (serializable: each member's own state) with the
//      same value and the same mod revision;
//   3. HashKV of every member at one revision: equal hashes;
//   4. the committed prefixes of all decoded WALs are identical entry by entry (and the
//      log_matching checker agrees).
#include <map>
#include <set>

#include "scenarios/scenario.h"

namespace raftlab::scenarios {

raftlab::Status RunReplicate(ScenarioContext& ctx) {
  ctx.Section("The lab has one leader");
  int64_t ms = 0;
  Result<v1::StatusReply> st = ctx.AwaitAgreedLeader(30000, &ms);
  if (!st.ok()) return st.status();
  std::vector<std::string> members;
  for (const auto& m : st->members()) members.push_back(m.name());
  LeaderView leader = *AgreedLeader(*st);
  ctx.Record("members " + JoinNames(members) + "; leader " + leader.name + " in term " + std::to_string(leader.term));

  ctx.Section("A write through every member");
  const std::string run_tag = std::to_string(ctx.seed()) + "-" + std::to_string(ctx.rng()() % 100000);
  std::map<std::string, std::pair<std::string, int64_t>> written;   // key -> value, revision
  int64_t last_revision = 0;
  for (const auto& via : members) {
    std::string key = "replicate/via-" + via;
    std::string value = "v-" + run_tag + "-" + via;
    Result<v1::PutReply> put = ctx.Put(key, value, via, 5000);
    ctx.Expect(put.ok(), "put through " + via + (put.ok() ? " acknowledged at revision " + std::to_string(put->revision())
                                                        : " failed: " + put.status().message()));
    if (put.ok()) {
      written[key] = {value, put->revision()};
      last_revision = std::max(last_revision, put->revision());
    }
  }
  if (written.empty()) return Internal("no write was acknowledged");

  ctx.Section("Every member holds every write, at the same revision");
  // Followers apply shortly after the leader acknowledges: wait until every member applied all.
  Result<int64_t> applied = ctx.Await("every member to apply revision " + std::to_string(last_revision), 20000,
      [&](std::string* d) {
        for (const auto& m : members) {
          Result<v1::GetReply> g = ctx.Get(written.rbegin()->first, m, true, 2000, 1, true);
          if (!g.ok() || g->revision() < last_revision) {
            *d = m + (g.ok() ? " at revision " + std::to_string(g->revision()) : ": " + g.status().message());
            return false;
          }
        }
        return true;
      });
  if (!applied.ok()) return applied.status();
  for (const auto& [key, vr] : written) {
    std::set<std::string> values;
    std::set<int64_t> mods;
    std::string seen;
    for (const auto& m : members) {
      Result<v1::GetReply> g = ctx.Get(key, m, true, 3000);
      if (!g.ok() || !g->found()) {
        values.insert("<missing on " + m + ">");
        continue;
      }
      values.insert(g->value());
      mods.insert(g->mod_revision());
    }
    ctx.Expect(values.size() == 1 && *values.begin() == vr.first && mods.size() == 1 && *mods.begin() == vr.second,
               "`" + key + "` = `" + vr.first + "` with mod revision " + std::to_string(vr.second) + " on all " +
                   std::to_string(members.size()) + " members (distinct values seen: " +
                   std::to_string(values.size()) + ", distinct mod revisions: " + std::to_string(mods.size()) + ")");
  }

  ctx.Section("HashKV at one revision");
  Result<v1::HashKvReply> hashes = ctx.HashKv(last_revision);
  if (!hashes.ok()) return hashes.status();
  std::set<uint32_t> distinct;
  std::string table;
  for (const auto& h : hashes->hashes()) {
    table += h.member() + "  revision " + std::to_string(h.revision()) + "  hash " + std::to_string(h.hash()) +
             (h.error().empty() ? "" : "  error: " + h.error()) + "\n";
    if (h.error().empty()) distinct.insert(h.hash());
  }
  ctx.Quote(table);
  ctx.Expect(hashes->hashes_size() == static_cast<int>(members.size()) && distinct.size() == 1,
             "HashKV at revision " + std::to_string(last_revision) + " equal on " +
                 std::to_string(hashes->hashes_size()) + " members: " + std::to_string(distinct.size()) + " distinct hash(es)");
  ctx.facts()["hashkv_revision"] = last_revision;

  ctx.Section("Committed WAL prefixes are identical");
  // The followers learn the last commit index with the next heartbeat: wait until every
  // member's reported commit matches the leader's.
  Result<v1::StatusReply> settled = ctx.AwaitStatus("every member's commit index to match the leader's", 20000,
      [](const v1::StatusReply& s, std::string* d) {
        std::set<uint64_t> commits, applieds;
        for (const auto& m : s.members()) commits.insert(m.commit()), applieds.insert(m.applied());
        *d = std::to_string(commits.size()) + " distinct commit indexes";
        return commits.size() == 1 && applieds.size() == 1;
      });
  if (!settled.ok()) return settled.status();
  std::map<std::string, evidence::RaftLog> logs;
  for (const auto& m : members) {
    Result<evidence::RaftLog> log = ctx.CaptureWal(m);
    if (!log.ok()) return log.status();
    logs[m] = *log;
  }
  uint64_t common = UINT64_MAX;
  for (const auto& [m, log] : logs) common = std::min(common, log.LastCommit());
  std::string lines;
  for (const auto& [m, log] : logs)
    lines += m + ": entries " + std::to_string(log.entries.empty() ? 0 : log.entries.front().index) + ".." +
             std::to_string(log.entries.empty() ? 0 : log.entries.back().index) + ", WAL commit " +
             std::to_string(log.LastCommit()) + "\n";
  const evidence::RaftLog& first = logs.begin()->second;
  uint64_t differing = 0, compared = 0;
  std::string first_difference;
  for (uint64_t i = 1; i <= common; ++i) {
    const evidence::LogEntry* a = first.At(i);
    for (const auto& [m, log] : logs) {
      const evidence::LogEntry* b = log.At(i);
      ++compared;
      bool same = a != nullptr && b != nullptr && a->term == b->term && a->data_crc == b->data_crc &&
                  a->type == b->type;
      if (!same) {
        ++differing;
        if (first_difference.empty()) first_difference = "index " + std::to_string(i) + " differs on " + m;
      }
    }
  }
  ctx.Quote(lines);
  for (uint64_t i = common >= 3 ? common - 2 : 1; i <= common; ++i)
    if (const evidence::LogEntry* e = first.At(i))
      ctx.Record("entry " + std::to_string(i) + " term " + std::to_string(e->term) + " `" + e->request.summary +
                 "` (crc " + std::to_string(e->data_crc) + ") on every member");
  ctx.Expect(common > 0 && differing == 0,
             "committed prefix 1.." + std::to_string(common) + " identical on " + std::to_string(logs.size()) +
                 " members (index, term, type, payload CRC; " + std::to_string(compared) + " comparisons" +
                 (first_difference.empty() ? "" : "; " + first_difference) + ")");
  ctx.facts()["common_committed_prefix"] = common;
  return Status::Ok();
}

}  // namespace raftlab::scenarios
