# etcd's gRPC and storage protos, compiled from the copies Debian's golang-etcd-server-dev
# ships (never copied into this repository). raft_internal.proto imports its siblings by bare
# name, which protoc cannot resolve from the gocode root: a rewritten copy goes into the
# build tree and is searched first.
set(ETCD_GOCODE /usr/share/gocode/src CACHE PATH "Root of Debian's gocode tree")
set(ETCD_PROTO_ROOT ${ETCD_GOCODE}/go.etcd.io)
set(GOGO_PROTO_ROOT ${ETCD_GOCODE}/github.com/gogo/protobuf)
set(GOOGLEAPIS_ROOT ${ETCD_GOCODE}/github.com/grpc-ecosystem/grpc-gateway/third_party/googleapis)
if(NOT EXISTS ${ETCD_PROTO_ROOT}/etcd/etcdserver/etcdserverpb/rpc.proto)
  message(FATAL_ERROR "etcd protos not found under ${ETCD_PROTO_ROOT}: apt-get install golang-etcd-server-dev (scripts/setup.sh does)")
endif()

set(PATCHED_PROTO_ROOT ${CMAKE_BINARY_DIR}/etcd-proto-patched)
set(RAFT_INTERNAL_REL etcd/etcdserver/etcdserverpb/raft_internal.proto)
file(READ ${ETCD_PROTO_ROOT}/${RAFT_INTERNAL_REL} _raft_internal)
string(REPLACE "import \"etcdserver.proto\";" "import \"etcd/etcdserver/etcdserverpb/etcdserver.proto\";" _raft_internal "${_raft_internal}")
string(REPLACE "import \"rpc.proto\";" "import \"etcd/etcdserver/etcdserverpb/rpc.proto\";" _raft_internal "${_raft_internal}")
file(WRITE ${PATCHED_PROTO_ROOT}/${RAFT_INTERNAL_REL}.new "${_raft_internal}")
file(COPY_FILE ${PATCHED_PROTO_ROOT}/${RAFT_INTERNAL_REL}.new ${PATCHED_PROTO_ROOT}/${RAFT_INTERNAL_REL} ONLY_IF_DIFFERENT)

set(ETCD_PROTOS
  etcd/etcdserver/etcdserverpb/rpc.proto
  etcd/etcdserver/etcdserverpb/etcdserver.proto
  etcd/etcdserver/etcdserverpb/raft_internal.proto
  etcd/mvcc/mvccpb/kv.proto
  etcd/auth/authpb/auth.proto
  etcd/raft/raftpb/raft.proto
  etcd/wal/walpb/record.proto
  etcd/etcdserver/api/snap/snappb/snap.proto
  etcd/lease/leasepb/lease.proto
  gogoproto/gogo.proto
  google/api/annotations.proto
  google/api/http.proto)

set(ETCD_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
set(ETCD_GEN_SRCS)
foreach(p ${ETCD_PROTOS})
  string(REGEX REPLACE "\\.proto$" "" base ${p})
  list(APPEND ETCD_GEN_SRCS ${ETCD_GEN_DIR}/${base}.pb.cc)
endforeach()
list(APPEND ETCD_GEN_SRCS ${ETCD_GEN_DIR}/etcd/etcdserver/etcdserverpb/rpc.grpc.pb.cc)

find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
add_custom_command(
  OUTPUT ${ETCD_GEN_SRCS}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${ETCD_GEN_DIR}
  COMMAND protobuf::protoc
    -I${PATCHED_PROTO_ROOT} -I${ETCD_PROTO_ROOT} -I${GOGO_PROTO_ROOT} -I${GOOGLEAPIS_ROOT} -I/usr/include
    --cpp_out=${ETCD_GEN_DIR} ${ETCD_PROTOS}
  COMMAND protobuf::protoc
    -I${PATCHED_PROTO_ROOT} -I${ETCD_PROTO_ROOT} -I${GOGO_PROTO_ROOT} -I${GOOGLEAPIS_ROOT} -I/usr/include
    --grpc_out=${ETCD_GEN_DIR} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN}
    etcd/etcdserver/etcdserverpb/rpc.proto
  DEPENDS ${PATCHED_PROTO_ROOT}/${RAFT_INTERNAL_REL}
  COMMENT "Generating C++ from etcd's protos")

add_library(etcd_protos STATIC ${ETCD_GEN_SRCS})
target_include_directories(etcd_protos PUBLIC ${ETCD_GEN_DIR})
target_link_libraries(etcd_protos PUBLIC protobuf::libprotobuf gRPC::grpc++)
# Generated code: keep its warnings out of ours.
target_compile_options(etcd_protos PRIVATE -w)
