// The Lamport diagram's structure for hand-built messages (arrows by class, dropped arrows dashed
// with an ×, fault bands with their groups, heartbeat folding, labels moved apart, the arrow cap),
// the journal overlays, and a render of a real capture (shared/testdata/wire, skipped when absent,
// failed under CI=true) to SVG and PNG in the temp dir for a person to look at.
#include "dashboards/lamport_diagram.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "common/test_guard.h"
#include "dashboards/lamport_draw.h"
#include "dashboards/lamport_overlays.h"
#include "evidence/wire_decoder.h"
#include "evidence/wire_timeline.h"

namespace raftlab::dashboards {
namespace {

using evidence::WireMessage;

constexpr int64_t kZero = 1'700'000'000'000'000'000;
constexpr int64_t kMs = 1'000'000;

WireMessage Msg(const std::string& type, const std::string& from, const std::string& to, double at_ms,
                bool delivered = true) {
  WireMessage m;
  m.type = type;
  m.from = from;
  m.to = to;
  m.term = 3;
  m.time_ns = kZero + static_cast<int64_t>(at_ms * kMs);
  m.delivered = delivered;
  if (delivered) m.delivered_ns = m.time_ns + kMs / 2;
  return m;
}

int Count(const std::string& svg, const std::string& needle) {
  int n = 0;
  for (size_t at = svg.find(needle); at != std::string::npos; at = svg.find(needle, at + 1)) ++n;
  return n;
}

LamportInput Input(std::vector<WireMessage> messages) {
  LamportInput in;
  in.members = {"n1", "n2", "n3"};
  in.messages = std::move(messages);
  in.zero_ns = kZero;
  in.from = 0;
  in.to = 2;
  return in;
}

TEST(LamportDiagram, OneArrowPerMessageByClass) {
  LamportInput in = Input({Msg("MsgApp", "n1", "n2", 100), Msg("MsgApp", "n1", "n3", 100),
                           Msg("MsgAppResp", "n2", "n1", 101), Msg("MsgVote", "n3", "n1", 500),
                           Msg("MsgVoteResp", "n1", "n3", 501), Msg("MsgPreVote", "n2", "n3", 900),
                           Msg("MsgSnap", "n1", "n2", 1200), Msg("MsgReadIndex", "n2", "n1", 1500)});
  std::string svg = LamportSvg(in, {});
  EXPECT_EQ(Count(svg, "class=\"arrow app\""), 2);
  EXPECT_EQ(Count(svg, "class=\"arrow appresp\""), 1);
  EXPECT_EQ(Count(svg, "class=\"arrow vote\""), 2);
  EXPECT_EQ(Count(svg, "class=\"arrow prevote\""), 1);
  EXPECT_EQ(Count(svg, "class=\"arrow snap\""), 1);
  EXPECT_EQ(Count(svg, "class=\"arrow readindex\""), 1);
  EXPECT_EQ(Count(svg, "class=\"head "), 8);   // every delivered arrow has a head
  EXPECT_EQ(Count(svg, "class=\"lane\""), 3);
  // The legend names each class drawn, and no other.
  for (const char* name : {">vote<", ">prevote<", ">app<", ">app resp<", ">snap<", ">read index<"})
    EXPECT_EQ(Count(svg, name), 1) << name;
  EXPECT_EQ(Count(svg, ">heartbeat<"), 0);
  // The tooltip is the timeline line.
  EXPECT_NE(svg.find("<title>0.100s n1 -&gt; n2 MsgApp term 3"), std::string::npos);
}

TEST(LamportDiagram, ADroppedMessageIsDashedAndEndsInAnX) {
  std::string svg = LamportSvg(Input({Msg("MsgVote", "n3", "n1", 500, false), Msg("MsgVote", "n3", "n2", 500)}), {});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, std::regex("<line class=\"arrow vote dropped\"[^>]*>")));
  EXPECT_NE(m.str().find("stroke-dasharray"), std::string::npos) << m.str();
  EXPECT_EQ(Count(svg, "class=\"arrow vote\""), 1);
  EXPECT_EQ(Count(svg, "class=\"drop-x\""), 2);
  EXPECT_EQ(Count(svg, "class=\"head vote\""), 1);   // the dropped one has none
  EXPECT_NE(svg.find("dropped (never ACKed)"), std::string::npos);
}

TEST(LamportDiagram, FaultWindowShadedWithItsGroups) {
  LamportInput in = Input({Msg("MsgHeartbeat", "n1", "n2", 300)});
  in.faults = {{0.5, 1.5, "partition n1 / n2,n3", true}, {1.8, 9, "kill n2", false}};
  in.terms = {{0.2, "n2", 4}, {-1, "n1", 3}};
  std::string svg = LamportSvg(in, {});
  EXPECT_EQ(Count(svg, "class=\"fault\""), 2);
  EXPECT_NE(svg.find(">partition n1 / n2,n3</text>"), std::string::npos);
  EXPECT_NE(svg.find(">kill n2 (not ended)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">term 4</text>"), std::string::npos);
  EXPECT_NE(svg.find(">term 3</text>"), std::string::npos);   // in force at the window's top
}

TEST(LamportDiagram, HeartbeatsFoldIntoABandUnlessAllAreAsked) {
  std::vector<WireMessage> ms;
  for (int i = 0; i < 20; ++i) ms.push_back(Msg(i % 2 ? "MsgHeartbeatResp" : "MsgHeartbeat", i % 2 ? "n2" : "n1", i % 2 ? "n1" : "n2", 100 + i));
  ms.push_back(Msg("MsgHeartbeat", "n1", "n3", 110, false));   // dropped: always drawn
  ms.push_back(Msg("MsgApp", "n1", "n2", 115));
  LamportOptions folded;
  std::string svg = LamportSvg(Input(ms), folded);
  EXPECT_EQ(Count(svg, "class=\"arrow heartbeat\""), 0);
  EXPECT_EQ(Count(svg, "class=\"arrow heartbeat dropped\""), 1);
  EXPECT_EQ(Count(svg, "class=\"arrow app\""), 1);
  EXPECT_EQ(Count(svg, "class=\"fold\""), 1);
  EXPECT_NE(svg.find("\u00d720 heartbeats, from n1"), std::string::npos);

  LamportOptions all;
  all.show_all_heartbeats = true;
  svg = LamportSvg(Input(ms), all);
  EXPECT_EQ(Count(svg, "class=\"arrow heartbeat\""), 20);
  EXPECT_EQ(Count(svg, "class=\"fold\""), 0);

  LamportOptions few;   // under the threshold nothing folds
  few.fold_heartbeats_above = 50;
  EXPECT_EQ(Count(LamportSvg(Input(ms), few), "class=\"arrow heartbeat\""), 20);
}

// Baseline y of every <text class="label"...>.
std::vector<double> LabelYs(const std::string& svg) {
  std::vector<double> ys;
  std::regex re("<text class=\"label\" x=\"[0-9.]+\" y=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it)
    ys.push_back(std::stod((*it)[1]));
  return ys;
}

TEST(LamportDiagram, OverlappingLabelsMoveApart) {
  // Three messages leaving n1 rightwards at the same instant: their labels share a column.
  LamportInput in = Input({Msg("MsgApp", "n1", "n2", 100), Msg("MsgApp", "n1", "n3", 100), Msg("MsgSnap", "n1", "n2", 100)});
  std::vector<double> ys = LabelYs(LamportSvg(in, {}));
  ASSERT_EQ(ys.size(), 3u);
  std::sort(ys.begin(), ys.end());
  EXPECT_GE(ys[1] - ys[0], 10);
  EXPECT_GE(ys[2] - ys[1], 10);
  // Labels in different columns (n1 -> n2 and n3 -> n2) may share a height.
  in = Input({Msg("MsgApp", "n1", "n2", 100), Msg("MsgAppResp", "n3", "n2", 100)});
  ys = LabelYs(LamportSvg(in, {}));
  ASSERT_EQ(ys.size(), 2u);
  EXPECT_DOUBLE_EQ(ys[0], ys[1]);
}

TEST(LamportDiagram, ArrowCapSaysHowManyMore) {
  std::vector<WireMessage> ms;
  for (int i = 0; i < 12; ++i) ms.push_back(Msg("MsgApp", "n1", "n2", 100 + 100 * i));
  LamportOptions opt;
  opt.max_arrows = 5;
  std::string svg = LamportSvg(Input(ms), opt);
  EXPECT_EQ(Count(svg, "class=\"arrow app\""), 5);
  EXPECT_NE(svg.find("showing the first 5 of 12 arrows"), std::string::npos);
}

TEST(LamportDiagram, PngScriptDrawsTheSameShapes) {
  Scene sc = LamportScene(Input({Msg("MsgApp", "n1", "n2", 100), Msg("MsgVote", "n3", "n1", 500, false)}), {});
  GnuplotOutputs out{"/tmp/x.png", "", "pngcairo"};
  GnuplotJob job = SceneToGnuplot(sc, out);
  size_t lines = 0;
  for (const Shape& s : sc.shapes) lines += s.kind == Shape::Kind::kLine;
  EXPECT_EQ(static_cast<size_t>(Count(job.script, "set arrow from")), lines);
  EXPECT_NE(job.script.find("set terminal pngcairo size " + std::to_string(sc.width) + "," + std::to_string(sc.height)),
            std::string::npos);
  EXPECT_NE(job.script.find("dt (5,3)"), std::string::npos);
}

TEST(LamportOverlays, FaultLabelsKeepGroupsAndTermsChange) {
  std::vector<Json> events = {
      Json::parse(R"({"kind":"session","event":"start","mono_ns":0})"),
      Json::parse(R"({"kind":"sample","member":"n1","ok":true,"term":2,"mono_ns":100000000})"),
      Json::parse(R"({"kind":"sample","member":"n1","ok":true,"term":2,"mono_ns":150000000})"),
      Json::parse(R"({"kind":"fault","phase":"start","id":"f1","fault":"partition","targets":["n1","n5","n2","n3","n4"],)"
                  R"("description":"partition n1,n5 / n2,n3,n4","mono_ns":1000000000})"),
      Json::parse(R"({"kind":"sample","member":"n1","ok":true,"term":3,"mono_ns":1200000000})"),
      Json::parse(R"({"kind":"fault","phase":"end","id":"f1","fault":"partition","mono_ns":3000000000})")};
  std::vector<LamportBand> bands = LamportFaultBands(events, 0.5);
  ASSERT_EQ(bands.size(), 1u);
  EXPECT_EQ(bands[0].label, "partition n1,n5 / n2,n3,n4");
  EXPECT_DOUBLE_EQ(bands[0].start, 1.5);
  EXPECT_DOUBLE_EQ(bands[0].end, 3.5);
  std::vector<LamportTermMark> terms = LamportTermMarks(events);
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].term, 2u);
  EXPECT_EQ(terms[1].term, 3u);
  EXPECT_DOUBLE_EQ(terms[1].t, 1.2);
}

// The election in shared/testdata/wire/election-partition.pcap, drawn for a person to look at:
// $TMPDIR/lamport-election-partition.svg and .png.
TEST(LamportDiagramRealCapture, ElectionUnderPartition) {
  std::string missing;
  std::string dir = testguard::SharedTestdataDir("wire", "RAFTLAB_WIRE_TESTDATA", &missing);
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing);
  Result<evidence::WireCapture> c =
      evidence::DecodeWireFile((std::filesystem::path(dir) / "election-partition.pcap").string(),
                               {{"127.99.0.11", "n1"}, {"127.99.0.12", "n2"}, {"127.99.0.13", "n3"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  LamportInput in;
  in.members = {"n1", "n2", "n3"};
  in.messages = c->messages;
  in.zero_ns = c->first_ns;
  in.from = 9.3;   // the heal: n2 (term 6 -> 7 alone) and n3 campaign, n1 wins term 8
  in.to = 11.3;
  in.faults = {{1.55, 9.6, "isolate n2 (the leader): n2 / n1,n3", true}};   // n2 led term 2
  in.title = "election-partition.pcap 9.3s-11.3s (seconds since the first packet)";
  std::string svg = LamportSvg(in, {});
  EXPECT_GE(Count(svg, "class=\"arrow vote\""), 6);
  EXPECT_GE(Count(svg, "class=\"fold\""), 1);
  if (testing::Test::HasFailure()) return;
  const std::string base = (std::filesystem::temp_directory_path() / "lamport-election-partition").string();
  Status s = DrawLamport(in, {}, base + ".svg", base + ".png");
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::cout << "drawn: " << base << ".svg and " << base << ".png\n";
}

// The InstallSnapshot and the one-way cut, whole, drawn to $TMPDIR/lamport-<capture>.png for a
// person to look at: the MsgSnap arrow, and the heartbeats the one-way cut delayed.
TEST(LamportDiagramRealCapture, SnapshotAndOneWayCut) {
  std::string missing;
  std::string dir = testguard::SharedTestdataDir("wire", "RAFTLAB_WIRE_TESTDATA", &missing);
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing);
  for (const std::string name : {"install-snapshot", "one-way-cut"}) {
    Result<evidence::WireCapture> c =
        evidence::DecodeWireFile((std::filesystem::path(dir) / (name + ".pcap")).string(),
                                 {{"127.99.0.11", "n1"}, {"127.99.0.12", "n2"}, {"127.99.0.13", "n3"}});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    LamportInput in;
    in.members = {"n1", "n2", "n3"};
    in.messages = c->messages;
    in.zero_ns = c->first_ns;
    in.title = name + ".pcap";
    in.subtitle = "time: seconds since the first packet";
    std::string svg = LamportSvg(in, {});
    if (name == "install-snapshot") {
      EXPECT_EQ(Count(svg, "class=\"arrow snap\""), 1);
      EXPECT_NE(svg.find(">Snap i5414 t8</text>"), std::string::npos);
    } else {
      // The heartbeats the cut held back, acknowledged seconds late at the heal, are not folded.
      EXPECT_GE(Count(svg, "class=\"arrow heartbeat\""), 3);
    }
    const std::string base = (std::filesystem::temp_directory_path() / ("lamport-" + name)).string();
    Status s = DrawLamport(in, {}, base + ".svg", base + ".png");
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::cout << "drawn: " << base << ".png\n";
  }
}

}  // namespace
}  // namespace raftlab::dashboards
