#include "core/digest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <random>

namespace memconn {

Sha256 sha256(std::string_view data) {
  // The one-shot SHA256() into the caller's buffer: EVP_Digest(EVP_sha256()) looks the
  // algorithm up again on every call (a lock and a table search in OpenSSL 3), which cost
  // more than hashing a short line.
  Sha256 out;
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

void append_hex(std::string& out, const unsigned char* data, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  size_t at = out.size();
  out.resize(at + n * 2);
  char* p = out.data() + at;
  for (size_t i = 0; i < n; ++i) {
    p[2 * i] = kHex[data[i] >> 4];
    p[2 * i + 1] = kHex[data[i] & 0xF];
  }
}

std::string to_hex(const unsigned char* data, size_t n) {
  std::string s;
  append_hex(s, data, n);
  return s;
}

std::string sha256_hex(std::string_view data) {
  auto d = sha256(data);
  return to_hex(d.data(), d.size());
}

uint64_t fingerprint64(const Sha256& digest) {
  uint64_t v = 0;
  std::memcpy(&v, digest.data(), sizeof v);
  return v;
}

std::string uuid_v4() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    // RAND_bytes only fails without entropy; fall back rather than abort an ingest.
    std::random_device rd;
    for (auto& x : b) x = static_cast<unsigned char>(rd());
  }
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  std::string h = to_hex(b, sizeof b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20);
}

bool looks_like_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace memconn
