# The Raft checkers (pure functions over a Run), their registry, the loader of a run directory
# and `raftlab check run`. Included from evidence/CMakeLists.txt.
add_library(raftlab_checkers STATIC
  quorum.cc
  voter_config.cc
  snap_json.cc
  check_common.cc
  check_election_safety.cc
  check_term_monotonic.cc
  check_commit_quorum.cc
  check_log_matching.cc
  check_state_machine_safety.cc
  check_durability.cc
  check_membership.cc
  check_linearizable.cc
  msg_check_common.cc
  msg_commit_analysis.cc
  check_msg_commit_rule.cc
  check_msg_votes.cc
  check_msg_prevote.cc
  check_msg_snapshot_conf.cc
  check_msg_durable_copies.cc
  checkers.cc
  verdict_policy.cc
  verdict_report.cc
  run_loader.cc
  check_run_cli.cc)
target_link_libraries(raftlab_checkers PUBLIC raftlab_run_model raftlab_sample_gaps raftlab_common raftlab_wal raftlab_lincheck
                      raftlab_wire raftlab_wire_timeline nlohmann_json::nlohmann_json)

foreach(t election_safety term_monotonic commit_quorum log_matching state_machine_safety
          durability membership)
  raftlab_test(check_${t}_test SOURCES check_${t}_test.cc LIBS raftlab_checkers)
endforeach()
raftlab_test(checkers_test SOURCES checkers_test.cc LIBS raftlab_checkers)
raftlab_test(voter_config_test SOURCES voter_config_test.cc LIBS raftlab_checkers)
raftlab_test(snap_json_test SOURCES snap_json_test.cc LIBS raftlab_checkers)
raftlab_test(verdict_policy_test SOURCES verdict_policy_test.cc LIBS raftlab_checkers)
raftlab_test(run_loader_test SOURCES run_loader_test.cc LIBS raftlab_checkers)
raftlab_test(check_run_cli_test SOURCES check_run_cli_test.cc LIBS raftlab_checkers)
raftlab_test(check_linearizable_test SOURCES check_linearizable_test.cc LIBS raftlab_checkers)
# The message-level checkers: hand-built message sequences, and the real captures in
# ../shared/testdata/wire decoded by the wire decoder.
foreach(t msg_commit_rule msg_votes msg_prevote msg_snapshot_conf msg_durable_copies msg_captures)
  raftlab_test(check_${t}_test SOURCES check_${t}_test.cc LIBS raftlab_checkers)
endforeach()
