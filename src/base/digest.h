// Content identity: SHA-256 (via OpenSSL) for stable document ids, and random UUIDs for
// async operation ids.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace memconn {

using Sha256 = std::array<unsigned char, 32>;

Sha256 sha256(std::string_view data);

// SHA-256 of data given in pieces (a file read block by block).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void update(std::string_view data);
  Sha256 finish();

 private:
  void* ctx_;  // EVP_MD_CTX
};
std::string to_hex(const unsigned char* data, size_t n);
// Lower-case hex of data appended to out, without a temporary string.
void append_hex(std::string& out, const unsigned char* data, size_t n);
std::string sha256_hex(std::string_view data);
// First 8 bytes of a digest as an integer: a cheap key for in-run duplicate detection.
uint64_t fingerprint64(const Sha256& digest);
// RFC 4122 version-4 UUID from a cryptographic RNG, lower-case.
std::string uuid_v4();
bool looks_like_uuid(std::string_view s);

}  // namespace memconn
