// A chat conversation as memconn imports it: the visible turns of one ChatGPT or Claude.ai
// conversation, in order, plus what describes it. Plain data, no JSON: the parsers fill it,
// conversation_item turns it into the Item that is sent.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace memconn {

enum class ExportKind { Auto, ChatGpt, Claude };

// "chatgpt", "claude" ("auto" for Auto): the ids' prefix, the tag's value, the metadata.
const char* kind_name(ExportKind kind);

// What is imported besides the visible chat. Both off by default: model reasoning and tool
// traffic are not what the user saw as the conversation, and they are private material that
// users expect to stay out unless asked for.
struct ImportOptions {
  bool thinking = false;      // ChatGPT "thoughts", Claude "thinking" blocks
  bool tool_traffic = false;  // Claude tool_use/tool_result; ChatGPT tool messages and calls
  // Only conversations updated at or after this time (their update time, else creation
  // time); conversations with neither time are imported, since nothing says they are old.
  std::optional<std::chrono::system_clock::time_point> since;
  // Parse every conversation as this kind; Auto decides per conversation object
  // ("mapping" means ChatGPT, "chat_messages" Claude).
  ExportKind kind = ExportKind::Auto;
};

struct Turn {
  // "user", "assistant"; "tool" (ChatGPT execution output, and tool traffic when asked for),
  // "thinking" when asked for.
  std::string role;
  std::string text;  // one line (see turn_text.h): never empty, never holds a line break
};

struct Conversation {
  ExportKind kind = ExportKind::ChatGpt;
  std::string id;       // the service's conversation id (without the "chatgpt:" prefix)
  std::string title;    // may be empty
  std::string created;  // ISO-8601 UTC, or empty when the export has no time for it
  std::string updated;  // likewise
  std::string model;    // ChatGPT's default_model_slug, when present
  std::vector<Turn> turns;
  // Things a person may want to know that did not stop the import ("current_node is
  // missing: the latest leaf was taken").
  std::vector<std::string> notes;
};

// A conversation that could not be read: reported by id and title, the others go on.
struct ConversationError {
  ExportKind kind = ExportKind::Auto;  // Auto when not even that could be told
  std::string id;     // empty when unknown
  std::string title;  // empty when unknown
  std::string why;    // one line: "a cycle in mapping at node n3"
};

}  // namespace memconn
