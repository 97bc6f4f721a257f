#include "base/digest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <random>

namespace memconn {

namespace {
// OpenSSL 3 looks an algorithm up (a global rwlock and a hash table) on every EVP_sha256()
// use, and even the one-shot SHA256() does so internally, which costs more than hashing a
// short line. So the algorithm is fetched once, and each thread keeps one context.
struct DigestContext {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~DigestContext() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
};
}  // namespace

Sha256 sha256(std::string_view data) {
  thread_local DigestContext d;
  Sha256 out;
  unsigned int len = 0;
  if (!d.md || !d.ctx || !EVP_DigestInit_ex2(d.ctx, d.md, nullptr) || !EVP_DigestUpdate(d.ctx, data.data(), data.size()) ||
      !EVP_DigestFinal_ex(d.ctx, out.data(), &len))
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);  // never expected
  return out;
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr); }
Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256Stream::update(std::string_view data) { EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()); }
Sha256 Sha256Stream::finish() {
  Sha256 out{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &len);
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
