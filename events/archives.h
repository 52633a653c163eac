// The cereal archives of the envelope codec, in cereal's binary format (little-endian
// integers, u64 lengths, u8 enums and presence flags):
// - StringOutputArchive appends straight to a std::string (no ostream in between);
// - BoundedInputArchive reads straight from a caller's memory, refusing any length that
//   claims more bytes than remain and any bool that is not 0 or 1. Stored bytes may be
//   damaged or hostile (a Kafka topic, a disk fault); cereal's own BinaryInputArchive would
//   first allocate whatever a corrupted length says.
// Both keep the class versions cereal writes once per archive (the first time a versioned
// type appears) in a small inline list instead of cereal's node-based hash containers and
// global registry: an archive lives for one event, and those cost two allocations and a
// lock per event and per versioned type (see the specializations at the end).
// One archive per encode or decode; not thread-safe.
#pragma once

#include <cereal/cereal.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace redline {

namespace internal {

// A distinct address per type, with no static initialisation guard to check.
template <class T>
inline constexpr char kVersionedTypeKey = 0;

// The versioned types an archive has met, with the version of each (the one written, or
// the one read). Lookups are linear: an event holds a handful of versioned types.
class ArchiveVersions {
 public:
  const std::uint32_t* find(const void* type) const {
    for (std::size_t i = 0; i < inline_count_; ++i) {
      if (inline_[i].type == type) return &inline_[i].version;
    }
    for (const auto& entry : spilled_) {
      if (entry.type == type) return &entry.version;
    }
    return nullptr;
  }
  void add(const void* type, std::uint32_t version) {
    if (inline_count_ < inline_.size()) {
      inline_[inline_count_++] = Entry{type, version};
    } else {
      spilled_.push_back(Entry{type, version});
    }
  }

 private:
  struct Entry {
    const void* type;
    std::uint32_t version;
  };
  std::array<Entry, 8> inline_{};
  std::size_t inline_count_ = 0;
  std::vector<Entry> spilled_;  // past eight types: never seen in one event
};

}  // namespace internal

class StringOutputArchive
    : public cereal::OutputArchive<StringOutputArchive, cereal::AllowEmptyClassElision> {
 public:
  explicit StringOutputArchive(std::string* out)
      : cereal::OutputArchive<StringOutputArchive, cereal::AllowEmptyClassElision>(this),
        out_(out) {}

  void saveBinary(const void* data, std::size_t size) {
    out_->append(static_cast<const char*>(data), size);
  }

  internal::ArchiveVersions& versions() { return versions_; }

 private:
  std::string* out_;
  internal::ArchiveVersions versions_;
};

template <class T>
std::enable_if_t<std::is_arithmetic_v<T>> CEREAL_SAVE_FUNCTION_NAME(StringOutputArchive& archive,
                                                                    const T& value) {
  archive.saveBinary(std::addressof(value), sizeof(value));
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(StringOutputArchive& archive,
                               const cereal::NameValuePair<T>& pair) {
  archive(pair.value);
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(StringOutputArchive& archive, const cereal::SizeTag<T>& tag) {
  archive(tag.size);
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(StringOutputArchive& archive, const cereal::BinaryData<T>& data) {
  archive.saveBinary(data.data, static_cast<std::size_t>(data.size));
}

// The reading half of BoundedInputArchive on its own: a cursor over bytes in cereal's
// binary layout, for codecs that read a fixed shape without a cereal archive (whose
// construction costs more than a small record's fields). Throws cereal::Exception on
// damaged bytes, as the archive does.
class BoundedReader {
 public:
  explicit BoundedReader(std::string_view bytes) : next_(bytes.data()), remaining_(bytes.size()) {}

  void loadBinary(void* out, std::size_t size) {
    if (size > remaining_) [[unlikely]] throw_short(size);
    std::memcpy(out, next_, size);
    next_ += size;
    remaining_ -= size;
  }

  // A fixed-size value: the copy inlines to a single load.
  template <class T>
  void loadValue(T* out) {
    if (sizeof(T) > remaining_) [[unlikely]] throw_short(sizeof(T));
    std::memcpy(out, next_, sizeof(T));
    next_ += sizeof(T);
    remaining_ -= sizeof(T);
  }

  // Every element of a string or container takes at least one byte, so a length larger
  // than the bytes left is a lie.
  void checkLength(std::uint64_t size) const {
    if (size > remaining_) [[unlikely]] throw_length(size);
  }
  // A u64 length and that many bytes, as cereal writes a string: a view of the bytes.
  std::string_view loadSized() {
    std::uint64_t size = 0;
    loadValue(&size);
    checkLength(size);
    const std::string_view bytes(next_, static_cast<std::size_t>(size));
    next_ += size;
    remaining_ -= size;
    return bytes;
  }
  // cereal's bool: a byte that must be 0 or 1.
  bool loadBool() {
    std::uint8_t byte = 0;
    loadValue(&byte);
    if (byte > 1) [[unlikely]] throw_bool(byte);
    return byte == 1;
  }

  // A string as loadSized() reads it, into `value`, reusing its buffer: std::string's
  // assign() takes a general path (overlap checks, a reallocation plan) that costs more
  // than the copy for the short strings of an envelope.
  void loadStringInto(std::string& value) {
    const std::string_view bytes = loadSized();
    if (bytes.size() <= value.capacity()) {
      value.resize(bytes.size());
      if (!bytes.empty()) std::memcpy(value.data(), bytes.data(), bytes.size());
    } else {
      value.assign(bytes);
    }
  }
  // cereal's optional string: a "nullopt" flag (true when absent), then the string. The
  // string it already holds is reused.
  void loadOptionalStringInto(std::optional<std::string>& value) {
    if (loadBool()) {
      value.reset();
      return;
    }
    if (!value) value.emplace();
    loadStringInto(*value);
  }

  std::size_t remaining() const { return remaining_; }

 private:
  [[noreturn]] __attribute__((noinline, cold)) void throw_short(std::size_t size) const {
    throw cereal::Exception("needs " + std::to_string(size) + " bytes, only " +
                            std::to_string(remaining_) + " remain");
  }
  [[noreturn]] __attribute__((noinline, cold)) void throw_length(std::uint64_t size) const {
    throw cereal::Exception("length " + std::to_string(size) + " exceeds the " + std::to_string(remaining_) +
                            " bytes left");
  }
  [[noreturn]] __attribute__((noinline, cold)) static void throw_bool(std::uint8_t byte) {
    throw cereal::Exception("bool byte " + std::to_string(byte) + " is not 0 or 1");
  }

  const char* next_;
  std::size_t remaining_;
};

// cereal's bytes, appended without an archive (the writing counterparts of BoundedReader).
inline void append_sized(std::string_view value, std::string* out) {
  const std::uint64_t size = value.size();
  out->append(reinterpret_cast<const char*>(&size), sizeof size);
  out->append(value);
}
inline void append_optional_string(const std::optional<std::string>& value, std::string* out) {
  out->push_back(value ? 0 : 1);  // "nullopt"
  if (value) append_sized(*value, out);
}

class BoundedInputArchive
    : public cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision>,
      public BoundedReader {
 public:
  explicit BoundedInputArchive(std::string_view bytes)
      : cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision>(this),
        BoundedReader(bytes) {}

  internal::ArchiveVersions& versions() { return versions_; }

 private:
  internal::ArchiveVersions versions_;
};

template <class T>
std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>> CEREAL_LOAD_FUNCTION_NAME(
    BoundedInputArchive& archive, T& value) {
  archive.loadValue(std::addressof(value));
}

inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, bool& value) { value = archive.loadBool(); }

// Strings in cereal's bytes, read in one step: cereal's own load zero-fills the string
// before copying into it, through a size tag and a binary-data wrapper; a replay reads
// millions. Preferred to cereal's templates as the more specialised overloads.
inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, std::string& value) {
  archive.loadStringInto(value);
}
// An optional string reuses the string it already holds (cereal's load destroys it and
// makes a new one), as a replay decoding into one envelope does for every event. cereal
// writes the flag as "nullopt": true when absent.
inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, std::optional<std::string>& value) {
  archive.loadOptionalStringInto(value);
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, cereal::NameValuePair<T>& pair) {
  archive(pair.value);
}

// Container and string lengths (BoundedInputArchive::checkLength).
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, cereal::SizeTag<T>& tag) {
  archive.loadValue(&tag.size);
  archive.checkLength(static_cast<std::uint64_t>(tag.size));
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, cereal::BinaryData<T>& data) {
  archive.loadBinary(data.data, static_cast<std::size_t>(data.size));
}

}  // namespace redline

// cereal's own registerClassVersion / loadClassVersion, for these two archives only, with
// the same bytes: a type's version is written (read) the first time the archive meets the
// type. The written version is the type's CEREAL_CLASS_VERSION, as cereal's registry gives
// when each type has one declaration. Declared before any use of either archive can
// instantiate cereal's generic versions.
namespace cereal {

template <>
template <class T>
inline std::uint32_t
OutputArchive<redline::StringOutputArchive, AllowEmptyClassElision>::registerClassVersion() {
  const void* type = &redline::internal::kVersionedTypeKey<T>;
  const std::uint32_t version = detail::Version<T>::version;
  auto& versions = self->versions();
  if (versions.find(type) == nullptr) {
    versions.add(type, version);
    process(make_nvp<redline::StringOutputArchive>("cereal_class_version", version));
  }
  return version;
}

template <>
template <class T>
inline std::uint32_t
InputArchive<redline::BoundedInputArchive, AllowEmptyClassElision>::loadClassVersion() {
  const void* type = &redline::internal::kVersionedTypeKey<T>;
  auto& versions = self->versions();
  if (const std::uint32_t* known = versions.find(type)) return *known;
  std::uint32_t version = 0;
  process(make_nvp<redline::BoundedInputArchive>("cereal_class_version", version));
  versions.add(type, version);
  return version;
}

}  // namespace cereal

CEREAL_REGISTER_ARCHIVE(redline::StringOutputArchive)
CEREAL_REGISTER_ARCHIVE(redline::BoundedInputArchive)
CEREAL_SETUP_ARCHIVE_TRAITS(redline::BoundedInputArchive, redline::StringOutputArchive)
