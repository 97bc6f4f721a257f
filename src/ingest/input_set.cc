#include "ingest/input_set.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

namespace memconn {

namespace fs = std::filesystem;

namespace {

using FileId = std::pair<dev_t, ino_t>;

// Remembers what was taken already: files (to name the first path in the note) and
// directories (to cut symlink loops).
struct Seen {
  std::map<FileId, std::string> files;
  std::map<FileId, std::string> dirs;
};

// True the first time this (device, inode) is met as `kind`; otherwise adds a note naming
// the path that was taken.
bool first_visit(const fs::path& p, std::map<FileId, std::string>& seen, const char* what, InputSet& out) {
  struct stat st{};
  if (::stat(p.c_str(), &st) != 0) return true;  // the reader reports why it cannot open it
  auto [it, inserted] = seen.emplace(FileId{st.st_dev, st.st_ino}, p.string());
  if (!inserted) out.notes.push_back(p.string() + ": the same " + what + " as " + it->second + ", read once");
  return inserted;
}

// What a directory walk passed over, to say why a directory gave no file.
struct Passed {
  int hidden = 0;     // ".name" entries (never read)
  int unmatched = 0;  // regular files --glob left out
};

void walk(const fs::path& root, const fs::path& dir, const std::string& glob, Seen& seen, InputSet& out,
          Passed& passed) {
  if (!first_visit(dir, seen.dirs, "directory", out)) return;
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) {
      ++passed.hidden;
      continue;
    }
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
      walk(root, p, glob, seen, out, passed);
    } else if (fs::is_regular_file(st)) {
      if (!glob.empty() && fnmatch(glob.c_str(), p.filename().c_str(), 0) != 0) {
        ++passed.unmatched;
        continue;
      }
      if (!first_visit(p, seen.files, "file", out)) continue;
      out.sources.push_back({p.string(), p.string(), static_cast<uint64_t>(fs::file_size(p, sec)),
                             p.lexically_relative(root).generic_string()});
    }
  }
}

// Why a directory argument gave no file, in the words of the flags the user typed.
std::string why_no_file(const std::string& dir, const std::string& glob, const Passed& passed) {
  if (passed.unmatched > 0)
    return dir + ": no file matches --glob '" + glob + "' (" + std::to_string(passed.unmatched) +
           (passed.unmatched == 1 ? " file does not)" : " files do not)");
  if (!glob.empty()) return dir + ": no file matches --glob '" + glob + "' (the directory holds no files)";
  if (passed.hidden > 0) return dir + ": no files to read (only hidden entries, which are skipped)";
  return dir + ": empty directory";
}

}  // namespace

InputSet expand_inputs(const std::vector<std::string>& args, const std::string& glob) {
  std::vector<size_t> glob_missed;  // warnings about a directory whose every file --glob left out
  InputSet out;
  Seen seen;
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
      size_t sources = out.sources.size(), problems = out.problems.size(), notes = out.notes.size();
      Passed passed;
      walk(a, a, glob, seen, out, passed);
      // A directory whose files were all taken already (a note) or unreadable (a problem) has
      // its line; only one that gave nothing, silently, needs one.
      if (out.sources.size() == sources && out.problems.size() == problems && out.notes.size() == notes) {
        out.warnings.push_back(why_no_file(a, glob, passed));
        if (passed.unmatched > 0) glob_missed.push_back(out.warnings.size() - 1);
      }
    } else if (fs::is_regular_file(st) && !first_visit(a, seen.files, "file", out)) {
      continue;
    } else {
      out.sources.push_back({a, a, fs::is_regular_file(st) ? static_cast<uint64_t>(fs::file_size(a, ec)) : 0,
                             fs::path(a).filename().generic_string()});
    }
  }
  // Nothing to read at all. An empty directory is a quiet day (a cron job on an inbox): a
  // warning, and the run ends ok having sent nothing. A --glob that left out every file there
  // was is most likely a mistyped pattern: an error (exit 1), like a missing file.
  if (out.sources.empty() && out.problems.empty() && !glob_missed.empty()) {
    for (size_t i : glob_missed) out.problems.push_back(out.warnings[i] + ": nothing to read");
    for (auto i = glob_missed.rbegin(); i != glob_missed.rend(); ++i)
      out.warnings.erase(out.warnings.begin() + static_cast<std::ptrdiff_t>(*i));
  }
  return out;
}

uint64_t known_total_bytes(const InputSet& inputs) {
  uint64_t total = 0;
  for (const auto& s : inputs.sources) {
    std::error_code ec;
    if (s.path == "-" || !fs::is_regular_file(s.path, ec)) return 0;
    total += s.size;
  }
  return total;
}

}  // namespace memconn
