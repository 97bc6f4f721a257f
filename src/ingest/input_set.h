// Expands the command line's inputs (files, directories, "-") into an ordered list of
// sources. Directories are walked recursively in sorted order, filtered by --glob.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace memconn {

struct SourceSpec {
  std::string path;     // as it will be opened; "-" for stdin
  std::string display;  // as shown to the user and stored in metadata.source ("stdin" for "-")
  uint64_t size = 0;    // bytes, for the progress percentage; 0 if unknown (stdin)
  std::string name;     // path relative to the argument it was found under (a file argument: its file name)
};

struct InputSet {
  std::vector<SourceSpec> sources;
  std::vector<std::string> problems;  // "path: reason" for inputs that cannot be read at all
  // One file reached twice (named twice, overlapping globs, a link): read once, and why.
  std::vector<std::string> notes;
  // A directory argument that gave no file (empty, only hidden entries, or nothing matching
  // --glob): "path: why", shown as a warning. When no input gave anything to read, these
  // are problems instead (exit 1, as a missing file is): a run that reads nothing is
  // almost always a wrong path or pattern, and "0 sent" alone hid it.
  std::vector<std::string> warnings;
};

// glob applies to file names found inside directories (fnmatch, e.g. "*.txt"); files named
// explicitly are always taken. Hidden entries (".name") inside directories are skipped.
// Every file and directory is taken once by (device, inode): a file named twice would share
// one checkpoint slot between two readers, and a directory symlink loop would be walked
// until the path got too long.
InputSet expand_inputs(const std::vector<std::string>& args, const std::string& glob);

// The bytes of every input when all are regular files (their sizes known up front, for the
// progress line's total); 0 when one is stdin, a pipe or another file of unknown size.
uint64_t known_total_bytes(const InputSet& inputs);

}  // namespace memconn
