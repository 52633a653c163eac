// BoundedInputArchive: cereal's binary input format read straight from a caller's memory,
// refusing any length that claims more bytes than remain and any bool that is not 0 or 1.
// Stored bytes may be damaged or hostile (a Kafka topic, a disk fault); cereal's own
// BinaryInputArchive would first allocate whatever a corrupted length says. Same byte
// format as cereal::BinaryOutputArchive writes. One archive per decode; not thread-safe.
#pragma once

#include <cereal/archives/binary.hpp>
#include <cereal/cereal.hpp>

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace redline {

class BoundedInputArchive
    : public cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision> {
 public:
  explicit BoundedInputArchive(std::string_view bytes)
      : cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision>(this),
        next_(bytes.data()),
        remaining_(bytes.size()) {}

  void loadBinary(void* out, std::size_t size) {
    if (size > remaining_) {
      throw cereal::Exception("needs " + std::to_string(size) + " bytes, only " +
                              std::to_string(remaining_) + " remain");
    }
    std::memcpy(out, next_, size);
    next_ += size;
    remaining_ -= size;
  }

  std::size_t remaining() const { return remaining_; }

 private:
  const char* next_;
  std::size_t remaining_;
};

template <class T>
std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>> CEREAL_LOAD_FUNCTION_NAME(
    BoundedInputArchive& archive, T& value) {
  archive.loadBinary(std::addressof(value), sizeof(value));
}

inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, bool& value) {
  std::uint8_t byte = 0;
  archive.loadBinary(&byte, 1);
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
  if (static_cast<std::uint64_t>(tag.size) > archive.remaining()) {
    throw cereal::Exception("length " + std::to_string(tag.size) + " exceeds the " +
                            std::to_string(archive.remaining()) + " bytes left");
  }
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, cereal::BinaryData<T>& data) {
  archive.loadBinary(data.data, static_cast<std::size_t>(data.size));
}

}  // namespace redline

CEREAL_REGISTER_ARCHIVE(redline::BoundedInputArchive)

// Its output side is cereal's BinaryOutputArchive (whose own input side stays cereal's).
namespace cereal::traits::detail {
template <>
struct get_output_from_input<redline::BoundedInputArchive> {
  using type = cereal::BinaryOutputArchive;
};
}  // namespace cereal::traits::detail
