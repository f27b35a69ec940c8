// CLI commands that read evidence offline: wal dump, snap show, check run, check history.
#include "driver/cli.h"

namespace raftlab::driver {

std::vector<Command> EvidenceCommands() { return {}; }

}  // namespace raftlab::driver
