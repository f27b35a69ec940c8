# The wire decoder (wire_decoder.h): a pcap of the lab fabric's peer traffic -> the raft messages
# the members exchanged (messages.jsonl), layer by layer: pcap, TCP, HTTP/1.1, rafthttp.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBPCAP REQUIRED IMPORTED_TARGET libpcap)

add_library(raftlab_wire STATIC
  wire_message.cc
  wire_pcap.cc
  wire_tcp.cc
  wire_http.cc
  wire_rafthttp.cc
  wire_decoder.cc
  wire_json.cc)
target_link_libraries(raftlab_wire PUBLIC raftlab_wal PkgConfig::LIBPCAP)

raftlab_test(wire_captures_test SOURCES wire_captures_test.cc LIBS raftlab_wire)
raftlab_test(wire_tcp_test SOURCES wire_tcp_test.cc LIBS raftlab_wire)
raftlab_test(wire_http_test SOURCES wire_http_test.cc LIBS raftlab_wire)
raftlab_test(wire_rafthttp_test SOURCES wire_rafthttp_test.cc LIBS raftlab_wire)
raftlab_test(wire_decoder_test SOURCES wire_decoder_test.cc LIBS raftlab_wire)
raftlab_test(wire_pcap_test SOURCES wire_pcap_test.cc LIBS raftlab_wire)
raftlab_test(wire_json_test SOURCES wire_json_test.cc LIBS raftlab_wire)
