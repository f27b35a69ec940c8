// Whether this process may create namespaces and links (CAP_NET_ADMIN in its effective set).
#pragma once

#include "common/status.h"

namespace raftlab {

// Ok, or PermissionDenied with a message telling the user what to do.
Status CheckNetAdmin();

}  // namespace raftlab
