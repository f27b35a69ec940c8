# Faults: plans (pure) and the manager that applies them to a lab.
add_library(raftlab_chaos STATIC network_plan.cc fault_manager.cc)
target_link_libraries(raftlab_chaos PUBLIC raftlab_cluster)
raftlab_test(network_plan_test SOURCES network_plan_test.cc LIBS raftlab_chaos)

# Fault plans for the soak (pure: seeded, no clock, no I/O).
add_library(raftlab_fault_plan STATIC fault_plan.cc)
target_link_libraries(raftlab_fault_plan PUBLIC raftlab_common)
raftlab_test(fault_plan_test SOURCES fault_plan_test.cc LIBS raftlab_fault_plan)
