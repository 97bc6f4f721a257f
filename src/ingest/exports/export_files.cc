#include "ingest/exports/export_files.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <system_error>

namespace memconn {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

bool has_zip_extension(std::string_view path) { return ends_with(lower(path), ".zip"); }

FileRole classify_export_file(std::string_view path) {
  std::string p = lower(path);
  // macOS's Finder adds __MACOSX/ resource forks and .DS_Store to ZIPs it makes.
  if (p.starts_with("__macosx/") || p.find("/__macosx/") != std::string::npos) return FileRole::Other;
  size_t slash = p.rfind('/');
  std::string_view base = std::string_view(p).substr(slash == std::string::npos ? 0 : slash + 1);
  if (base.empty() || base.front() == '.' || !ends_with(base, ".json")) return FileRole::Other;
  if (base.starts_with("conversations")) return FileRole::Conversations;
  static constexpr std::array<std::string_view, 8> kCompanions = {
      "user.json",          "users.json",           "message_feedback.json", "model_comparisons.json",
      "shared_conversations.json", "projects.json", "memories.json",         "group_chats.json"};
  if (std::find(kCompanions.begin(), kCompanions.end(), base) != kCompanions.end()) return FileRole::Companion;
  return FileRole::Probe;
}

Result<std::vector<ExportFile>> list_export_folder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<ExportFile> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (p.filename().string().starts_with(".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) out.push_back({p.string(), p.lexically_relative(dir).generic_string()});
  }
  if (ec) return Error{dir + ": " + ec.message()};
  std::sort(out.begin(), out.end(), [](const ExportFile& a, const ExportFile& b) { return a.relative < b.relative; });
  return out;
}

}  // namespace memconn
