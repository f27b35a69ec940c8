# The linearizability checker: history model and formats, register/KV models, the search, and
# the `raftlab check history` subcommand (wired into the CLI by driver/).
add_library(raftlab_lincheck STATIC
  history.cc
  history_formats.cc
  models.cc
  linearizability.cc
  lin_append_parse.cc
  lin_unique_values.cc
  lin_shrink.cc
  check_history_cli.cc)
target_link_libraries(raftlab_lincheck PUBLIC raftlab_run_model raftlab_common)

raftlab_test(linearizability_test SOURCES linearizability_test.cc LIBS raftlab_lincheck)
raftlab_test(history_formats_test SOURCES history_formats_test.cc LIBS raftlab_lincheck)
raftlab_test(check_history_cli_test SOURCES check_history_cli_test.cc LIBS raftlab_lincheck)
# Runs every history of ../shared/testdata/porcupine (RAFTLAB_TESTDATA overrides the directory).
raftlab_test(porcupine_testdata_test SOURCES porcupine_testdata_test.cc LIBS raftlab_lincheck)

# Benchmark (bench/CMakeLists.txt is owned elsewhere): time and peak RSS per history.
add_executable(lincheck_bench ${CMAKE_SOURCE_DIR}/bench/lincheck_bench.cc)
target_link_libraries(lincheck_bench PRIVATE raftlab_lincheck)
target_compile_definitions(lincheck_bench PRIVATE
  RAFTLAB_DEFAULT_TESTDATA="${CMAKE_SOURCE_DIR}/../shared/testdata/porcupine")
set_target_properties(lincheck_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)

# The unique-value path and the shrinker, each against the brute-force twin (lin_test_util.h).
raftlab_test(lin_unique_values_test SOURCES lin_unique_values_test.cc LIBS raftlab_lincheck)
raftlab_test(lin_shrink_test SOURCES lin_shrink_test.cc LIBS raftlab_lincheck)
