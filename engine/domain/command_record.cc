#include "engine/domain/command_record.h"

#include <cstdint>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "events/archives.h"

namespace redline {
namespace {

// The first byte of a record; a JSON line starts with '{'.
constexpr char kRecordFormat = '\x01';

}  // namespace

std::string encode_command_record(const StagedAppend& append) {
  std::string bytes(1, kRecordFormat);
  StringOutputArchive archive(&bytes);
  // The last position follows from the first and the number of events.
  archive(append.stream, append.version.value(), append.first_position.value(), append.types);
  return bytes;
}

bool is_json_command_record(std::string_view bytes) { return bytes.starts_with('{'); }

Result<StagedAppend> decode_command_record(std::string_view bytes) {
  if (bytes.empty() || bytes.front() != kRecordFormat) {
    return Status(ErrorCode::corruption, "command record of unknown format");
  }
  StagedAppend append;
  std::uint64_t version = 0;
  std::uint64_t first_position = 0;
  try {
    BoundedInputArchive archive(bytes.substr(1));
    archive(append.stream, version, first_position, append.types);
    if (archive.remaining() != 0) {
      return Status(ErrorCode::corruption,
                    "command record has " + std::to_string(archive.remaining()) +
                        " bytes after its end");
    }
  } catch (const cereal::Exception& e) {
    return Status(ErrorCode::corruption, std::string("command record: ") + e.what());
  }
  if (append.types.empty() || first_position == 0 || version == 0) {
    return Status(ErrorCode::corruption, "command record without events");
  }
  if (first_position > UINT64_MAX - append.types.size()) {
    return Status(ErrorCode::corruption, "command record's positions overflow");
  }
  append.version = StreamVersion(version);
  append.first_position = Position(first_position);
  append.last_position = Position(first_position + append.types.size() - 1);
  return append;
}

}  // namespace redline
