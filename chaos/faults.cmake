# Faults: plans (pure) and the manager that applies them to a lab.
add_library(raftlab_chaos STATIC network_plan.cc fault_manager.cc)
target_link_libraries(raftlab_chaos PUBLIC raftlab_cluster)
raftlab_test(network_plan_test SOURCES network_plan_test.cc LIBS raftlab_chaos)
