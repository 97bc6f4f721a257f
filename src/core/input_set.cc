#include "core/input_set.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace memconn {

namespace fs = std::filesystem;

namespace {

void walk(const fs::path& root, const fs::path& dir, const std::string& glob, InputSet& out) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) continue;
    entries.push_back(it->path());
  }
  if (ec) {
    out.problems.push_back(dir.string() + ": " + ec.message());
    return;
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    std::error_code sec;
    auto st = fs::status(p, sec);
    if (sec) {
      out.problems.push_back(p.string() + ": " + sec.message());
    } else if (fs::is_directory(st)) {
      walk(root, p, glob, out);
    } else if (fs::is_regular_file(st)) {
      if (!glob.empty() && fnmatch(glob.c_str(), p.filename().c_str(), 0) != 0) continue;
      out.sources.push_back({p.string(), p.string(), static_cast<uint64_t>(fs::file_size(p, sec)),
                             p.lexically_relative(root).generic_string()});
    }
  }
}

}  // namespace

InputSet expand_inputs(const std::vector<std::string>& args, const std::string& glob) {
  InputSet out;
  for (const auto& a : args) {
    if (a == "-") {
      out.sources.push_back({"-", "stdin", 0, "stdin"});
      continue;
    }
    std::error_code ec;
    auto st = fs::status(a, ec);
    if (ec || !fs::exists(st)) {
      out.problems.push_back(a + ": " + (ec ? ec.message() : "No such file or directory"));
    } else if (fs::is_directory(st)) {
      walk(a, a, glob, out);
    } else {
      out.sources.push_back({a, a, fs::is_regular_file(st) ? static_cast<uint64_t>(fs::file_size(a, ec)) : 0,
                             fs::path(a).filename().generic_string()});
    }
  }
  return out;
}

}  // namespace memconn
