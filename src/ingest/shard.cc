#include "ingest/shard.h"

#include <charconv>

#include "base/digest.h"
#include "base/exit_codes.h"

namespace memconn {

namespace {

// A whole non-negative decimal number, nothing else (no sign, no blanks, no "0x").
bool parse_count(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

Result<Shard> Shard::parse(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Error{"--shard: " + why + " (expected K/N with 0 <= K < N, e.g. 0/4), not \"" + std::string(text) + "\"",
                 exit_code::kUsage};
  };
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return bad("no '/'");
  Shard s;
  if (!parse_count(text.substr(0, slash), s.k)) return bad("K is not a number");
  if (!parse_count(text.substr(slash + 1), s.n)) return bad("N is not a number");
  if (s.n < 1) return bad("N must be at least 1");
  if (s.n > kMaxShards) return bad("N must be at most " + std::to_string(kMaxShards));
  if (s.k >= s.n) return bad("K must be smaller than N");
  return s;
}

int shard_of(const std::string& document_id, int n) {
  if (n <= 1) return 0;
  Sha256 d = sha256(document_id);
  uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | d[static_cast<size_t>(i)];
  return static_cast<int>(h % static_cast<uint64_t>(n));
}

bool Shard::owns(const std::string& document_id) const { return n <= 1 || shard_of(document_id, n) == k; }

std::string Shard::to_string() const { return std::to_string(k) + "/" + std::to_string(n); }

std::string Shard::path_tag() const { return "shard-" + std::to_string(k) + "-of-" + std::to_string(n); }

}  // namespace memconn
