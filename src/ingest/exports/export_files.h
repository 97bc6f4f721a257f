// Which files of an export hold conversations. The services ship them as conversations.json,
// as shards (conversations-000.json … with a conversations.json.index), as batch folders
// (data-…-batch-0000/conversations.json), or as a ZIP of many JSON files under names nobody
// documents; beside them sit account data (user.json, users.json), feedback, projects, HTML
// and images. Names decide what they can; an unknown .json is probed by its first element.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace memconn {

enum class FileRole {
  Conversations,  // conversations*.json: every element must be a conversation
  Probe,          // another .json: conversations if its first element is one, else skipped
  Companion,      // a .json known not to hold conversations (user.json, projects.json, …)
  Other,          // not JSON (chat.html, images, the shard index), or hidden
};

// By the path inside the export (folder or ZIP entry), case-insensitively.
FileRole classify_export_file(std::string_view path);

struct ExportFile {
  std::string path;      // to open
  std::string relative;  // inside the export folder, for classification
};

// Every regular file under dir, recursively, in sorted order (shards in their order),
// hidden entries skipped. Error: the folder cannot be read.
Result<std::vector<ExportFile>> list_export_folder(const std::string& dir);

// True for a path ending in .zip (any case).
bool has_zip_extension(std::string_view path);

}  // namespace memconn
