// dashboards_regen: rewrites the checked-in Grafana dashboard from the panel catalogue.
//   build/dashboards_regen dashboards/raftlab.json      (no argument: print to stdout)
//   build/dashboards_regen --table                       the README's catalogue table
// grafana_json_test fails until the checked-in file matches what this writes.
#include <cstdio>
#include <string>

#include "common/json_util.h"
#include "dashboards/grafana_json.h"
#include "dashboards/panel_catalogue.h"

namespace {

std::string Cell(std::string s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

void PrintTable() {
  using namespace raftlab::dashboards;
  printf("| panel | what it shows | from the journal | PromQL (Grafana) |\n|---|---|---|---|\n");
  for (const Panel& p : Catalogue()) {
    std::string journal, prom;
    for (const JournalSeries& js : p.journal) journal += (journal.empty() ? "" : "; ") + js.describe;
    for (const PromTarget& t : p.prom) prom += (prom.empty() ? "" : "<br>") + ("`" + t.expr + "`");
    if (!p.prom_note.empty()) prom += "<br>" + p.prom_note;
    printf("| `%s` %s | %s | %s | %s |\n", p.id.c_str(), Cell(p.title).c_str(), Cell(p.description).c_str(),
           Cell(journal).c_str(), Cell(prom).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string text = raftlab::dashboards::GrafanaDashboardText();
  if (argc >= 2 && std::string(argv[1]) == "--table") {
    PrintTable();
    return 0;
  }
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
