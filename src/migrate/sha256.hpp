// SHA-256 (FIPS 180-4) and standard base64, self-contained: the strata.sum file needs nothing more,
// so strata does not depend on a crypto library.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata::migrate {

class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;

  Sha256();
  void Update(std::string_view data);
  // The digest of everything written so far. The running state is left untouched, so more data
  // can follow (Atlas's sum records the running hash after each file this way).
  Digest Sum() const;

 private:
  void Block(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes written in total
};

// Lower-case hexadecimal, two digits a byte (cache keys, ent's MD5 name suffixes).
std::string Hex(const std::uint8_t* bytes, std::size_t size);

// Standard base64 (RFC 4648 §4, with padding).
std::string Base64(std::string_view bytes);
std::string Base64(const Sha256::Digest& digest);

}  // namespace strata::migrate
