// The wire decoder: a packet capture of the lab fabric's peer traffic in, every Raft message
// the members exchanged out (WireMessage, wire_message.h), in capture order, with the capture's
// counters. The layers: wire_pcap.h (frames -> TCP segments), wire_tcp.h (per-connection
// reassembly and ACK tracking), wire_http.h (HTTP/1.1 exchanges), wire_rafthttp.h (etcd's
// encodings). See etcd-3.4-facts.md §8.
//
// Which channel a body is: the request path (GET /raft/stream/message|msgapp/<id>, POST /raft,
// POST /raft/snapshot), else, for a stream set up before the capture, its bytes
// (ClassifyStreamBody). The stream writer is the HTTP server (the receiver dialled it); pipeline
// and snapshot bodies are written by the client. Member names come from `members` (IP -> name);
// raft ids that an encoding leaves out (short msgappv2 frames) come from what the capture says
// about that IP elsewhere: X-Server-From, X-Raft-To, the dialler's id in a stream path, the
// From/To of messages on other flows.
// A message is delivered when the receiver's TCP acknowledged all its bytes (for pipeline and
// snapshot posts: the whole request); delivered_ns is the time of that ACK.
// Pure: bytes in, values out (DecodeWireFile reads the file first). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "evidence/wire_message.h"
#include "evidence/wire_tcp.h"

namespace raftlab::evidence {

// "127.99.0.11" -> "n1"
using MemberAddresses = std::map<std::string, std::string>;

struct WireDecodeOptions {
  uint16_t peer_port = 2380;   // the server side of connections whose handshake was not captured
};

// InvalidArgument / Unsupported when the bytes are not a capture this reads (wire_pcap.h).
Result<WireCapture> DecodeWire(std::string_view pcap_bytes, const MemberAddresses& members,
                               const WireDecodeOptions& options = {});
Result<WireCapture> DecodeWireFile(const std::string& path, const MemberAddresses& members,
                                   const WireDecodeOptions& options = {});

// The layers above TCP, on connections already reassembled (what DecodeWire does after reading
// the capture; hand-built connections in tests).
WireCapture DecodeConnections(const std::vector<TcpConnection>& connections, const MemberAddresses& members);

}  // namespace raftlab::evidence
