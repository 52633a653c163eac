#include "events/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace redline {

struct Sha256::Impl {
  EVP_MD* algorithm = nullptr;
  EVP_MD_CTX* context = nullptr;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  // Fetching once avoids OpenSSL 3's implicit fetch on every digest.
  impl_->algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  impl_->context = EVP_MD_CTX_new();
  if (impl_->algorithm == nullptr || impl_->context == nullptr) {
    // Only when OpenSSL itself is broken; nothing can be stored without hashing.
    throw std::runtime_error("OpenSSL SHA-256 is unavailable");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(impl_->context);
  EVP_MD_free(impl_->algorithm);
}

Hash Sha256::digest(std::string_view bytes) {
  Hash out{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(impl_->context, impl_->algorithm, nullptr) != 1 ||
      EVP_DigestUpdate(impl_->context, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(impl_->context, out.data(), &length) != 1 || length != out.size()) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return out;
}

}  // namespace redline
