#include "cli/words.h"

#include <algorithm>
#include <set>

namespace memconn {

namespace {

// Global options that take a value as the next word (unless written --opt=value).
const std::set<std::string> kTakesValue = {"-c", "--config", "--url", "--api-key-file", "--ca-file",
                                           "--bank", "--state", "--log-format"};

size_t edits(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::optional<size_t> first_word(const std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--") return i + 1 < args.size() ? std::optional<size_t>(i + 1) : std::nullopt;
    if (a.empty() || a[0] != '-') return i;
    if (kTakesValue.count(a)) ++i;  // its value is not a command
  }
  return std::nullopt;
}

std::vector<std::string> rewrite_help_words(std::vector<std::string> args) {
  auto at = first_word(args);
  if (!at) return args;
  if (args[*at] == "version") {
    args[*at] = "--version";
  } else if (args[*at] == "help") {
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(*at));
    args.push_back("--help");
  }
  return args;
}

std::optional<std::string> closest_name(const std::string& word, const std::vector<std::string>& names) {
  std::optional<std::string> best;
  size_t best_d = 3;
  for (const auto& n : names) {
    size_t d = edits(word, n);
    if (word.size() >= 2 && n.rfind(word, 0) == 0) d = std::min<size_t>(d, 1);  // "ing" -> ingest
    if (d < best_d) best_d = d, best = n;
  }
  return best;
}

}  // namespace memconn
