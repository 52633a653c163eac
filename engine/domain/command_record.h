// CommandRecord: what is kept under a command_id so that the same command sent again gets
// its first result back (SPEC §3, `"duplicate": true`). It holds the accepted append, not
// its result line: the line also carries the input line number, which differs on every
// resend, and the command_id, which is the record's own key. Stored as a one-byte format
// tag and cereal's binary archive — a third of the size of the JSON line it replaced, which
// every commit wrote to the WAL, the memtable and its SST files. Records written as JSON
// lines by earlier versions are still read. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "engine/event_store.h"
#include "events/status.h"

namespace redline {

// The bytes to remember for an accepted append.
std::string encode_command_record(const StagedAppend& append);

// True when `bytes` is a record of an earlier version: the first result line itself, as
// JSON (decode it with a JSON reader; decode_command_record refuses it).
bool is_json_command_record(std::string_view bytes);

// The append a record holds; `corruption` naming the problem when the bytes are damaged.
Result<StagedAppend> decode_command_record(std::string_view bytes);

}  // namespace redline
