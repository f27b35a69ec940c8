# Faults: specs, families and the manager (raftlab_faults), the lab adapter (raftlab_chaos),
# and the soak's fault plans. Included from chaos/CMakeLists.txt.
# Faults as data: specs, plans (pure), one family per mechanism and the manager, all through
# FaultContext (no Lab), so their unit tests run against a recording fake without root.
add_library(raftlab_faults STATIC
  fault_spec.cc active_fault.cc network_plan.cc host_commands.cc family_util.cc
  partition_faults.cc link_faults.cc process_faults.cc disk_faults.cc fault_manager.cc)
target_link_libraries(raftlab_faults PUBLIC raftlab_common raftlab_proto)
# The faults of a real lab: FaultContext over cluster::Lab.
add_library(raftlab_chaos STATIC lab_fault_context.cc)
target_link_libraries(raftlab_chaos PUBLIC raftlab_faults raftlab_cluster)

# The recording fake agent and context, shared by the fault unit tests.
add_library(raftlab_fault_fakes STATIC recording_agent_test_util.cc)
target_link_libraries(raftlab_fault_fakes PUBLIC raftlab_faults)
raftlab_test(network_plan_test SOURCES network_plan_test.cc LIBS raftlab_faults)
raftlab_test(fault_spec_test SOURCES fault_spec_test.cc LIBS raftlab_faults)
foreach(t partition_faults_test link_faults_test process_faults_test disk_faults_test fault_manager_test)
  raftlab_test(${t} SOURCES ${t}.cc LIBS raftlab_fault_fakes)
endforeach()

# Fault plans for the soak (pure: seeded, no clock, no I/O).
add_library(raftlab_fault_plan STATIC fault_plan.cc)
target_link_libraries(raftlab_fault_plan PUBLIC raftlab_common)
raftlab_test(fault_plan_test SOURCES fault_plan_test.cc LIBS raftlab_fault_plan)
