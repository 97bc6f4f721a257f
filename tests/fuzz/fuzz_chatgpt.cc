// One ChatGPT conversation object (the mapping tree: branches, cycles, missing nodes, odd
// types) through parse_chatgpt_conversation, with every option combination.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>

#include "ingest/exports/chatgpt_conversation.h"

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
    if (parse_chatgpt_conversation(doc, opt, c, err)) {
      for (const auto& t : c.turns)
        if (t.text.empty() || t.text.find('\n') != std::string::npos) std::abort();
    } else if (err.why.empty()) {
      std::abort();
    }
  }
  return 0;
}
