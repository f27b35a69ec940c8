// Parsers that turn history files into a History (history.h):
//   - kJsonl:  raftlab's own journal.jsonl; only "op" events are read (journal_format.md), every
//              other kind is ignored. Ops go through HistoryFromClientOps (fail dropped,
//              info/pending open-ended). KV model.
//   - kJepsen: Jepsen's etcd single-register log lines `INFO  jepsen.util - P\t:type\t:f\tV`
//              (shared/testdata/porcupine/README.md). Lines of other shapes are ignored; times
//              are line numbers. Register model.
//   - kEdnKv:  Porcupine's KV histories, one EDN map a line
//              `{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}`.
//              KV model with "" equal to absent.
// Bad input yields InvalidArgument naming `file:line` and the problem.
//
// Pure functions over text (the caller reads the file); no thread-safety concerns.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "evidence/history.h"
#include "evidence/run.h"

namespace raftlab::evidence {

enum class HistoryFormat { kJsonl, kJepsen, kEdnKv };

const char* HistoryFormatName(HistoryFormat f);             // "jsonl", "jepsen", "edn-kv"
Result<HistoryFormat> ParseHistoryFormatName(std::string_view name);

// Guesses the format from the first non-blank line: `{"` jsonl, `{:` edn-kv, `jepsen.util`
// jepsen. InvalidArgument when none fits.
Result<HistoryFormat> DetectHistoryFormat(std::string_view text, std::string_view file);

// The journal's "op" events joined per op_id, in invoke order. A completion without an invoke,
// a second completion, or an unknown phase is an error; an invoke without completion is kPending.
Result<std::vector<ClientOp>> ParseJournalOps(std::string_view text, std::string_view file);

Result<History> ParseJsonlHistory(std::string_view text, std::string_view file,
                                  const ClientOpConversion& conv = {});
Result<History> ParseJepsenHistory(std::string_view text, std::string_view file);
Result<History> ParseEdnKvHistory(std::string_view text, std::string_view file);

// Detects the format unless given, then parses.
Result<History> ParseHistory(std::string_view text, std::string_view file,
                             std::optional<HistoryFormat> format = std::nullopt);

}  // namespace raftlab::evidence
