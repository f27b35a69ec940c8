// History parsers: each format's shapes, detection, and errors that name file:line.
#include "evidence/history_formats.h"

#include <gtest/gtest.h>

namespace raftlab::evidence {
namespace {

// ---- jepsen ---------------------------------------------------------------------------------

constexpr const char* kJepsen =
    "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"          // 1
    "INFO  jepsen.util - 1\t:invoke\t:write\t4\n"           // 2
    "INFO  jepsen.core - some other line\n"                 // 3
    "INFO  jepsen.util - 0\t:ok\t:read\tnil\n"              // 4
    "INFO  jepsen.util - 2\t:invoke\t:cas\t[4 1]\n"         // 5
    "INFO  jepsen.util - 1\t:ok\t:write\t4\n"               // 6
    "INFO  jepsen.util - 2\t:fail\t:cas\t[4 1]\n"           // 7
    "INFO  jepsen.util - 3\t:invoke\t:read\tnil\n"          // 8
    "INFO  jepsen.util - 3\t:fail\t:read\t:timed-out\n"     // 9
    "INFO  jepsen.util - 4\t:invoke\t:write\t7\n"           // 10
    "INFO  jepsen.util - 4\t:info\t:write\t:timed-out\n"    // 11
    "INFO  jepsen.util - 5\t:invoke\t:read\tnil\n"          // 12
    "INFO  jepsen.util - 5\t:ok\t:read\t4\n";               // 13

TEST(JepsenFormat, ParsesTheShapesOfTheReadme) {
  Result<History> h = ParseJepsenHistory(kJepsen, "etcd.log");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->model, ModelKind::kRegister);
  ASSERT_EQ(h->ops.size(), 6u);
  const Operation& read = h->ops[0];
  EXPECT_EQ(read.input.kind, OpKind::kRead);
  EXPECT_EQ(read.call, 1);
  EXPECT_EQ(read.ret, 4);
  EXPECT_TRUE(read.output.known);
  EXPECT_FALSE(read.output.found);
  EXPECT_EQ(read.origin, "etcd.log:1");
  EXPECT_EQ(h->ops[1].input.value, "4");
  const Operation& cas = h->ops[2];
  EXPECT_EQ(cas.input.expected, "4");
  EXPECT_EQ(cas.input.value, "1");
  EXPECT_TRUE(cas.output.known);
  EXPECT_FALSE(cas.output.ok);
  const Operation& timed_out = h->ops[3];
  EXPECT_EQ(timed_out.ret, 9);
  EXPECT_FALSE(timed_out.output.known);
  const Operation& info = h->ops[4];   // never completed: open-ended, unknown
  EXPECT_FALSE(info.ret.has_value());
  EXPECT_FALSE(info.output.known);
  EXPECT_TRUE(h->ops[5].output.found);
  EXPECT_EQ(h->ops[5].output.value, "4");
}

TEST(JepsenFormat, ErrorsNameFileAndLine) {
  auto err = [](const std::string& text) {
    Result<History> h = ParseJepsenHistory(text, "x.log");
    EXPECT_FALSE(h.ok());
    return h.ok() ? std::string() : h.status().message();
  };
  EXPECT_EQ(err("INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
                "INFO  jepsen.util - 0\t:ok\t:read\tabc\n"),
            "x.log:2: read of a non-integer \"abc\"");
  EXPECT_EQ(err("\nINFO  jepsen.util - 3\t:ok\t:write\t1\n"),
            "x.log:2: :ok :write of process 3 with no open invocation");
  EXPECT_NE(err("INFO  jepsen.util - 0\t:invoke\t:cas\t[1]\n").find("x.log:1: cas wants [A B]"),
            std::string::npos);
  EXPECT_NE(err("INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
                "INFO  jepsen.util - 0\t:ok\t:write\t1\n")
                .find("x.log:2: completion :write does not match the open read"),
            std::string::npos);
  EXPECT_NE(err("INFO  jepsen.util - 0\t:invoke\t:write\tx\n").find("x.log:1:"),
            std::string::npos);
}

// ---- edn kv ---------------------------------------------------------------------------------

TEST(EdnKvFormat, ParsesMapsAndPairsByProcess) {
  const char* text =
      "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
      "{:process 1, :type :invoke, :f :get, :key \"0\", :value nil}\n"
      "{:process 0, :type :ok, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
      "\n"
      "{:process 1, :type :ok, :f :get, :key \"0\", :value \"\"}\n"
      "{:process 2, :type :invoke, :f :put, :key \"1\", :value \"a \\\"q\\\"\"}\n"
      "{:process 3, :type :invoke, :f :put, :key \"1\", :value \"b\"}\n"
      "{:process 3, :type :fail, :f :put, :key \"1\", :value \"b\"}\n";
  Result<History> h = ParseEdnKvHistory(text, "c.txt");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->model, ModelKind::kKv);
  EXPECT_TRUE(h->empty_is_absent);
  ASSERT_EQ(h->ops.size(), 3u);   // the failed put is dropped
  EXPECT_EQ(h->ops[0].input.kind, OpKind::kAppend);
  EXPECT_EQ(h->ops[0].input.value, "x 0 0 y");
  EXPECT_EQ(h->ops[0].ret, 3);
  EXPECT_EQ(h->ops[1].input.kind, OpKind::kGet);
  EXPECT_EQ(h->ops[1].ret, 5);
  EXPECT_TRUE(h->ops[1].output.found);
  EXPECT_EQ(h->ops[1].output.value, "");
  EXPECT_EQ(h->ops[2].input.value, "a \"q\"");
  EXPECT_FALSE(h->ops[2].ret.has_value());   // never completed
}

TEST(EdnKvFormat, ErrorsNameFileAndLine) {
  auto err = [](const std::string& text) {
    Result<History> h = ParseEdnKvHistory(text, "c.txt");
    EXPECT_FALSE(h.ok());
    return h.ok() ? std::string() : h.status().message();
  };
  EXPECT_EQ(err("{:process 0, :type :invoke, :f :get, :key \"0\", :value nil}\n"
                "{:process 0, :type :ok, :f :get, :key \"0\", :value \"x}\n"),
            "c.txt:2: unterminated string for :value");
  EXPECT_EQ(err("{:process 0, :type :invoke, :f :get, :key \"0\"\n"),
            "c.txt:1: unterminated map (no '}')");
  EXPECT_EQ(err("{:process 0, :type :invoke, :f :cas, :key \"0\", :value nil}\n"),
            "c.txt:1: unknown :f :cas (want :get, :put or :append)");
  EXPECT_EQ(err("{:process 4, :type :ok, :f :get, :key \"0\", :value nil}\n"),
            "c.txt:1: :ok of process 4 with no open invocation");
  EXPECT_EQ(err("{:type :invoke, :f :get, :key \"0\", :value nil}\n"), "c.txt:1: missing :process");
  EXPECT_EQ(err("hello\n"), "c.txt:1: expected '{'");
}

// ---- jsonl (journal) ------------------------------------------------------------------------

TEST(JsonlFormat, ReadsOpEventsAndIgnoresTheRest) {
  const char* text =
      R"({"mono_ns":1,"wall":"w","kind":"session","event":"start"})" "\n"
      R"({"mono_ns":10,"kind":"op","op_id":1,"client":0,"phase":"invoke","f":"put","key":"k","value":"a"})" "\n"
      R"({"mono_ns":11,"kind":"op","op_id":2,"client":1,"phase":"invoke","f":"get","key":"k"})" "\n"
      R"({"mono_ns":12,"kind":"sample","member":"n1","ok":false,"error":"x"})" "\n"
      R"({"mono_ns":20,"kind":"op","op_id":1,"phase":"ok","f":"put","key":"k","revision":5})" "\n"
      R"({"mono_ns":21,"kind":"op","op_id":2,"phase":"ok","f":"get","key":"k","value":"a","found":true})" "\n"
      R"({"mono_ns":30,"kind":"op","op_id":3,"client":0,"phase":"invoke","f":"put","key":"k","value":"b"})" "\n"
      R"({"mono_ns":40,"kind":"op","op_id":3,"phase":"info","error":"deadline exceeded"})" "\n"
      R"({"mono_ns":50,"kind":"op","op_id":4,"client":2,"phase":"invoke","f":"delete","key":"k"})" "\n"
      R"({"mono_ns":55,"kind":"op","op_id":4,"phase":"fail","error":"no leader"})" "\n"
      R"({"mono_ns":60,"kind":"op","op_id":5,"client":1,"phase":"invoke","f":"get","key":"k"})" "\n";
  Result<std::vector<ClientOp>> ops = ParseJournalOps(text, "journal.jsonl");
  ASSERT_TRUE(ops.ok()) << ops.status().ToString();
  ASSERT_EQ(ops->size(), 5u);
  EXPECT_EQ((*ops)[0].outcome, OpOutcome::kOk);
  EXPECT_EQ((*ops)[0].revision, 5);
  EXPECT_EQ((*ops)[1].value, "a");
  EXPECT_TRUE((*ops)[1].found);
  EXPECT_EQ((*ops)[2].outcome, OpOutcome::kUnknown);
  EXPECT_EQ((*ops)[3].outcome, OpOutcome::kFail);
  EXPECT_EQ((*ops)[4].outcome, OpOutcome::kPending);

  Result<History> h = ParseJsonlHistory(text, "journal.jsonl");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->ops.size(), 4u);   // the failed delete is dropped
  EXPECT_EQ(h->ops[0].call, 10);
  EXPECT_EQ(h->ops[0].ret, 20);
  EXPECT_FALSE(h->ops[2].ret.has_value());
}

TEST(JsonlFormat, ErrorsNameFileAndLine) {
  auto err = [](const std::string& text) {
    Result<History> h = ParseJsonlHistory(text, "j.jsonl");
    EXPECT_FALSE(h.ok());
    return h.ok() ? std::string() : h.status().message();
  };
  EXPECT_EQ(err("{\"kind\":\"note\",\"text\":\"x\"}\n{not json\n"), "j.jsonl:2: not a JSON object");
  EXPECT_EQ(err(R"({"mono_ns":1,"kind":"op","op_id":9,"phase":"ok"})" "\n"),
            "j.jsonl:1: completion of op 9 without an invoke");
  EXPECT_EQ(err(R"({"mono_ns":1,"kind":"op","op_id":1,"client":0,"phase":"invoke","f":"txn","key":"k"})" "\n"),
            "j.jsonl:1: unknown f \"txn\" (want put, get or delete)");
  EXPECT_EQ(err(R"({"mono_ns":1,"kind":"op","op_id":1,"client":0,"phase":"invoke","f":"get","key":"k"})" "\n"
                R"({"mono_ns":2,"kind":"op","op_id":1,"phase":"ok"})" "\n"),
            "j.jsonl:2: ok get of op 1 without found");
  EXPECT_EQ(err(R"({"mono_ns":1,"kind":"op","op_id":1,"client":0,"phase":"invoke","f":"put","key":"k"})" "\n"
                R"({"mono_ns":2,"kind":"op","op_id":1,"phase":"ok"})" "\n"
                R"({"mono_ns":3,"kind":"op","op_id":1,"phase":"ok"})" "\n"),
            "j.jsonl:3: op 1 completed twice");
  EXPECT_EQ(err(R"({"mono_ns":1,"kind":"op","op_id":1,"phase":"begin"})" "\n"),
            "j.jsonl:1: unknown phase \"begin\" (want invoke, ok, fail, info)");
}

// ---- detection --------------------------------------------------------------------------------

TEST(HistoryFormat, DetectsEachFormat) {
  EXPECT_EQ(*DetectHistoryFormat("\n{\"kind\":\"op\"}\n", "f"), HistoryFormat::kJsonl);
  EXPECT_EQ(*DetectHistoryFormat("{:process 0}\n", "f"), HistoryFormat::kEdnKv);
  EXPECT_EQ(*DetectHistoryFormat(kJepsen, "f"), HistoryFormat::kJepsen);
  Result<HistoryFormat> bad = DetectHistoryFormat("\nhello\n", "f");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("f:2:"), std::string::npos);
  EXPECT_FALSE(DetectHistoryFormat("", "f").ok());
  EXPECT_EQ(*ParseHistoryFormatName("edn-kv"), HistoryFormat::kEdnKv);
  EXPECT_FALSE(ParseHistoryFormatName("xml").ok());
  EXPECT_STREQ(HistoryFormatName(HistoryFormat::kJepsen), "jepsen");
}

}  // namespace
}  // namespace raftlab::evidence
