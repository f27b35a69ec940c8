// The one mapping between raftlab's Status codes (common/status.h) and gRPC status codes,
// used at every gRPC edge: the control-plane service and its CLI client, raftlab-agent's
// service and the remote agent client. Messages pass through unchanged.
// Pure functions; thread-safe.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace raftlab {

grpc::Status ToGrpcStatus(const Status& s);
// UNAUTHENTICATED becomes PermissionDenied; codes with no raftlab twin become Internal.
Status FromGrpcStatus(const grpc::Status& s);

}  // namespace raftlab
