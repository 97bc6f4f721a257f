// Crash-safe file writes. State, metrics and the dead-letter file must never be seen half
// written: a reader sees either the old content or the new, even after a power cut.
#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/result.h"

namespace memconn {

// Replaces path with content: writes ".<name>.tmp.<pid>" in the same directory (rename is
// only atomic within one filesystem), fsyncs it, renames it over path and fsyncs the
// directory so the rename itself survives a crash. Missing parent directories are created
// (0700). The file gets exactly `mode` (umask is not applied). On failure the temp file is
// removed and path is untouched. Not safe for two threads writing the same path at once:
// they share the temp name; callers serialize per path (the run lock does).
Status write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0600);

// Whole file as bytes. Errors name the path and the OS reason.
Result<std::string> read_whole_file(const std::string& path);

bool file_exists(const std::string& path);

// Appends line + '\n' with one write() on an O_APPEND descriptor, then fdatasync. One write
// keeps concurrent appenders from interleaving inside a record, and the sync means a record
// we reported as dead-lettered is really on disk. The line must not contain '\n' (one
// record per line is what makes the file replayable). Creates the file (`mode`) and missing
// parent directories (0700).
Status append_line_durable(const std::string& path, std::string_view line, mode_t mode = 0600);

// mkdir -p for the directory part of path (0700 for directories it creates).
Status make_parent_dirs(const std::string& path);

}  // namespace memconn
