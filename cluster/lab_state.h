// LabStateFile: lab.json, the lab's state as a successor raftlabd needs it after a crash:
// the members, where each ran (its agent's address and root directory, its data dir), the
// journal, the etcd flags and the active faults (saved by the chaos layer). The Lab rewrites it
// whole after every change, atomically (temp file + rename), and removes it after Down.
//
// Writers take a version number when they snapshot the state (under the Lab's mutex) and
// write after releasing it; a snapshot older than the one already written is dropped, so the
// file never goes back in time. Thread-safe: writes are serialised by the file's own mutex
// (held only while writing lab.json, never while the Lab's state is locked).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/json_util.h"

namespace raftlab::cluster {

class LabStateFile {
 public:
  explicit LabStateFile(std::string path) : path_(std::move(path)) {}

  // Writes `doc` unless a snapshot with a higher version was written already.
  void Write(uint64_t version, const Json& doc);
  // Removes the file; later writes of versions up to `version` are dropped.
  void Remove(uint64_t version);
  // Replaces "faults" in the file as it is (a crashed lab's state, not the live one's).
  void UpdateFaults(const Json& faults);
  // The file as last written; null Json when absent or unreadable.
  static Json Read(const std::string& path);

 private:
  const std::string path_;
  std::mutex mu_;
  uint64_t written_ = 0;
};

// From a persisted state: member name -> the address of the agent it ran on ("" for the
// local agent), for every member the state lists.
std::map<std::string, std::string> PersistedAgents(const Json& state);
// The agents' token of a persisted state (read from its token_file); "" when it has none.
std::string PersistedToken(const Json& state);

}  // namespace raftlab::cluster
