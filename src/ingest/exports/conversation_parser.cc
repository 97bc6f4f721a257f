#include "ingest/exports/conversation_parser.h"

#include <simdjson.h>

#include "ingest/exports/chatgpt_conversation.h"
#include "ingest/exports/claude_conversation.h"

namespace memconn {

struct ConversationParser::Json {
  simdjson::dom::parser parser;
};

ConversationParser::ConversationParser(ImportOptions options)
    : options_(std::move(options)), json_(std::make_unique<Json>()) {}
ConversationParser::~ConversationParser() = default;

ParseOutcome ConversationParser::parse(std::string_view bytes, bool padded, Conversation& out,
                                       ConversationError& err) {
  err = ConversationError{};
  simdjson::dom::element doc;
  auto parsed = padded ? json_->parser.parse(bytes.data(), bytes.size(), false)
                       : json_->parser.parse(bytes.data(), bytes.size(), true);
  if (auto e = parsed.get(doc)) {
    err.why = std::string("invalid JSON: ") + simdjson::error_message(e);
    return ParseOutcome::Failed;
  }
  if (!doc.is_object()) {
    err.why = "a JSON " + std::string(doc.is_array() ? "array" : "value") + ", not a conversation object";
    return ParseOutcome::NotAConversation;
  }
  ExportKind kind = options_.kind;
  if (kind == ExportKind::Auto) {
    simdjson::dom::element unused;
    if (!doc["mapping"].get(unused))
      kind = ExportKind::ChatGpt;
    else if (!doc["chat_messages"].get(unused))
      kind = ExportKind::Claude;
    else {
      err.why = "an object with neither \"mapping\" (ChatGPT) nor \"chat_messages\" (Claude)";
      return ParseOutcome::NotAConversation;
    }
  }
  bool ok = kind == ExportKind::ChatGpt ? parse_chatgpt_conversation(doc, options_, out, err)
                                        : parse_claude_conversation(doc, options_, out, err);
  return ok ? ParseOutcome::Conversation : ParseOutcome::Failed;
}

}  // namespace memconn
