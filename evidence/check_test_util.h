// Test-only builders for the checker tests: samples, log entries and a small healthy run
// (three voters n1 n2 n3, n1 leading term 2, four committed entries, three acked puts) that
// each test bends into the bad case it wants. Header-only; not linked into any binary.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "evidence/run.h"

namespace raftlab::evidence::checktest {

inline constexpr uint64_t kN1 = 0x1a, kN2 = 0x2b, kN3 = 0x3c, kN4 = 0x4d, kN5 = 0x5e;

inline int64_t Ms(int64_t ms) { return 1'000'000'000 + ms * 1'000'000; }   // mono clock

inline RaftSample Sample(int64_t ms, const std::string& member, uint64_t id, uint64_t term,
                         const std::string& state, uint64_t commit, uint64_t lead,
                         std::map<uint64_t, uint64_t> match = {}) {
  RaftSample s;
  s.mono_ns = Ms(ms);
  s.member = member;
  s.id = id;
  s.term = term;
  s.vote = lead;
  s.commit = commit;
  s.applied = commit;
  s.lead = lead;
  s.state = state;
  for (const auto& [peer, m] : match) s.progress[peer] = {m, m + 1, "StateReplicate"};
  return s;
}

inline LogEntry Entry(uint64_t index, uint64_t term, const std::string& kind = "noop",
                      const std::string& key = "", const std::string& value = "") {
  LogEntry e;
  e.index = index;
  e.term = term;
  e.request.kind = kind;
  e.request.key = key;
  e.request.value = value;
  e.request.summary = kind == "put" ? "put " + key + "=" + value : kind;
  const std::string data = kind + "|" + key + "|" + value;
  e.data_size = kind == "noop" ? 0 : data.size();
  e.data_crc = kind == "noop" ? 0 : static_cast<uint32_t>(std::hash<std::string>()(data));
  return e;
}

inline RaftLog Log(std::vector<LogEntry> entries, std::vector<HardState> hard_states) {
  RaftLog log;
  log.first_index = entries.empty() ? 0 : entries.front().index;
  log.entries = std::move(entries);
  log.hard_states = std::move(hard_states);
  return log;
}

inline ClientOp Put(int64_t op_id, const std::string& key, const std::string& value,
                    int64_t invoke_ms, int64_t complete_ms, OpOutcome outcome = OpOutcome::kOk) {
  ClientOp op;
  op.op_id = op_id;
  op.f = "put";
  op.key = key;
  op.value = value;
  op.via = "n1";
  op.invoke_ns = Ms(invoke_ms);
  op.complete_ns = Ms(complete_ms);
  op.outcome = outcome;
  return op;
}

// A linearizable read of `key` that returned `value` (found).
inline ClientOp Get(int64_t op_id, const std::string& key, const std::string& value, int64_t invoke_ms,
                    int64_t complete_ms) {
  ClientOp op = Put(op_id, key, value, invoke_ms, complete_ms);
  op.f = "get";
  op.found = true;
  return op;
}

inline std::vector<LogEntry> GoodEntries() {
  return {Entry(1, 2), Entry(2, 2, "put", "a", "1"), Entry(3, 2, "put", "b", "2"),
          Entry(4, 2, "put", "a", "3")};
}

// A healthy run: every checker says ok on it.
inline Run GoodRun() {
  Run run;
  run.dir = "/tmp/good";
  run.member_names = {{kN1, "n1"}, {kN2, "n2"}, {kN3, "n3"}};
  MembershipRecord m;
  m.mono_ns = Ms(0);
  m.voters = {"n1", "n2", "n3"};
  run.memberships.push_back(m);
  const std::vector<std::map<uint64_t, uint64_t>> progress = {
      {{kN1, 1}, {kN2, 1}, {kN3, 1}}, {{kN1, 3}, {kN2, 3}, {kN3, 2}}, {{kN1, 4}, {kN2, 4}, {kN3, 3}}};
  const uint64_t commits[] = {1, 3, 4};
  for (int k = 0; k < 3; ++k) {
    run.samples.push_back(Sample(50 * k, "n1", kN1, 2, "StateLeader", commits[k], kN1, progress[k]));
    run.samples.push_back(Sample(50 * k + 5, "n2", kN2, 2, "StateFollower", commits[k], kN1));
    run.samples.push_back(Sample(50 * k + 10, "n3", kN3, 2, "StateFollower", commits[k], kN1));
  }
  run.logs["n1"] = Log(GoodEntries(), {{2, kN1, 1}, {2, kN1, 4}});
  run.logs["n2"] = Log(GoodEntries(), {{2, kN1, 1}, {2, kN1, 4}});
  run.logs["n3"] = Log(GoodEntries(), {{2, kN1, 1}, {2, kN1, 4}});
  run.ops = {Put(1, "a", "1", 20, 40), Put(2, "b", "2", 30, 45), Put(3, "a", "3", 60, 95),
             Get(4, "a", "3", 100, 110)};
  for (const char* member : {"n1", "n2", "n3"}) {
    run.hashkvs.push_back({Ms(200), member, 4, 12345, 0});
  }
  return run;
}

// True if some evidence line contains `needle`.
inline bool Mentions(const Verdict& v, const std::string& needle) {
  for (const std::string& line : v.evidence) {
    if (line.find(needle) != std::string::npos) return true;
  }
  return false;
}

inline std::string Dump(const Verdict& v) {
  std::string out = std::string(ValidityName(v.validity)) + "\n";
  for (const std::string& line : v.evidence) out += "  " + line + "\n";
  return out;
}

}  // namespace raftlab::evidence::checktest
