// Builders of hand-made wire bytes for the wire decoder's tests and bench: raft messages and
// entries, rafthttp frames (message stream, msgappv2, snapshot body), HTTP chunks, TCP segment
// scripts, and classic pcap files with Ethernet / Linux cooked frames. Header-only; test code.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "etcd/raft/raftpb/raft.pb.h"
#include "evidence/wire_tcp.h"

namespace raftlab::evidence::wiretest {

inline std::string Be64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

inline raftpb::Entry Entry(uint64_t term, uint64_t index, const std::string& data = "") {
  raftpb::Entry e;
  e.set_type(raftpb::EntryNormal);
  e.set_term(term);
  e.set_index(index);
  if (!data.empty()) e.set_data(data);
  return e;
}

inline raftpb::Message Msg(raftpb::MessageType type, uint64_t from, uint64_t to, uint64_t term) {
  raftpb::Message m;
  m.set_type(type);
  m.set_from(from);
  m.set_to(to);
  m.set_term(term);
  return m;
}

inline raftpb::Message App(uint64_t from, uint64_t to, uint64_t term, uint64_t log_term, uint64_t index, uint64_t commit,
                           const std::vector<raftpb::Entry>& entries) {
  raftpb::Message m = Msg(raftpb::MsgApp, from, to, term);
  m.set_logterm(log_term);
  m.set_index(index);
  m.set_commit(commit);
  for (const raftpb::Entry& e : entries) *m.add_entries() = e;
  return m;
}

// An etcd put as InternalRaftRequest bytes: field 4 put {1 key, 2 value}.
inline std::string PutRequest(const std::string& key, const std::string& value) {
  std::string put = std::string("\x0a", 1) + static_cast<char>(key.size()) + key + "\x12" + static_cast<char>(value.size()) + value;
  return std::string("\x22", 1) + static_cast<char>(put.size()) + put;
}

// Message stream frame: 8-byte big-endian length, then the message.
inline std::string MessageFrame(const raftpb::Message& m) {
  std::string b = m.SerializeAsString();
  return Be64(b.size()) + b;
}

// The message stream's link heartbeat exactly as etcd writes it (etcd-3.4-facts.md §8.5).
inline std::string LinkHeartbeatFrame() {
  static const unsigned char kBytes[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1e, 0x08, 0x08, 0x10, 0x00, 0x18,
                                         0x00, 0x20, 0x00, 0x28, 0x00, 0x30, 0x00, 0x40, 0x00, 0x4a, 0x0a, 0x12, 0x08,
                                         0x0a, 0x02, 0x28, 0x00, 0x10, 0x00, 0x18, 0x00, 0x50, 0x00, 0x58, 0x00};
  return std::string(reinterpret_cast<const char*>(kBytes), sizeof kBytes);
}

inline std::string AppV2LinkHeartbeat() { return std::string(1, '\0'); }
inline std::string AppV2Full(const raftpb::Message& m) { return "\x02" + MessageFrame(m); }
inline std::string AppV2Short(const std::vector<raftpb::Entry>& entries, uint64_t commit) {
  std::string out = "\x01" + Be64(entries.size());
  for (const raftpb::Entry& e : entries) {
    std::string b = e.SerializeAsString();
    out += Be64(b.size()) + b;
  }
  return out + Be64(commit);
}

// One HTTP/1.1 chunk.
inline std::string Chunk(const std::string& data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

inline constexpr uint32_t Ip(int a, int b, int c, int d) {
  return static_cast<uint32_t>(a) << 24 | static_cast<uint32_t>(b) << 16 | static_cast<uint32_t>(c) << 8 | static_cast<uint32_t>(d);
}

// Feeds a TcpReassembler segments that keep their payloads alive.
class SegmentScript {
 public:
  SegmentScript(TcpEndpoint client, TcpEndpoint server) : client_(client), server_(server) {}
  // A segment from the client (to_server) or the server, `seq` relative to that side's ISN.
  void Send(bool from_client, int64_t t, uint32_t seq, uint32_t ack, uint8_t flags, const std::string& payload = "") {
    TcpSegment s;
    s.time_ns = t;
    s.src = from_client ? client_ : server_;
    s.dst = from_client ? server_ : client_;
    s.seq = seq + (from_client ? client_isn : server_isn);
    s.ack = ack + (from_client ? server_isn : client_isn);
    s.flags = flags;
    store_.push_back(payload);
    s.payload = store_.back();
    segments_.push_back(s);
  }
  // The three-way handshake at times t, t+1, t+2 (data then starts at relative seq 1).
  void Handshake(int64_t t) {
    Send(true, t, 0, 0, tcpflag::kSyn);
    Send(false, t + 1, 0, 1, tcpflag::kSyn | tcpflag::kAck);
    Send(true, t + 2, 1, 1, tcpflag::kAck);
  }
  const std::vector<TcpSegment>& segments() const { return segments_; }
  std::vector<TcpConnection> Reassemble(uint16_t server_port = 2380) const {
    TcpReassembler r;
    for (const TcpSegment& s : segments_) r.Add(s);
    return r.Finish(server_port);
  }
  uint32_t client_isn = 1000, server_isn = 5000;

 private:
  TcpEndpoint client_, server_;
  std::deque<std::string> store_;
  std::vector<TcpSegment> segments_;
};

// A classic pcap file (microsecond timestamps) of `link_type` frames.
class PcapWriter {
 public:
  explicit PcapWriter(uint32_t link_type) {
    Put32(0xa1b2c3d4);
    Put16(2);
    Put16(4);
    Put32(0);
    Put32(0);
    Put32(262144);
    Put32(link_type);
  }
  void Record(int64_t time_ns, const std::string& frame) {
    Put32(static_cast<uint32_t>(time_ns / 1000000000));
    Put32(static_cast<uint32_t>(time_ns % 1000000000 / 1000));
    Put32(static_cast<uint32_t>(frame.size()));
    Put32(static_cast<uint32_t>(frame.size()));
    bytes_ += frame;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  void Put16(uint16_t v) { bytes_.append(reinterpret_cast<const char*>(&v), 2); }
  void Put32(uint32_t v) { bytes_.append(reinterpret_cast<const char*>(&v), 4); }
  std::string bytes_;
};

inline void PutBe16(std::string& s, uint16_t v) {
  s += static_cast<char>(v >> 8);
  s += static_cast<char>(v & 0xff);
}
inline void PutBe32(std::string& s, uint32_t v) {
  PutBe16(s, static_cast<uint16_t>(v >> 16));
  PutBe16(s, static_cast<uint16_t>(v & 0xffff));
}

// An IPv4 + TCP packet carrying `s` (checksums left 0: the decoder does not check them).
inline std::string Ipv4Tcp(const TcpSegment& s, uint8_t protocol = 6) {
  std::string tcp;
  PutBe16(tcp, s.src.port);
  PutBe16(tcp, s.dst.port);
  PutBe32(tcp, s.seq);
  PutBe32(tcp, s.ack);
  tcp += static_cast<char>(5 << 4);
  tcp += static_cast<char>(s.flags);
  PutBe16(tcp, 65535);
  PutBe32(tcp, 0);
  tcp += s.payload;
  std::string ip;
  ip += static_cast<char>(0x45);
  ip += '\0';
  PutBe16(ip, static_cast<uint16_t>(20 + tcp.size()));
  PutBe32(ip, 0x40000000);   // id 0, DF
  ip += static_cast<char>(64);
  ip += static_cast<char>(protocol);
  PutBe16(ip, 0);
  PutBe32(ip, s.src.ip);
  PutBe32(ip, s.dst.ip);
  return ip + tcp;
}

inline std::string EthernetFrame(const std::string& ip_packet, uint16_t ethertype = 0x0800) {
  std::string f(12, '\x02');
  PutBe16(f, ethertype);
  f += ip_packet;
  if (f.size() < 60) f.append(60 - f.size(), '\0');   // Ethernet padding, never stream bytes
  return f;
}

inline std::string SllFrame(const std::string& ip_packet) {
  std::string f;
  PutBe16(f, 0);       // packet type: to us
  PutBe16(f, 1);       // ARPHRD_ETHER
  PutBe16(f, 6);
  f.append(8, '\x02');
  PutBe16(f, 0x0800);
  return f + ip_packet;
}

inline std::string Sll2Frame(const std::string& ip_packet) {
  std::string f;
  PutBe16(f, 0x0800);
  PutBe16(f, 0);
  PutBe32(f, 3);       // interface index
  PutBe16(f, 1);
  f += '\0';
  f += static_cast<char>(6);
  f.append(8, '\x02');
  return f + ip_packet;
}

}  // namespace raftlab::evidence::wiretest
