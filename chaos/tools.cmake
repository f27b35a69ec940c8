# chaos tools: standalone programs the chaos layer launches inside the lab.
#   raftlab-slowfs   FUSE passthrough with delayed fsync      (chaos/slowfs/)
#   raftlab-delayer  NFQUEUE program holding packets D ms     (chaos/delayer/)
# Both land in ${CMAKE_BINARY_DIR} (top-level CMAKE_RUNTIME_OUTPUT_DIRECTORY).
# This file is included from chaos/CMakeLists.txt, so paths are relative to chaos/.

# The control file shared by both tools.
add_library(raftlab_delay_control STATIC slowfs/delay_control.cc)
target_link_libraries(raftlab_delay_control PUBLIC raftlab_common)
raftlab_test(delay_control_test SOURCES slowfs/delay_control_test.cc
             LIBS raftlab_delay_control)

# Test and bench support: child processes, temporary slowfs mounts.
add_library(raftlab_tool_testutil STATIC slowfs/child_process.cc slowfs/slowfs_harness.cc)
target_link_libraries(raftlab_tool_testutil PUBLIC raftlab_common)

if(FUSE3_FOUND)
  add_executable(raftlab-slowfs slowfs/slowfs_main.cc slowfs/slowfs_ops.cc)
  target_compile_definitions(raftlab-slowfs PRIVATE FUSE_USE_VERSION=312)
  target_link_libraries(raftlab-slowfs PRIVATE raftlab_delay_control PkgConfig::FUSE3
                        Threads::Threads)

  raftlab_test(slowfs_test SOURCES slowfs/slowfs_test.cc
               LIBS raftlab_tool_testutil LABELS netns)
  add_dependencies(slowfs_test raftlab-slowfs)

  add_executable(slowfs_bench slowfs/slowfs_bench.cc)
  target_link_libraries(slowfs_bench PRIVATE raftlab_tool_testutil)
  set_target_properties(slowfs_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
  add_dependencies(slowfs_bench raftlab-slowfs)
else()
  message(STATUS "fuse3 not found: raftlab-slowfs is not built")
endif()

if(NFQ_FOUND)
  add_executable(raftlab-delayer delayer/delayer_main.cc delayer/delayer.cc)
  target_link_libraries(raftlab-delayer PRIVATE raftlab_delay_control raftlab_hold_queue
                        PkgConfig::NFQ)

  raftlab_test(delayer_test SOURCES delayer/delayer_test.cc
               LIBS raftlab_tool_testutil LABELS netns)
  add_dependencies(delayer_test raftlab-delayer)
else()
  message(STATUS "libnetfilter_queue not found: raftlab-delayer is not built")
endif()

# The delayer's pure core: FIFO of held packets, time as a parameter.
add_library(raftlab_hold_queue STATIC delayer/hold_queue.cc)
target_link_libraries(raftlab_hold_queue PUBLIC raftlab_common)
raftlab_test(hold_queue_test SOURCES delayer/hold_queue_test.cc LIBS raftlab_hold_queue)

foreach(t raftlab_delay_control raftlab_tool_testutil raftlab_hold_queue raftlab-slowfs
          raftlab-delayer slowfs_bench slowfs_test delayer_test delay_control_test
          hold_queue_test)
  if(TARGET ${t})
    target_compile_options(${t} PRIVATE -Wall -Wextra)
  endif()
endforeach()
