# WAL and snapshot readers (wal_reader.h, snap_reader.h), the JSONL form of a decoded log, and
# the pure command functions behind `raftlab wal dump` / `raftlab snap show`.
add_library(raftlab_wal STATIC
  crc32c.cc
  request_decoder.cc
  wal_replay.cc
  wal_reader.cc
  snap_reader.cc
  raft_log_json.cc
  wal_cli.cc)
target_link_libraries(raftlab_wal PUBLIC etcd_protos raftlab_run_model nlohmann_json::nlohmann_json)

# Builders of WAL segments and .snap files for tests and bench/wal_decode_bench.cc.
add_library(raftlab_wal_testutil STATIC wal_test_util.cc)
target_link_libraries(raftlab_wal_testutil PUBLIC raftlab_wal)

raftlab_test(crc32c_test SOURCES crc32c_test.cc LIBS raftlab_wal)
raftlab_test(wal_reader_test SOURCES wal_reader_test.cc LIBS raftlab_wal_testutil)
raftlab_test(wal_real_etcd_test SOURCES wal_real_etcd_test.cc LIBS raftlab_wal)
raftlab_test(snap_reader_test SOURCES snap_reader_test.cc LIBS raftlab_wal_testutil)
raftlab_test(raft_log_json_test SOURCES raft_log_json_test.cc LIBS raftlab_wal_testutil)
raftlab_test(wal_cli_test SOURCES wal_cli_test.cc LIBS raftlab_wal_testutil)
