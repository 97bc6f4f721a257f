// A chat export as people download it, read one conversation at a time: the ZIP as
// downloaded, the unpacked folder, a single conversations.json, or its shards; ChatGPT and
// Claude.ai alike (told apart per conversation object). Nothing is unpacked to disk and
// memory holds one conversation at a time, however large the export.
//
// The reader reports every conversation it meets as an event, in export order: imported
// (Conversation), Skipped (why), Failed (id, title, why); files it passes over are Notes,
// and a file that breaks off (a truncated ZIP or array) is a FileError naming the file and
// offset, after which the reader goes on with the next file when the container allows it.
// A damaged conversation therefore never costs the others, and a caller can give every
// conversation its report line and an honest exit code.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "ingest/exports/conversation.h"
#include "ingest/exports/conversation_parser.h"
#include "ingest/exports/export_files.h"
#include "ingest/exports/json_array.h"

namespace memconn {

struct ExportReaderOptions {
  ImportOptions import;
  // A conversation larger than this stops its file with a FileError (0 = no limit).
  size_t max_conversation_bytes = 0;
};

struct ExportPosition {
  std::string file;         // "export.zip:conversations.json", "export/conversations-001.json"
  uint64_t index = 0;       // the element's place in its file's array
  uint64_t offset = 0;      // its first byte in that file (uncompressed)
  uint64_t end_offset = 0;  // just past its last byte
};

struct ExportEvent {
  enum class Type {
    Conversation,  // conversation: import it
    Skipped,       // conversation (id, title, kind, times; turns when it had any), message: why
    Failed,        // error: the conversation cannot be read
    FileError,     // message: a file of the export broke off (one line, names file and offset)
    Note,          // message: a file passed over, and why
  };
  Type type = Type::Conversation;
  ExportPosition where;
  Conversation conversation;
  ConversationError error;
  std::string message;
};

class ExportReader {
 public:
  // path: a .zip (or any file starting with a ZIP signature), a folder, or a JSON file.
  // Error: the path cannot be opened at all.
  static Result<std::unique_ptr<ExportReader>> open(const std::string& path, ExportReaderOptions options = {});
  // A ZIP already in memory (tests, fuzzers); data must outlive the reader.
  static Result<std::unique_ptr<ExportReader>> open_zip_memory(std::string_view data, std::string name,
                                                              ExportReaderOptions options = {});
  ~ExportReader();
  // The next event; false once the export is done.
  bool next(ExportEvent& out);

  class Container;  // where the files come from: one file, a folder, a ZIP (export_reader.cc)

 private:
  ExportReader(std::unique_ptr<Container> files, ExportReaderOptions options);
  // Handles one element of the current file; true when it produced an event.
  bool element(const JsonElement& e, ExportEvent& out);

  std::unique_ptr<Container> files_;
  ExportReaderOptions options_;
  ConversationParser parser_;
  std::unique_ptr<JsonArraySplitter> splitter_;  // the current file's
  FileRole role_ = FileRole::Conversations;      // the current file's
  bool probing_ = false;  // the current file's first element decides whether it is read
  std::string file_;      // the current file's name
  // Document id -> where it was first met: a conversation met again (the same export
  // unpacked twice into one folder, overlapping shards) is imported once.
  std::unordered_map<std::string, std::string> seen_;
};

// What an input holds, for choosing a reader without --format: a chat export (kind from the
// first conversation object found), a JSON array of something else (read it like JSONL),
// or neither (an ordinary file or folder of text).
struct InputKind {
  enum class Shape { ChatExport, JsonArray, Other } shape = Shape::Other;
  ExportKind kind = ExportKind::Auto;  // ChatExport: ChatGpt or Claude
};
// Reads at most the first element of the first candidate file. Error: the path cannot be
// read, or a .zip is not a readable ZIP.
Result<InputKind> detect_input(const std::string& path);

}  // namespace memconn
