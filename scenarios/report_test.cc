// RenderReport: every run linked, verdicts shown, panels embedded by relative path, text
// escaped, nothing fetched from outside the folder.
#include "scenarios/report.h"

#include <gtest/gtest.h>

namespace raftlab::scenarios {
namespace {

TEST(Report, LinksRunsShowsVerdictsEmbedsPanelsOffline) {
  RunSummary a;
  a.folder = "20250101-120000-replicate";
  a.result = {{"scenario", "replicate"}, {"passed", true}, {"expectations", 7}, {"failed_expectations", 0}, {"wall_s", 12.5}};
  a.verdicts = {{"overall", "ok"},
                {"verdicts", {{{"checker", "log_matching"}, {"property", "equal prefixes"}, {"validity", "ok"},
                               {"required", true}, {"minimum", "all"}, {"earned", true}, {"judged", 4}, {"of", 4},
                               {"unit", "committed indexes"}, {"evidence", {"3 logs <compared>"}}},
                              {{"checker", "membership"}, {"property", "one voter at a time"},
                               {"validity", "not_applicable"}, {"required", false}, {"evidence", {"no change"}}}}}};
  a.transcript = "# Scenario replicate: PASS\n- put `a=<b>`\n";
  a.panels = {"term.svg"};
  RunSummary b;
  b.folder = "20250101-110000-session";
  std::string html = RenderReport({a, b}, "2025-01-01T12:00:00Z");
  EXPECT_NE(html.find("href=\"#20250101-120000-replicate\""), std::string::npos);
  EXPECT_NE(html.find("href=\"#20250101-110000-session\""), std::string::npos);
  EXPECT_NE(html.find("<img src=\"../runs/20250101-120000-replicate/panels/term.svg\""), std::string::npos);
  EXPECT_NE(html.find("log_matching"), std::string::npos);
  // Required verdicts are shown apart from the informative ones, with what each judged.
  const size_t required = html.find("Required verdicts"), informative = html.find("Informative verdicts");
  ASSERT_NE(required, std::string::npos);
  ASSERT_NE(informative, std::string::npos);
  EXPECT_LT(required, html.find("log_matching"));
  EXPECT_LT(informative, html.find("one voter at a time"));
  EXPECT_NE(html.find("judged 4 of 4 committed indexes"), std::string::npos);
  EXPECT_NE(html.find("badge ok\">PASS"), std::string::npos);
  EXPECT_NE(html.find("7/7"), std::string::npos);
  EXPECT_NE(html.find("3 logs &lt;compared&gt;"), std::string::npos);
  EXPECT_NE(html.find("`a=&lt;b&gt;`"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(Report, FailedRunShowsWhy) {
  RunSummary a;
  a.folder = "x-election";
  a.result = {{"scenario", "election"}, {"passed", false}, {"error", "Timeout: no leader"}, {"expectations", 2},
              {"failed_expectations", 1}};
  std::string html = RenderReport({a}, "now");
  EXPECT_NE(html.find("badge bad\">FAIL"), std::string::npos);
  EXPECT_NE(html.find("Stopped early:</b> Timeout: no leader"), std::string::npos);
  EXPECT_NE(html.find("1/2"), std::string::npos);
}

}  // namespace
}  // namespace raftlab::scenarios
