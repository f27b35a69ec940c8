# raftlab_test(NAME SOURCES... LIBS ... [LABELS ...])
# Builds one googletest binary beside the code it tests and registers it with ctest.
# Tests labelled "netns" start real etcd members in real namespaces: they run one at a
# time (RESOURCE_LOCK) because the lab's names and addresses are machine-wide.
function(raftlab_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "RAFTLAB_SOURCE_DIR=${CMAKE_SOURCE_DIR};RAFTLAB_BUILD_DIR=${CMAKE_BINARY_DIR}")
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
    if("netns" IN_LIST T_LABELS)
      set_tests_properties(${name} PROPERTIES RESOURCE_LOCK lab TIMEOUT 900)
    endif()
  endif()
endfunction()
