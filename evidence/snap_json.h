// SnapFile list <-> JSON Lines: the form of logs/<member>.snap.jsonl in a run directory, what
// the run captured of a member's .snap files (snap_reader.h) for the membership checker.
//
// One JSON object per .snap file, in name order:
//   {"record":"snap","name","index","term","voters":[..],"learners":[..],"voters_outgoing":[..],
//    "learners_next":[..],"store_size","crc_ok","problems":[..]}
// Ids are lowercase hex strings as etcd prints them. An empty text is a member with no .snap file.
// SnapFilesFromJsonl(SnapFilesToJsonl(files)) == files. Pure functions; thread-safe; never throw.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "evidence/snap_reader.h"

namespace raftlab::evidence {

std::string SnapFilesToJsonl(const std::vector<SnapFile>& files);

// InvalidArgument naming the line on malformed input. Lines of other records are skipped.
Result<std::vector<SnapFile>> SnapFilesFromJsonl(std::string_view jsonl);

}  // namespace raftlab::evidence
