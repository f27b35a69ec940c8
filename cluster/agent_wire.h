// What raftlab-agent's service (agent_service.h) and its client (remote_agent.h) agree on
// beyond proto/agent.proto: conversions between the HostAgent types and their messages, how
// files are cut into chunks and put back together, and the metadata that marks an error as the
// agent's own answer. Pure functions over data; ChunkAssembler is single-threaded.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "cluster/host_agent.h"
#include "proto/agent.grpc.pb.h"

namespace raftlab::cluster {

namespace agent_pb = ::raftlab::agent::v1;

// Bytes per FileChunk / WriteChunk: well below gRPC's 4 MB default message limit.
inline constexpr size_t kAgentChunkBytes = size_t{1} << 20;
// Trailing metadata on every error the agent's HostAgent returned (as opposed to gRPC's own).
inline constexpr char kAgentOriginKey[] = "raftlab-origin";
inline constexpr char kAgentOriginValue[] = "agent";
// The longest NextExit wait the service grants in one call.
inline constexpr int kAgentMaxPollMs = 30000;

agent_pb::Process ToProto(const ProcessRef& p);
ProcessRef FromProto(const agent_pb::Process& p);
agent_pb::SlowStore ToProto(const SlowStore& s);
SlowStore FromProto(const agent_pb::SlowStore& s);
agent_pb::RunReply ToProto(const RunResult& r);
RunResult FromProto(const agent_pb::RunReply& r);

// Cuts `bytes` into chunks of at most kAgentChunkBytes, offsets ascending, the last one
// marked (an empty file is one empty last chunk), and hands each to emit; stops and returns
// false as soon as emit does.
bool EmitChunks(const std::string& path, const std::string& bytes,
                const std::function<bool(const agent_pb::FileChunk&)>& emit);

// Puts a stream of FileChunks back into whole files, refusing a stream that is out of order.
class ChunkAssembler {
 public:
  // Corruption naming the file when the chunk does not continue the stream.
  Status Add(const agent_pb::FileChunk& chunk);
  // Every complete file, in the order sent; Corruption when the stream stopped inside a file.
  Result<std::vector<FileEntry>> Finish();

 private:
  std::vector<FileEntry> files_;
  bool in_file_ = false;   // files_.back() still expects chunks
};

}  // namespace raftlab::cluster
