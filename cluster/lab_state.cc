// lab.json: LabStateFile, and the Lab's calls that snapshot, save and read its state.
#include "cluster/lab_state.h"

#include <unistd.h>

#include <cstdio>

#include "cluster/agent_token.h"
#include "cluster/lab.h"
#include "common/hex_id.h"

namespace raftlab::cluster {

void LabStateFile::Write(uint64_t version, const Json& doc) {
  std::lock_guard<std::mutex> lock(mu_);
  if (version <= written_) return;
  written_ = version;
  (void)WriteJsonFileAtomic(path_, doc);
}

void LabStateFile::Remove(uint64_t version) {
  std::lock_guard<std::mutex> lock(mu_);
  written_ = std::max(written_, version);
  std::remove(path_.c_str());
}

void LabStateFile::UpdateFaults(const Json& faults) {
  std::lock_guard<std::mutex> lock(mu_);
  Json doc = Read(path_);
  if (!doc.is_object()) return;
  doc["faults"] = faults;
  (void)WriteJsonFileAtomic(path_, doc);
}

Json LabStateFile::Read(const std::string& path) {
  Result<Json> doc = ReadJsonFile(path);
  return doc.ok() ? *doc : Json();
}

std::map<std::string, std::string> PersistedAgents(const Json& state) {
  std::map<std::string, std::string> out;
  if (!state.is_object() || !state.contains("members") || !state["members"].is_array()) return out;
  for (const auto& m : state["members"]) {
    if (!m.is_object() || !m.contains("name") || !m["name"].is_string()) continue;
    out[m["name"].get<std::string>()] = m.value("agent", "");
  }
  return out;
}

std::string PersistedToken(const Json& state) {
  if (!state.is_object() || !state.contains("token_file") || !state["token_file"].is_string()) return "";
  Result<std::string> token = ReadTokenFile(state["token_file"].get<std::string>());
  return token.ok() ? *token : "";
}

Lab::PendingState Lab::SnapshotStateLocked() {
  PublishMemberNamesLocked();   // every change of members_ is saved, so the sampler sees it too
  Json doc = {{"state_dir", paths_.state_dir}, {"daemon_pid", getpid()}, {"up", up_}, {"members", Json::array()}};
  if (session_) doc["journal"] = session_->journal->path();
  doc["flags"] = {{"heartbeat_ms", options_.flags.heartbeat_ms}, {"election_ms", options_.flags.election_ms},
                  {"pre_vote", options_.flags.pre_vote}, {"snapshot_count", options_.flags.snapshot_count}};
  if (!options_.token_file.empty()) doc["token_file"] = options_.token_file;
  for (const auto& [name, m] : members_)
    doc["members"].push_back({{"name", name}, {"id", HexId(m.id)}, {"process", m.process.id},
                              {"running", m.running}, {"address", m.address}, {"agent", m.agent_address},
                              {"agent_root", m.layout.root}, {"member_dir", m.layout.Dir()},
                              {"data_dir", m.spec.data_dir}});
  doc["faults"] = faults_;
  return {++state_version_, std::move(doc)};
}

void Lab::SaveState(const PendingState& state) { state_file_.Write(state.version, state.doc); }

void Lab::SaveFaults(const Json& faults) {
  PendingState state;
  bool crashed_lab = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    crashed_lab = !up_ && members_.empty();
    if (!crashed_lab) {
      faults_ = faults;
      state = SnapshotStateLocked();
    }
  }
  // Reverting a crashed lab's faults: its lab.json still names its agents for the next Up's
  // sweep, so only the faults change.
  if (crashed_lab) state_file_.UpdateFaults(faults);
  else SaveState(state);
}

Json Lab::ReadPersistedLabState(const LabPaths& paths) { return LabStateFile::Read(paths.StateFile()); }

}  // namespace raftlab::cluster
