// The commands `raftlab wal dump <data-dir> [--json]` and `raftlab snap show <data-dir> [--json]`
// as functions the CLI's subcommand table calls: all output goes to the given streams, the return
// value is the exit code. 0: read, nothing wrong; 1: read, but problems were found (CRC mismatch,
// broken chain, undecodable record); 2: bad input (no such directory, no WAL or snapshot there).
//
// <data-dir> is an etcd --data-dir (the WAL is <data-dir>/member/wal, snapshots are
// <data-dir>/member/snap); a directory that directly holds .wal (or .snap) files is accepted too,
// for a separate --wal-dir. These functions read files and nothing else; thread-safe.
#pragma once

#include <ostream>
#include <string>

#include "common/status.h"
#include "evidence/raft_log.h"

namespace raftlab::evidence {

int RunWalDump(const std::string& data_dir, bool json, std::ostream& out, std::ostream& err);
int RunSnapShow(const std::string& data_dir, bool json, std::ostream& out, std::ostream& err);

// Where the WAL segments of `data_dir` are. InvalidArgument, naming the paths tried, if nowhere.
Result<std::string> FindWalDir(const std::string& data_dir);
// Where the .snap files of `data_dir` are (the directory may hold none yet).
Result<std::string> FindSnapDir(const std::string& data_dir);

// The readable table `wal dump` prints for `log` read from `wal_dir`. Pure.
std::string FormatWalDump(const RaftLog& log, const std::string& wal_dir);

}  // namespace raftlab::evidence
