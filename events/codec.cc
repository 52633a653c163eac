#include "events/codec.h"

#include <cereal/archives/binary.hpp>

#include <cstring>
#include <ostream>

#include "events/sha256.h"

namespace redline {
namespace {

// Appends everything cereal writes to a caller's string.
class StringWriteBuffer : public std::streambuf {
 public:
  void reset(std::string* out) { out_ = out; }

 protected:
  int_type overflow(int_type ch) override {
    if (ch != traits_type::eof()) out_->push_back(static_cast<char>(ch));
    return ch;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_->append(s, static_cast<std::size_t>(n));
    return n;
  }

 private:
  std::string* out_ = nullptr;
};

// Per-thread encoder state: constructing streams and OpenSSL contexts per event would cost
// more than encoding the event.
struct ThreadCodec {
  StringWriteBuffer write_buffer;
  std::ostream write_stream{&write_buffer};
  Sha256 sha;
};

ThreadCodec& thread_codec() {
  thread_local ThreadCodec codec;
  return codec;
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

namespace internal {

void load_header_body(BoundedInputArchive& archive, EnvelopeHeader* header) {
  std::uint64_t version = 0;
  std::uint8_t role = 0;
  std::optional<std::uint64_t> caused_by;
  std::int64_t occurred_at = 0;
  std::int64_t recorded_at = 0;
  archive(header->stream, version, header->type, header->schema, occurred_at, recorded_at,
          header->actor.id, role, header->command_id, caused_by, header->rule);
  header->version = StreamVersion(version);
  header->occurred_at = Timestamp(occurred_at);
  header->recorded_at = Timestamp(recorded_at);
  header->actor.role = static_cast<Role>(role);
  if (!is_valid(header->actor.role)) {
    throw cereal::Exception("actor role byte " + std::to_string(role) + " is not a role");
  }
  if (caused_by) header->caused_by = Position(*caused_by);
}

}  // namespace internal

Hash encode_envelope(const NewEvent& event, const CommitStamp& stamp, std::string* out) {
  ThreadCodec& codec = thread_codec();
  const std::size_t start = out->size();
  out->push_back(static_cast<char>(kEnvelopeFormat));
  out->append(reinterpret_cast<const char*>(stamp.prev_hash.data()), stamp.prev_hash.size());
  put_u64(out, stamp.position.value());
  codec.write_buffer.reset(out);
  {
    cereal::BinaryOutputArchive archive(codec.write_stream);
    const std::string_view type = event_type_name(event.data);
    std::optional<std::uint64_t> caused_by;
    if (event.caused_by) caused_by = event.caused_by->value();
    archive(event.stream, stamp.version.value(), std::string(type), current_schema(event.data),
            event.occurred_at.value(), stamp.recorded_at.value(), event.actor.id,
            static_cast<std::uint8_t>(event.actor.role), event.command_id, caused_by, event.rule);
    std::visit([&archive](const auto& data) { archive(data); }, event.data);
  }
  const Hash hash =
      codec.sha.digest(std::string_view(out->data() + start, out->size() - start));
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
  return thread_codec().sha.digest(bytes.substr(0, bytes.size() - kHashSize));
}

Result<EnvelopeHeader> decode_header(std::string_view bytes) {
  auto chain = read_chain_fields(bytes);
  if (!chain.ok()) return chain.status();
  EnvelopeHeader header;
  header.position = chain->position;
  try {
    BoundedInputArchive archive(body_of(bytes));
    internal::load_header_body(archive, &header);
  } catch (const std::exception& e) {
    return Status(ErrorCode::corruption, "undecodable envelope at position " +
                                             std::to_string(header.position.value()) + ": " +
                                             e.what());
  }
  return header;
}

Result<Envelope> decode_envelope(std::string_view bytes) {
  auto chain = read_chain_fields(bytes);
  if (!chain.ok()) return chain.status();
  Envelope envelope;
  envelope.position = chain->position;
  envelope.prev_hash = chain->prev_hash;
  envelope.hash = chain->hash;
  const std::string where = " at position " + std::to_string(chain->position.value());
  try {
    BoundedInputArchive archive(body_of(bytes));
    EnvelopeHeader header;
    internal::load_header_body(archive, &header);
    auto data = make_event_of_type(header.type);
    if (!data) {
      return Status(ErrorCode::corruption, "unknown event type '" + header.type + "'" + where);
    }
    std::visit([&archive](auto& value) { archive(value); }, *data);
    if (archive.remaining() != 0) {
      return Status(ErrorCode::corruption,
                    std::to_string(archive.remaining()) +
                        " unexpected bytes after the event data" + where);
    }
    envelope.stream = std::move(header.stream);
    envelope.version = header.version;
    envelope.schema = header.schema;
    envelope.occurred_at = header.occurred_at;
    envelope.recorded_at = header.recorded_at;
    envelope.actor = std::move(header.actor);
    envelope.command_id = std::move(header.command_id);
    envelope.caused_by = header.caused_by;
    envelope.rule = std::move(header.rule);
    envelope.data = std::move(*data);
  } catch (const std::exception& e) {
    return Status(ErrorCode::corruption, "undecodable envelope" + where + ": " + e.what());
  }
  return envelope;
}

}  // namespace redline
