#include "ingest/exports/claude_conversation.h"

#include <simdjson.h>

#include <string_view>
#include <unordered_set>

#include "base/http_message.h"
#include "ingest/exports/export_time.h"
#include "ingest/exports/placeholder.h"
#include "ingest/exports/turn_text.h"

namespace memconn {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;

std::string_view string_or_empty(const element& e, const char* key) {
  std::string_view s;
  if (e[key].get_string().get(s)) return {};
  return s;
}

// One message becomes one or more turns: its own text, and (when asked for) its thinking and
// tool traffic as turns of their own, in block order. Consecutive pieces of one role join.
struct Turns {
  Conversation& out;
  std::string role;
  std::string text;

  void add(const std::string& r, std::string_view piece) {
    if (piece.empty()) return;
    if (r != role) flush();
    role = r;
    if (!text.empty()) text += '\n';
    text += piece;
  }
  void flush() {
    std::string line = flatten_turn_text(text);
    if (!line.empty()) out.turns.push_back({role, std::move(line)});
    text.clear();
  }
};

// A tool_result's content: a string, or blocks whose text ones are read.
std::string tool_result_text(const element& block) {
  std::string text;
  element content;
  if (block["content"].get(content)) return text;
  std::string_view s;
  array blocks;
  if (!content.get_string().get(s)) {
    text = s;
  } else if (!content.get_array().get(blocks)) {
    for (element b : blocks) {
      std::string_view t = string_or_empty(b, "text");
      if (t.empty()) continue;
      if (!text.empty()) text += '\n';
      text += t;
    }
  }
  bool is_error = false;
  if (!block["is_error"].get_bool().get(is_error) && is_error) text = "error: " + text;
  return text;
}

// "name {input}" for a tool call.
std::string tool_use_text(const element& block) {
  std::string text(string_or_empty(block, "name"));
  element input;
  if (!block["input"].get(input)) {
    if (!text.empty()) text += ' ';
    text += simdjson::minify(input);
  }
  return text;
}

}  // namespace

bool parse_claude_conversation(const element& conv, const ImportOptions& opt, Conversation& out,
                               ConversationError& err) {
  out = Conversation{};
  out.kind = ExportKind::Claude;
  err = ConversationError{ExportKind::Claude, {}, {}, {}};
  out.title = err.title = string_or_empty(conv, "name");
  std::string_view id = string_or_empty(conv, "uuid");
  if (id.empty()) {
    err.why = "no conversation id (\"uuid\" is not a non-empty string)";
    return false;
  }
  out.id = err.id = id;
  for (auto [key, dst] : {std::pair{"created_at", &out.created}, std::pair{"updated_at", &out.updated}}) {
    std::string_view s = string_or_empty(conv, key);
    if (s.empty()) continue;
    if (auto t = time_from_iso(s))
      *dst = format_iso8601(*t);
    else
      out.notes.push_back(std::string(key) + " is not a time: " + one_line(std::string(s), 40));
  }
  if (out.created.empty()) out.created = out.updated;
  if (out.updated.empty()) out.updated = out.created;
  array messages;
  element v;
  if (conv["chat_messages"].get(v) || v.get_array().get(messages)) {
    err.why = "\"chat_messages\" is not an array";
    return false;
  }
  size_t k = 0;
  for (element m : messages) {
    std::string where = "message " + std::to_string(k++);
    if (!m.is_object()) {
      err.why = where + " is not an object";
      return false;
    }
    std::string_view sender;
    if (m["sender"].get_string().get(sender)) {
      err.why = where + ": \"sender\" is not a string";
      return false;
    }
    if (sender == "system") continue;
    std::string role = sender == "human" || sender == "user" ? "user" : sender == "assistant" ? "assistant" : "";
    if (role.empty()) {
      err.why = where + ": unknown sender \"" + one_line(std::string(sender), 40) + "\"";
      return false;
    }
    Turns turns{out, role, {}};
    bool has_text_block = false;
    element content;
    array blocks;
    if (!m["content"].get(content) && !content.is_null()) {
      if (content.get_array().get(blocks)) {
        err.why = where + ": \"content\" is not an array";
        return false;
      }
      size_t j = 0;
      for (element b : blocks) {
        std::string_view type;
        if (b.is_null()) continue;
        if (b["type"].get_string().get(type)) {
          err.why = where + ": content block " + std::to_string(j) + " has no \"type\"";
          return false;
        }
        ++j;
        if (type == "text") {
          std::string_view t = string_or_empty(b, "text");
          has_text_block = has_text_block || !t.empty();
          turns.add(role, t);
        } else if (type == "thinking") {
          if (opt.thinking) turns.add("thinking", string_or_empty(b, "thinking"));
        } else if (type == "tool_use") {
          if (opt.tool_traffic) turns.add("tool", tool_use_text(b));
        } else if (type == "tool_result") {
          if (opt.tool_traffic) turns.add("tool", tool_result_text(b));
        } else {
          turns.add(role, placeholder(type));
        }
      }
    }
    // The flat text is the message's text only when its blocks had none.
    if (!has_text_block) turns.add(role, string_or_empty(m, "text"));
    std::unordered_set<std::string_view> named;
    for (const char* list : {"attachments", "files"}) {
      array items;
      if (m[list].get_array().get(items)) continue;
      for (element a : items) {
        std::string_view name = string_or_empty(a, "file_name");
        if (name.empty() || !named.insert(name).second) continue;
        turns.add(role, placeholder(std::string(list == std::string_view("files") ? "file: " : "attachment: ") +
                                    std::string(name)));
      }
    }
    turns.flush();
  }
  return true;
}

}  // namespace memconn
