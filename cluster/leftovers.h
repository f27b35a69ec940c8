// Leftovers: finds and removes everything a lab may have left on this machine, whether it
// was taken down cleanly or its control plane (or the machine) crashed: the lab's programs
// (etcd, raftlabd, raftlab-slowfs, raftlab-delayer, prometheus) whose command line names the
// state directory, FUSE mounts under it, the lab's namespaces
// (rl-br, rl-n1..rl-n9) and root-namespace links (rl-up, half-made rl-nX-m/-b veths).
// Only objects with the lab's exact names are touched.
#pragma once

#include <string>
#include <vector>

namespace raftlab::cluster {

struct Leftovers {
  std::vector<int> pids;            // processes, with their command lines in `descriptions`
  std::vector<std::string> mounts;
  std::vector<std::string> netns;
  std::vector<std::string> links;
  std::vector<std::string> descriptions;   // one readable line per item
  bool empty() const { return pids.empty() && mounts.empty() && netns.empty() && links.empty(); }
};

// Looks without changing anything. Never lists this process or its ancestors.
Leftovers FindLeftovers(const std::string& state_dir);

// Kills, unmounts and deletes what FindLeftovers lists; returns one line per item removed.
std::vector<std::string> RemoveLeftovers(const std::string& state_dir);

// Everything of a lab on this machine, as `down` ends it and a fresh `up` must start: what
// RemoveLeftovers removes, then the members' data directories (<state_dir>/members) and the
// persisted state (lab.json), so no earlier lab's data survives. Never the state dir itself,
// raftlabd's socket, lock or log. One line per item removed (the data dirs only when present).
std::vector<std::string> SweepLab(const std::string& state_dir);

// True when `name` is one of the namespaces or links the lab creates.
bool IsLabNetnsName(const std::string& name);
bool IsLabLinkName(const std::string& name);

}  // namespace raftlab::cluster
