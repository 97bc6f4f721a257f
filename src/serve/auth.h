// The API key check: `Authorization: Bearer <key>`, compared in constant time (SHA-256 of
// both sides, so neither the key's bytes nor its length leak through timing).
#pragma once
#include <string>
#include <string_view>

#include "base/digest.h"

namespace memconn {

class ApiKey {
 public:
  explicit ApiKey(std::string_view key);  // "" = no key: every request is allowed
  bool required() const { return required_; }
  // True when the header carries the key (scheme case-insensitive, one space or more).
  bool accepts(std::string_view authorization_header) const;

 private:
  bool required_;
  Sha256 digest_{};
};

}  // namespace memconn
