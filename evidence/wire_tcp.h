// TCP reassembly for the wire decoder: captured segments in, one TcpConnection per TCP
// connection out, each direction's payload in sequence order with the times its bytes first
// appeared and the times the peer's cumulative ACK covered them.
//
// Per direction: offset 0 is the byte after the SYN, or (a capture that starts mid-stream, no SYN
// seen) the first payload byte seen; earlier bytes are not recoverable and are ignored.
// Retransmitted and overlapping bytes are kept once (the first copy's time; where an in-order
// segment overlaps the front of a buffered out-of-order one, the overlap takes the in-order
// segment's time), out-of-order segments are buffered until the hole fills. A hole that never fills ends the decodable stream at
// `gap_at` (what follows is counted, not decoded). Payload after an RST is ignored. A SYN on a
// 4-tuple whose connection already carried data, FIN or RST starts a new connection.
// Delivery (etcd-3.4-facts.md §8.12): bytes [x, y) count as delivered once the reverse direction
// shows a cumulative ACK >= y; SACK blocks and retransmitted copies prove nothing.
// Sequence numbers wrap: offsets are 64-bit, unwrapped against the stream's position.
// Pure: no syscalls, no clock. A TcpReassembler is single-threaded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raftlab::evidence {

struct TcpEndpoint {
  uint32_t ip = 0;     // IPv4, host byte order
  uint16_t port = 0;

  auto operator<=>(const TcpEndpoint&) const = default;
};

// "127.99.0.11"
std::string Ipv4Text(uint32_t ip);
// "127.99.0.11:2380"
std::string EndpointText(const TcpEndpoint& e);

namespace tcpflag {
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;
}

// One captured TCP segment; `payload` is only valid during TcpReassembler::Add.
struct TcpSegment {
  int64_t time_ns = 0;
  TcpEndpoint src, dst;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  std::string_view payload;
};

// Bytes from `offset` on (to the next arrival's offset) first appeared at `time_ns`.
struct TcpArrival {
  uint64_t offset = 0;
  int64_t time_ns = 0;
};

// From `time_ns` on, the peer had acknowledged every byte below `acked`.
struct TcpAckStep {
  uint64_t acked = 0;
  int64_t time_ns = 0;
};

struct TcpDirection {
  TcpEndpoint src, dst;
  bool syn_seen = false;
  bool fin_seen = false;
  bool rst_seen = false;
  std::string bytes;                   // the contiguous stream from offset 0
  std::vector<TcpArrival> arrivals;    // ascending offsets; one per segment that brought new bytes
  std::vector<TcpAckStep> acks;        // ascending `acked` and time
  std::optional<uint64_t> gap_at;      // a hole at this offset never filled
  uint64_t bytes_after_gap = 0;
  uint64_t duplicate_bytes = 0;
  uint64_t out_of_order_segments = 0;

  // Capture time of the byte at `offset` (its first copy). offset must be < bytes.size().
  int64_t TimeOf(uint64_t offset) const;
  // Time of the first cumulative ACK covering [0, end), or nullopt when none was captured.
  std::optional<int64_t> AckedAt(uint64_t end) const;
  // Offsets where a segment's new bytes began (resync points for a decoder that lost its place).
  std::vector<uint64_t> SegmentStarts() const;
};

struct TcpConnection {
  // dir[0] carries the first captured packet's source's bytes. `client` is the index of the
  // direction of the connection's opener: the SYN's sender, else (mid-stream) the side whose port
  // is not `server_port` given to Finish, else the higher port.
  TcpDirection dir[2];
  int client = 0;
  bool mid_stream = true;    // no SYN seen: the capture began after the handshake
  int64_t first_ns = 0, last_ns = 0;

  const TcpDirection& FromClient() const { return dir[client]; }
  const TcpDirection& FromServer() const { return dir[1 - client]; }
};

class TcpReassembler {
 public:
  void Add(const TcpSegment& segment);
  // Every connection in order of first packet. `server_port` decides the client of flows whose
  // handshake was not captured (etcd's peer port, 2380).
  std::vector<TcpConnection> Finish(uint16_t server_port);

 private:
  struct DirState {
    bool have_base = false;
    uint32_t base = 0;          // sequence number of offset 0
    uint64_t acked = 0;
    std::map<uint64_t, std::pair<std::string, int64_t>> pending;   // offset -> (bytes, time)
  };
  struct Conn {
    TcpConnection c;
    DirState st[2];
    bool closed = false;        // FIN or RST seen: a later SYN opens a new connection
    bool carried_data = false;
  };
  void AddPayload(Conn& conn, int d, const TcpSegment& s);
  void AddAck(Conn& conn, int d, const TcpSegment& s);
  static void Drain(TcpDirection& dir, DirState& st);
  static void Retire(Conn& conn);

  std::map<std::pair<TcpEndpoint, TcpEndpoint>, size_t> open_;   // (lower, higher) -> index
  std::vector<Conn> conns_;
};

}  // namespace raftlab::evidence
