#include "evidence/wire_message.h"

namespace raftlab::evidence {

const char* StreamKindName(StreamKind kind) {
  switch (kind) {
    case StreamKind::kMessage: return "message";
    case StreamKind::kMsgAppV2: return "msgappv2";
    case StreamKind::kPipeline: return "pipeline";
    case StreamKind::kSnapshot: return "snapshot";
  }
  return "message";
}

bool ParseStreamKind(const std::string& name, StreamKind* kind) {
  for (StreamKind k : {StreamKind::kMessage, StreamKind::kMsgAppV2, StreamKind::kPipeline, StreamKind::kSnapshot}) {
    if (name == StreamKindName(k)) {
      *kind = k;
      return true;
    }
  }
  return false;
}

}  // namespace raftlab::evidence
