// Small file helpers for JSON documents and text: read whole files, write atomically
// (temp file + rename, so a crash never leaves half a state file), parse without exceptions.
// Thread-safe (no shared state).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace raftlab {

using Json = nlohmann::json;

Result<std::string> ReadFile(const std::string& path);
Status WriteFileAtomic(const std::string& path, const std::string& content);
Result<Json> ParseJson(const std::string& text);
Result<Json> ReadJsonFile(const std::string& path);
Status WriteJsonFileAtomic(const std::string& path, const Json& doc);
// mkdir -p
Status MakeDirs(const std::string& path);
// The last `lines` lines of a text file, each indented on its own line, for error messages
// that must outlive the file ("" when it cannot be read).
std::string TailOfFile(const std::string& path, size_t lines);
// The same for text already read (e.g. a log fetched from a member's host).
std::string TailOfText(const std::string& text, size_t lines);

}  // namespace raftlab
