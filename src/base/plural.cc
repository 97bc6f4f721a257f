#include "base/plural.h"

namespace memconn {

std::string count_of(uint64_t n, std::string_view singular, std::string_view plural) {
  std::string s = std::to_string(n) + " ";
  if (n == 1) return s.append(singular);
  if (!plural.empty()) return s.append(plural);
  return s.append(singular).append("s");
}

}  // namespace memconn
