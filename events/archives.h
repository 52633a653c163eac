// The cereal archives of the envelope codec, in cereal's binary format (little-endian
// integers, u64 lengths, u8 enums and presence flags):
// - StringOutputArchive appends straight to a std::string (no ostream in between);
// - BoundedInputArchive reads straight from a caller's memory, refusing any length that
//   claims more bytes than remain and any bool that is not 0 or 1. Stored bytes may be
//   damaged or hostile (a Kafka topic, a disk fault); cereal's own BinaryInputArchive would
//   first allocate whatever a corrupted length says.
// One archive per encode or decode; not thread-safe.
#pragma once

#include <cereal/cereal.hpp>

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace redline {

class StringOutputArchive
    : public cereal::OutputArchive<StringOutputArchive, cereal::AllowEmptyClassElision> {
 public:
  explicit StringOutputArchive(std::string* out)
      : cereal::OutputArchive<StringOutputArchive, cereal::AllowEmptyClassElision>(this),
        out_(out) {}

  void saveBinary(const void* data, std::size_t size) {
    out_->append(static_cast<const char*>(data), size);
  }

 private:
  std::string* out_;
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

class BoundedInputArchive
    : public cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision> {
 public:
  explicit BoundedInputArchive(std::string_view bytes)
      : cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision>(this),
        next_(bytes.data()),
        remaining_(bytes.size()) {}

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

  std::size_t remaining() const { return remaining_; }

 private:
  [[noreturn]] __attribute__((noinline, cold)) void throw_short(std::size_t size) const {
    throw cereal::Exception("needs " + std::to_string(size) + " bytes, only " +
                            std::to_string(remaining_) + " remain");
  }

  const char* next_;
  std::size_t remaining_;
};

template <class T>
std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>> CEREAL_LOAD_FUNCTION_NAME(
    BoundedInputArchive& archive, T& value) {
  archive.loadValue(std::addressof(value));
}

inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, bool& value) {
  std::uint8_t byte = 0;
  archive.loadValue(&byte);
  if (byte > 1) throw cereal::Exception("bool byte " + std::to_string(byte) + " is not 0 or 1");
  value = byte == 1;
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, cereal::NameValuePair<T>& pair) {
  archive(pair.value);
}

// Every element of a string or container takes at least one byte, so a length larger than
// the bytes left is a lie.
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, cereal::SizeTag<T>& tag) {
  archive(tag.size);
  if (static_cast<std::uint64_t>(tag.size) > archive.remaining()) [[unlikely]] {
    throw cereal::Exception("length " + std::to_string(tag.size) + " exceeds the " +
                            std::to_string(archive.remaining()) + " bytes left");
  }
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, cereal::BinaryData<T>& data) {
  archive.loadBinary(data.data, static_cast<std::size_t>(data.size));
}

}  // namespace redline

CEREAL_REGISTER_ARCHIVE(redline::StringOutputArchive)
CEREAL_REGISTER_ARCHIVE(redline::BoundedInputArchive)
CEREAL_SETUP_ARCHIVE_TRAITS(redline::BoundedInputArchive, redline::StringOutputArchive)
