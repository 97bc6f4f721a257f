// A conversations.json through the whole reading path: array splitter, per-element parse
// (ChatGPT or Claude, detected or forced), the Item and its digest. Checks what the document
// promises: every turn is one non-empty line with a known role, the id carries the kind.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ingest/exports/conversation_item.h"
#include "ingest/exports/conversation_parser.h"
#include "ingest/exports/json_array.h"

using namespace memconn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  ImportOptions opt;
  opt.thinking = mode & 1;
  opt.tool_traffic = mode & 2;
  opt.kind = (mode & 12) == 4 ? ExportKind::ChatGpt : (mode & 12) == 8 ? ExportKind::Claude : ExportKind::Auto;
  ConversationParser parser(opt);
  SplitterOptions so;
  so.single_value = true;
  MemorySource src(input, "fuzz", (mode & 16) ? 3 : SIZE_MAX);
  JsonArraySplitter s(src, so);
  JsonElement e;
  for (;;) {
    auto r = s.next(e);
    if (!r || !*r) break;
    Conversation c;
    ConversationError err;
    if (parser.parse(e.bytes, true, c, err) != ParseOutcome::Conversation) {
      if (err.why.empty() || err.why.find('\n') != std::string::npos) std::abort();
      continue;
    }
    for (const auto& t : c.turns) {
      if (t.text.empty() || t.text.find('\n') != std::string::npos || t.text.find('\r') != std::string::npos)
        std::abort();
      if (t.role != "user" && t.role != "assistant" && t.role != "tool" && t.role != "thinking") std::abort();
      if (t.role == "thinking" && !opt.thinking) std::abort();
    }
    Item it;
    fill_conversation_item(c, it);
    if (!it.document_id.starts_with(c.kind == ExportKind::Claude ? "claude:" : "chatgpt:")) std::abort();
    (void)conversation_digest(it);
  }
  return 0;
}
