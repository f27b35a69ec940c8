// Topology: the lab's naming and address plan, as pure functions.
//
// Every kernel object the lab creates carries the prefix "rl-": member namespaces rl-n1..,
// the bridge namespace rl-br with bridge rl-br0, the root namespace's uplink rl-up. Members
// get addresses in 127.99.0.0/24 (loopback range, reachable over the lab's veths with
// route_localnet=1), so lab traffic never uses a private range. Ports are below 32768
// (etcd-3.4-facts §5: above it, a peer's self-connect can steal an unstarted member's port).
#pragma once

#include <string>

namespace raftlab::cluster {

inline constexpr char kPrefix[] = "rl-";
inline constexpr char kBridgeNetns[] = "rl-br";
inline constexpr char kBridge[] = "rl-br0";
inline constexpr char kUplink[] = "rl-up";        // root namespace side
inline constexpr char kUplinkPeer[] = "rl-up-b";  // bridge namespace side
inline constexpr char kUplinkIp[] = "127.99.0.1";
inline constexpr int kPrefixLen = 24;
inline constexpr int kClientPort = 2379;
inline constexpr int kPeerPort = 2380;
inline constexpr int kMaxMembers = 9;
inline constexpr char kMemberIface[] = "eth0";    // inside each member namespace
// iptables chain inside each member namespace, jumped to from INPUT and OUTPUT.
inline constexpr char kFaultChain[] = "RAFTLAB-FAULTS";

// "n3" -> 3; 0 when the name is not of the form n<1..kMaxMembers>.
int MemberOrdinal(const std::string& name);
std::string MemberName(int ordinal);               // 3 -> "n3"
std::string MemberNetns(const std::string& name);  // "rl-n3"
std::string MemberIp(const std::string& name);     // "127.99.0.13"
std::string MemberBridgePort(const std::string& name);  // veth end in the bridge: "rl-n3-b"
std::string MemberVethTemp(const std::string& name);    // member end before it moves: "rl-n3-m"
std::string ClientEndpoint(const std::string& name);    // "127.99.0.13:2379"
std::string ClientUrl(const std::string& name);         // "http://127.99.0.13:2379"
std::string PeerUrl(const std::string& name);           // "http://127.99.0.13:2380"

// Files of one lab, all under its state directory.
struct LabPaths {
  std::string state_dir;
  std::string SocketPath() const { return state_dir + "/raftlabd.sock"; }
  std::string StateFile() const { return state_dir + "/lab.json"; }
  std::string DaemonLog() const { return state_dir + "/raftlabd.log"; }
  std::string MemberDir(const std::string& name) const { return state_dir + "/members/" + name; }
  std::string DataDir(const std::string& name) const { return MemberDir(name) + "/data"; }
  std::string LogPath(const std::string& name) const { return MemberDir(name) + "/etcd.log"; }
};

// RAFTLAB_STATE_DIR, else /var/lib/raftlab.
std::string DefaultStateDir();

}  // namespace raftlab::cluster
