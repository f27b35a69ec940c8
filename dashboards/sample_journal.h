// A synthetic but realistic journal (journal_format.md) of a 20-second, 3-member run, for
// tests and for looking at the panels without a lab: n1 leads in term 2; a partition isolates
// n1 (it keeps campaigning, pre-vote off, and its term runs to 6) while n2 leads the majority
// in term 3; after the heal n1's high term forces an election that n3 wins in term 7; n2 is
// killed and restarted; finally a slow disk on n3 (never ended) makes fsyncs and writes slow.
// Clients write every 250 ms; writes through the cut-off n1 time out or fail.
//
// Deterministic (no clock, no randomness). Thread-safe.
#pragma once

#include <string>

namespace raftlab::dashboards {

// The journal.jsonl text, one event per line.
std::string SampleJournalForTest();

}  // namespace raftlab::dashboards
