// HTTP/1.1 over one reassembled TCP connection (wire_tcp.h): the requests the client wrote and
// the responses the server wrote, paired in order, each body de-chunked with a map back to the
// TCP stream offsets its bytes came from (so a frame inside a body can be timed and checked for
// delivery).
//
// Bodies: Content-Length, chunked (a chunk cut off by the capture's end or a broken link yields
// the bytes that did arrive), none (GET requests; 1xx, 204 and 304 responses), or until close.
// Flows set up before the capture began start without a start line (etcd-3.4-facts.md §8.11): a
// direction whose first bytes are a chunk-size line is a "headless" chunked body of a message whose
// headers were never seen; a direction that starts anywhere else is resynchronised at the first
// segment start that begins a message or a chunk. Peers never send HEAD, so a response's framing
// is read from its own headers. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence/wire_tcp.h"

namespace raftlab::evidence {

struct HttpHeaderField {
  std::string name, value;
};

struct HttpBody {
  std::string bytes;                                   // de-chunked
  std::vector<std::pair<uint64_t, uint64_t>> pieces;   // (body offset, TCP offset), ascending
  bool chunked = false;
  bool complete = false;       // all of it was captured (Content-Length reached, 0-chunk seen)

  // TCP stream offset of body byte `pos` (< bytes.size()).
  uint64_t TcpOffsetOf(uint64_t pos) const;
};

struct HttpMessage {
  bool request = true;
  bool headless = false;       // begun before the capture: no start line, no headers
  std::string method, target;  // requests
  int status = 0;              // responses
  std::vector<HttpHeaderField> headers;
  HttpBody body;
  uint64_t begin = 0, end = 0; // TCP offsets: first byte, one past the last byte captured
  bool complete = false;

  // The first header of that name (case-insensitive), or nullptr.
  const std::string* Header(std::string_view name) const;
};

struct HttpStreamParse {
  std::vector<HttpMessage> messages;
  std::vector<std::string> problems;   // "offset N: bad chunk size line", "skipped N bytes to resync"
};

// Parses one direction: requests (client side) or responses (server side). `segment_starts` are
// the resync points (TcpDirection::SegmentStarts()).
HttpStreamParse ParseHttpStream(std::string_view bytes, bool requests, const std::vector<uint64_t>& segment_starts);

struct HttpExchange {
  std::optional<HttpMessage> request;    // absent: sent before the capture
  std::optional<HttpMessage> response;   // absent: not (yet) answered in the capture
};

struct HttpConversation {
  std::vector<HttpExchange> exchanges;   // in order of first byte
  std::vector<std::string> problems;
};

// Both directions of `conn`, paired: responses answer requests in order; a response that began
// before the next request had been sent answers one from before the capture.
HttpConversation ParseHttpConnection(const TcpConnection& conn);

// "/raft/stream/message/92b8626990d6620" -> "/raft/stream/message": the path without member ids
// or query, as the counters key requests.
std::string HttpPathKey(std::string_view target);

}  // namespace raftlab::evidence
