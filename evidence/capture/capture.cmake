# raftlab-capture (capture/capture_main.cc): libpcap live capture of the lab fabric into a
# pcap, started by the Lab through its agent (a lab tool, resolved beside the agent).
add_executable(raftlab-capture capture/capture_main.cc)
target_link_libraries(raftlab-capture PRIVATE raftlab_common PkgConfig::LIBPCAP)
