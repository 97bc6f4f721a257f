// One Claude.ai conversation object (chat_messages, content blocks of any type, odd
// types) through parse_claude_conversation, with every option combination.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>

#include "ingest/exports/claude_conversation.h"

using namespace memconn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(reinterpret_cast<const char*>(data), size).get(doc)) return 0;
  for (int mode = 0; mode < 4; ++mode) {
    ImportOptions opt;
    opt.thinking = mode & 1;
    opt.tool_traffic = mode & 2;
    Conversation c;
    ConversationError err;
    if (parse_claude_conversation(doc, opt, c, err)) {
      for (const auto& t : c.turns)
        if (t.text.empty() || t.text.find('\n') != std::string::npos) std::abort();
    } else if (err.why.empty()) {
      std::abort();
    }
  }
  return 0;
}
