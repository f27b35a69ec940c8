// CLI commands for the scenario catalogue: scenario list, scenario run, lab, report.
#include "driver/cli.h"

namespace raftlab::driver {

std::vector<Command> ScenarioCommands() { return {}; }

}  // namespace raftlab::driver
