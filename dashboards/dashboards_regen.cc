// dashboards_regen: rewrites the checked-in Grafana dashboard from the panel catalogue.
//   build/dashboards_regen dashboards/raftlab.json      (no argument: print to stdout)
// grafana_json_test fails until the checked-in file matches what this writes.
#include <cstdio>
#include <string>

#include "common/json_util.h"
#include "dashboards/grafana_json.h"

int main(int argc, char** argv) {
  const std::string text = raftlab::dashboards::GrafanaDashboardText();
  if (argc < 2) {
    fputs(text.c_str(), stdout);
    return 0;
  }
  raftlab::Status st = raftlab::WriteFileAtomic(argv[1], text);
  if (!st.ok()) {
    fprintf(stderr, "dashboards_regen: %s\n", st.ToString().c_str());
    return 1;
  }
  fprintf(stderr, "wrote %s\n", argv[1]);
  return 0;
}
