// SHA-256 through OpenSSL's EVP API. One Sha256 object reuses its context and the fetched
// algorithm, so hashing many small events stays cheap. Not thread-safe: one per thread.
#pragma once

#include <memory>
#include <string_view>

#include "events/envelope.h"

namespace redline {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Hash digest(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redline
