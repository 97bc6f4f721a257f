#include "serve/auth.h"

namespace memconn {

ApiKey::ApiKey(std::string_view key) : required_(!key.empty()) {
  if (required_) digest_ = sha256(key);
}

bool ApiKey::accepts(std::string_view h) const {
  if (!required_) return true;
  constexpr std::string_view kScheme = "bearer ";
  if (h.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    char c = h[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return false;
  }
  h.remove_prefix(kScheme.size());
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  Sha256 given = sha256(h);
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ digest_[i]);
  return diff == 0;
}

}  // namespace memconn
