// One element of an export (the bytes of one conversation object) to a Conversation: parses
// it on its own with a reused simdjson DOM parser, tells ChatGPT from Claude by its fields
// ("mapping" / "chat_messages") unless ImportOptions fixes the kind, and hands it to that
// service's parser. Memory is one conversation's worth, whatever the export's size.
#pragma once
#include <memory>
#include <string_view>

#include "ingest/exports/conversation.h"

namespace memconn {

enum class ParseOutcome {
  Conversation,      // `out` holds it
  Failed,            // a conversation that cannot be read: `err` says which and why
  NotAConversation,  // valid JSON, but neither kind of conversation (err.why says what it is)
};

class ConversationParser {
 public:
  explicit ConversationParser(ImportOptions options);
  ~ConversationParser();
  // bytes: one JSON value. padded: at least 64 readable bytes follow it in memory (as
  // JsonArraySplitter guarantees), so it is parsed in place instead of copied.
  ParseOutcome parse(std::string_view bytes, bool padded, Conversation& out, ConversationError& err);
  const ImportOptions& options() const { return options_; }

 private:
  struct Json;
  ImportOptions options_;
  std::unique_ptr<Json> json_;
};

}  // namespace memconn
