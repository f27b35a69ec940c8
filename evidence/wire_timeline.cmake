# The readable view of messages.jsonl (wire_timeline.h): type groups, filters, the run's time
# base and one timeline line per message, for `raftlab messages` and the Lamport diagram.
add_library(raftlab_wire_timeline STATIC wire_timeline.cc)
target_link_libraries(raftlab_wire_timeline PUBLIC raftlab_wire raftlab_run_model)

raftlab_test(wire_timeline_test SOURCES wire_timeline_test.cc LIBS raftlab_wire_timeline)
