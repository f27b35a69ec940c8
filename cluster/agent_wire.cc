#include "cluster/agent_wire.h"

#include <algorithm>

namespace raftlab::cluster {

agent_pb::Process ToProto(const ProcessRef& p) {
  agent_pb::Process m;
  m.set_host(p.host);
  m.set_id(p.id);
  return m;
}

ProcessRef FromProto(const agent_pb::Process& p) { return ProcessRef{p.host(), p.id()}; }

agent_pb::SlowStore ToProto(const SlowStore& s) {
  agent_pb::SlowStore m;
  m.set_backing(s.backing);
  m.set_mount(s.mount);
  m.set_control_file(s.control_file);
  m.set_log_path(s.log_path);
  return m;
}

SlowStore FromProto(const agent_pb::SlowStore& s) {
  return SlowStore{s.backing(), s.mount(), s.control_file(), s.log_path()};
}

agent_pb::RunReply ToProto(const RunResult& r) {
  agent_pb::RunReply m;
  m.set_exit_code(r.exit_code);
  m.set_signal(r.signal);
  m.set_out(r.out);
  m.set_err(r.err);
  return m;
}

RunResult FromProto(const agent_pb::RunReply& r) {
  RunResult result;
  result.exit_code = r.exit_code();
  result.signal = r.signal();
  result.out = r.out();
  result.err = r.err();
  return result;
}

bool EmitChunks(const std::string& path, const std::string& bytes,
                const std::function<bool(const agent_pb::FileChunk&)>& emit) {
  size_t offset = 0;
  do {
    size_t n = std::min(kAgentChunkBytes, bytes.size() - offset);
    agent_pb::FileChunk chunk;
    chunk.set_path(path);
    chunk.set_offset(offset);
    chunk.set_bytes(bytes.data() + offset, n);
    offset += n;
    chunk.set_last(offset == bytes.size());
    if (!emit(chunk)) return false;
  } while (offset < bytes.size());
  return true;
}

Status ChunkAssembler::Add(const agent_pb::FileChunk& chunk) {
  if (!in_file_) {
    if (chunk.offset() != 0) {
      return Corruption("file " + chunk.path() + " began at offset " + std::to_string(chunk.offset()) + ", not 0");
    }
    files_.push_back(FileEntry{chunk.path(), ""});
    in_file_ = true;
  }
  FileEntry& file = files_.back();
  if (chunk.path() != file.path) {
    return Corruption("a chunk of " + chunk.path() + " came inside file " + file.path);
  }
  if (chunk.offset() != file.bytes.size()) {
    return Corruption("file " + file.path + ": chunk at offset " + std::to_string(chunk.offset()) +
                      " after " + std::to_string(file.bytes.size()) + " bytes");
  }
  file.bytes += chunk.bytes();
  if (chunk.last()) in_file_ = false;
  return Status::Ok();
}

Result<std::vector<FileEntry>> ChunkAssembler::Finish() {
  if (in_file_) {
    return Corruption("the stream ended inside file " + files_.back().path + " after " +
                      std::to_string(files_.back().bytes.size()) + " bytes");
  }
  return std::move(files_);
}

}  // namespace raftlab::cluster
