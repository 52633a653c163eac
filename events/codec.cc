#include "events/codec.h"

#include <cstring>

#include "events/sha256.h"

namespace redline {
namespace {

// One hasher per thread: creating an OpenSSL context per event would cost more than
// hashing the event.
Sha256& thread_sha() {
  thread_local Sha256 sha;
  return sha;
}

void put_u64(std::string* out, std::uint64_t value) {
  char bytes[8];
  std::memcpy(bytes, &value, sizeof bytes);  // little-endian hosts only (x86-64, aarch64)
  out->append(bytes, sizeof bytes);
}

std::uint64_t get_u64(const char* p) {
  std::uint64_t value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

std::string_view body_of(std::string_view bytes) {
  return bytes.substr(kBodyOffset, bytes.size() - kBodyOffset - kHashSize);
}

}  // namespace


Hash encode_envelope(const NewEvent& event, const CommitStamp& stamp, std::string* out) {
  const std::size_t start = out->size();
  out->push_back(static_cast<char>(kEnvelopeFormat));
  out->append(reinterpret_cast<const char*>(stamp.prev_hash.data()), stamp.prev_hash.size());
  put_u64(out, stamp.position.value());
  {
    StringOutputArchive archive(out);
    const std::string_view type = event_type_name(event.data);
    std::optional<std::uint64_t> caused_by;
    if (event.caused_by) caused_by = event.caused_by->value();
    archive(event.stream, stamp.version.value(), std::string(type), current_schema(event.data),
            event.occurred_at.value(), stamp.recorded_at.value(), event.actor.id,
            static_cast<std::uint8_t>(event.actor.role), event.command_id, caused_by, event.rule);
    std::visit([&archive](const auto& data) { archive(data); }, event.data);
  }
  const Hash hash =
      thread_sha().digest(std::string_view(out->data() + start, out->size() - start));
  out->append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return hash;
}

Result<ChainFields> read_chain_fields(std::string_view bytes) {
  if (bytes.size() < kMinEnvelopeSize) {
    return Status(ErrorCode::corruption, "envelope of " + std::to_string(bytes.size()) +
                                             " bytes is shorter than its fixed fields");
  }
  if (static_cast<std::uint8_t>(bytes[0]) != kEnvelopeFormat) {
    return Status(ErrorCode::corruption,
                  "unknown envelope format " + std::to_string(static_cast<std::uint8_t>(bytes[0])));
  }
  ChainFields fields;
  std::memcpy(fields.prev_hash.data(), bytes.data() + kPrevHashOffset, kHashSize);
  fields.position = Position(get_u64(bytes.data() + kPositionOffset));
  std::memcpy(fields.hash.data(), bytes.data() + bytes.size() - kHashSize, kHashSize);
  return fields;
}

Hash compute_envelope_hash(std::string_view bytes) {
  return thread_sha().digest(bytes.substr(0, bytes.size() - kHashSize));
}

Result<EnvelopeHeader> decode_header(std::string_view bytes) {
  auto chain = read_chain_fields(bytes);
  if (!chain.ok()) return chain.status();
  EnvelopeHeader header;
  header.position = chain->position;
  try {
    BoundedInputArchive archive(body_of(bytes));
    header.type.assign(internal::load_header_body(archive, &header));
  } catch (const std::exception& e) {
    return Status(ErrorCode::corruption, "undecodable envelope at position " +
                                             std::to_string(header.position.value()) + ": " +
                                             e.what());
  }
  return header;
}

Status decode_envelope_into(std::string_view bytes, Envelope* out, const DataWanted* wanted) {
  auto chain = read_chain_fields(bytes);
  if (!chain.ok()) return chain.status();
  out->position = chain->position;
  out->prev_hash = chain->prev_hash;
  out->hash = chain->hash;
  try {
    BoundedInputArchive archive(body_of(bytes));
    const std::string_view type = internal::load_header_body(archive, out);
    auto index = event_type_index(type);
    if (!index) {
      return Status(ErrorCode::corruption, "unknown event type '" + std::string(type) + "' at position " +
                                               std::to_string(chain->position.value()));
    }
    if (wanted != nullptr && !(*wanted)(*out, type)) {
      emplace_default_event(out->data, *index);
      return Status::Ok();
    }
    // Loading overwrites every field of the current schema, so a value of the same type
    // is reused as is; an older schema starts from defaults so new fields get theirs.
    if (out->data.index() != *index || out->schema < current_schema(out->data)) {
      emplace_default_event(out->data, *index);
    }
    std::visit([&archive](auto& value) { archive(value); }, out->data);
    if (archive.remaining() != 0) {
      return Status(ErrorCode::corruption,
                    std::to_string(archive.remaining()) +
                        " unexpected bytes after the event data at position " +
                        std::to_string(chain->position.value()));
    }
  } catch (const std::exception& e) {
    return Status(ErrorCode::corruption, "undecodable envelope at position " +
                                             std::to_string(chain->position.value()) + ": " +
                                             e.what());
  }
  return Status::Ok();
}

Result<Envelope> decode_envelope(std::string_view bytes) {
  Envelope envelope;
  Status decoded = decode_envelope_into(bytes, &envelope);
  if (!decoded.ok()) return decoded;
  return envelope;
}

}  // namespace redline
