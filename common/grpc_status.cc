#include "common/grpc_status.h"

namespace raftlab {

grpc::Status ToGrpcStatus(const Status& s) {
  using grpc::StatusCode;
  StatusCode c = StatusCode::UNKNOWN;
  switch (s.code()) {
    case Code::kOk: return grpc::Status::OK;
    case Code::kInvalidArgument: c = StatusCode::INVALID_ARGUMENT; break;
    case Code::kNotFound: c = StatusCode::NOT_FOUND; break;
    case Code::kAlreadyExists: c = StatusCode::ALREADY_EXISTS; break;
    case Code::kFailedPrecondition: c = StatusCode::FAILED_PRECONDITION; break;
    case Code::kUnavailable: c = StatusCode::UNAVAILABLE; break;
    case Code::kTimeout: c = StatusCode::DEADLINE_EXCEEDED; break;
    case Code::kCorruption: c = StatusCode::DATA_LOSS; break;
    case Code::kPermissionDenied: c = StatusCode::PERMISSION_DENIED; break;
    case Code::kUnsupported: c = StatusCode::UNIMPLEMENTED; break;
    case Code::kInternal: c = StatusCode::INTERNAL; break;
  }
  return grpc::Status(c, s.message());
}

Status FromGrpcStatus(const grpc::Status& s) {
  using grpc::StatusCode;
  switch (s.error_code()) {
    case StatusCode::OK: return Status::Ok();
    case StatusCode::INVALID_ARGUMENT: return InvalidArgument(s.error_message());
    case StatusCode::NOT_FOUND: return NotFound(s.error_message());
    case StatusCode::ALREADY_EXISTS: return AlreadyExists(s.error_message());
    case StatusCode::FAILED_PRECONDITION: return FailedPrecondition(s.error_message());
    case StatusCode::UNAVAILABLE: return Unavailable(s.error_message());
    case StatusCode::DEADLINE_EXCEEDED: return Timeout(s.error_message());
    case StatusCode::DATA_LOSS: return Corruption(s.error_message());
    case StatusCode::PERMISSION_DENIED:
    case StatusCode::UNAUTHENTICATED: return PermissionDenied(s.error_message());
    case StatusCode::UNIMPLEMENTED: return Unsupported(s.error_message());
    default: return Internal(s.error_message());
  }
}

}  // namespace raftlab
