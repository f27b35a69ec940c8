// Test-only: writes a Run back as journal.jsonl text and logs/<member>.wal.jsonl files in a
// fresh temporary directory, so the loader and `check run` can be tested on real files.
// Header-only; not linked into any binary.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "evidence/check_common.h"
#include "evidence/raft_log_json.h"
#include "evidence/run.h"

namespace raftlab::evidence::checktest {

inline std::string JournalFromRun(const Run& run) {
  using nlohmann::json;
  std::string out;
  auto line = [&](json j, const char* kind, int64_t mono_ns) {
    j["kind"] = kind;
    j["mono_ns"] = mono_ns;
    j["wall"] = "2024-06-11T10:00:00.000Z";
    out += j.dump() + "\n";
  };
  if (run.start_ns != 0) line({{"event", "start"}}, "session", run.start_ns);   // the run's start
  for (const MembershipRecord& m : run.memberships) {
    json ids = json::object();
    for (const auto& [id, name] : run.member_names) ids[name] = HexId(id);
    line({{"voters", m.voters}, {"learners", m.learners}, {"ids", ids}}, "membership", m.mono_ns);
  }
  for (const RaftSample& s : run.samples) {
    json progress = json::object();
    for (const auto& [id, p] : s.progress) {
      progress[HexId(id)] = {{"match", p.match}, {"next", p.next}, {"state", p.state}};
    }
    line({{"member", s.member}, {"ok", true}, {"id", HexId(s.id)}, {"term", s.term},
          {"vote", HexId(s.vote)}, {"commit", s.commit}, {"applied", s.applied},
          {"lead", HexId(s.lead)}, {"state", s.state}, {"progress", progress},
          {"metrics", {{"has_leader", 1}}}},
         "sample", s.mono_ns);
  }
  for (const ClientOp& op : run.ops) {
    line({{"op_id", op.op_id}, {"client", op.client}, {"phase", "invoke"}, {"f", op.f},
          {"key", op.key}, {"value", op.value}, {"via", op.via},
          {"serializable", op.serializable}},
         "op", op.invoke_ns);
  }
  for (const ClientOp& op : run.ops) {
    if (op.outcome == OpOutcome::kPending) continue;
    const char* phase = op.outcome == OpOutcome::kOk     ? "ok"
                        : op.outcome == OpOutcome::kFail ? "fail"
                                                         : "info";
    json j = {{"op_id", op.op_id}, {"phase", phase}, {"revision", op.revision}};
    if (op.f == "get") {
      j["value"] = op.value;
      j["found"] = op.found;
    }
    if (!op.error.empty()) j["error"] = op.error;
    line(j, "op", op.complete_ns);
  }
  for (const HashKvRecord& h : run.hashkvs) {
    line({{"member", h.member}, {"revision", h.revision}, {"hash", h.hash},
          {"compact_revision", h.compact_revision}},
         "hashkv", h.mono_ns);
  }
  return out;
}

// A fresh, empty directory under the system's temp dir; removed by the destructor.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("raftlab-chk-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  void Write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path p = path_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }

 private:
  std::filesystem::path path_;
};

// journal.jsonl and logs/ for `run` in `dir`.
inline void WriteRunDir(const TempDir& dir, const Run& run) {
  dir.Write("journal.jsonl", JournalFromRun(run));
  for (const auto& [member, log] : run.logs) {
    dir.Write("logs/" + member + ".wal.jsonl", RaftLogToJsonl(log));
  }
}

}  // namespace raftlab::evidence::checktest
