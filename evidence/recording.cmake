# Recording: the journal, the sampler and the live Prometheus exporter.
add_library(raftlab_recording STATIC journal.cc raft_status.cc sampler.cc exporter.cc)
target_link_libraries(raftlab_recording PUBLIC raftlab_run_model raftlab_common prometheus-cpp::pull)
raftlab_test(raft_status_test SOURCES raft_status_test.cc LIBS raftlab_recording)
