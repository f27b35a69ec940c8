# Recording: the journal, the sampler and the live Prometheus exporter.
add_library(raftlab_recording STATIC journal.cc raft_status.cc sampler.cc exporter.cc)
target_link_libraries(raftlab_recording PUBLIC raftlab_run_model raftlab_common prometheus-cpp::pull)
raftlab_test(raft_status_test SOURCES raft_status_test.cc LIBS raftlab_recording)
raftlab_test(sampler_test SOURCES sampler_test.cc LIBS raftlab_recording)
# Pages captured from a real etcd 3.4 member (evidence/testdata).
target_compile_definitions(raft_status_test PRIVATE RAFTLAB_TESTDATA="${CMAKE_CURRENT_SOURCE_DIR}/testdata")

# Per-member sample counts and gaps of a Run (pure; for verdicts.json and transcripts).
add_library(raftlab_sample_gaps STATIC sample_gaps.cc)
target_link_libraries(raftlab_sample_gaps PUBLIC raftlab_run_model)
raftlab_test(sample_gaps_test SOURCES sample_gaps_test.cc LIBS raftlab_sample_gaps)
