#include "ingest/exports/chatgpt_conversation.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/http_message.h"
#include "ingest/exports/export_time.h"
#include "ingest/exports/placeholder.h"
#include "ingest/exports/turn_text.h"

namespace memconn {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// A node id as an error message shows it: on one line, not too long (ids come from the file).
std::string shown(std::string_view id) { return one_line(std::string(id), 80); }

std::string_view string_or_empty(const element& e, const char* key) {
  std::string_view s;
  if (e[key].get_string().get(s)) return {};
  return s;
}

// A time field: epoch seconds (the export's form) or, leniently, an ISO-8601 string.
std::optional<SysTime> time_field(const element& e, const char* key) {
  element v;
  if (e[key].get(v)) return std::nullopt;
  double secs = 0;
  if (!v.get_double().get(secs)) return time_from_epoch_seconds(secs);
  std::string_view s;
  if (!v.get_string().get(s)) return time_from_iso(s);
  return std::nullopt;
}

// A non-text part of a multimodal message: its transcript when it is a voice message's,
// otherwise a placeholder named after what it is.
std::string part_placeholder(const element& part) {
  std::string_view type = string_or_empty(part, "content_type");
  if (type == "audio_transcription") return std::string(string_or_empty(part, "text"));
  if (type == "image_asset_pointer") return "[image]";
  if (type == "audio_asset_pointer" || type == "real_time_user_audio_video_asset_pointer") return "[audio]";
  if (type == "video_container_asset_pointer") return "[video]";
  return placeholder(type.empty() ? "attachment" : type);
}

struct Walk {
  const ImportOptions& opt;
  Conversation& out;
  ConversationError& err;
  std::optional<SysTime> first_message, last_message;

  bool fail(std::string why) {
    err.why = std::move(why);
    return false;
  }

  // The text pieces of a parts array (strings as they are, objects as placeholders).
  bool parts_text(const element& content, std::string_view node, std::string& text) {
    simdjson::dom::array parts;
    element v;
    if (content["parts"].get(v)) return true;  // no parts: nothing to show
    if (v.get_array().get(parts)) return fail("node " + shown(node) + ": content.parts is not an array");
    for (element p : parts) {
      std::string piece;
      std::string_view s;
      if (!p.get_string().get(s)) {
        piece = s;
      } else if (p.is_object()) {
        piece = part_placeholder(p);
      } else if (!p.is_null()) {
        piece = placeholder("attachment");
      }
      if (piece.empty()) continue;
      if (!text.empty()) text += '\n';
      text += piece;
    }
    return true;
  }

  // Model thoughts ({"thoughts":[{"summary","content"}]}): their content, in order.
  static std::string thoughts_text(const element& content) {
    std::string text;
    simdjson::dom::array list;
    if (content["thoughts"].get_array().get(list)) return text;
    for (element t : list) {
      std::string_view s = string_or_empty(t, "content");
      if (s.empty()) s = string_or_empty(t, "summary");
      if (s.empty()) continue;
      if (!text.empty()) text += '\n';
      text += s;
    }
    return text;
  }

  // Adds the node's message as a turn when it is one the user saw (or asked for).
  bool visit(std::string_view id, const element& node) {
    element msg;
    if (node["message"].get(msg) || msg.is_null()) return true;  // the root, or an empty slot
    if (!msg.is_object()) return fail("node " + shown(id) + ": \"message\" is not an object");
    std::string_view role;
    if (msg["author"]["role"].get_string().get(role))
      return fail("node " + shown(id) + ": the message has no author.role");
    element content;
    if (msg["content"].get(content) || !content.is_object())
      return fail("node " + shown(id) + ": the message's \"content\" is not an object");
    std::string_view type = string_or_empty(content, "content_type");
    if (auto t = time_field(msg, "create_time")) {
      if (!first_message || *t < *first_message) first_message = t;
      if (!last_message || *t > *last_message) last_message = t;
    }
    bool hidden = false;
    if (!msg["metadata"]["is_visually_hidden_from_conversation"].get_bool().get(hidden) && hidden) return true;
    // The user's profile and custom instructions (and the model's memory of them): private
    // context, never chat, whether or not the export flags the node hidden.
    if (type == "user_editable_context" || type == "model_editable_context") return true;
    if (role == "system") return true;
    // "Thought for 12 s": a caption of the thoughts, not something said.
    if (type == "reasoning_recap") return true;
    std::string turn_role = role == "user" ? "user" : role == "assistant" ? "assistant" : "tool";
    std::string_view recipient = string_or_empty(msg, "recipient");
    if (type == "thoughts") {
      if (!opt.thinking) return true;
      return add("thinking", thoughts_text(content));
    }
    bool is_tool_traffic = false;
    if (type == "code" || type == "execution_output") {
      // The code the assistant ran and what it printed are part of what the user saw.
    } else if (turn_role == "tool") {
      is_tool_traffic = true;  // browsing results, quotes, tool errors
    } else if (turn_role == "assistant" && !recipient.empty() && recipient != "all") {
      is_tool_traffic = true;  // a call to a tool ("browser", "dalle.text2im"), not an answer
      turn_role = "tool";
    }
    if (is_tool_traffic && !opt.tool_traffic) return true;
    std::string text;
    if (type == "text" || type == "multimodal_text") {
      if (!parts_text(content, id, text)) return false;
    } else if (type == "code" || type == "execution_output" || type == "tether_quote" || type == "system_error") {
      text = string_or_empty(content, "text");
    } else if (type == "tether_browsing_display") {
      text = string_or_empty(content, "result");
    } else {
      // A content type added after this was written: its text if it has one, else a mark.
      text = string_or_empty(content, "text");
      if (text.empty() && !parts_text(content, id, text)) return false;
      if (text.empty()) text = placeholder(type.empty() ? "content" : type);
    }
    return add(turn_role, text);
  }

  bool add(const std::string& role, const std::string& text) {
    std::string line = flatten_turn_text(text);
    if (!line.empty()) out.turns.push_back({role, std::move(line)});
    return true;
  }
};

// The node whose message is newest among those without children: what the user saw last
// when current_node does not say. Ties go to the later node in the mapping.
std::string_view latest_leaf(const object& mapping) {
  std::string_view best;
  double best_time = -std::numeric_limits<double>::infinity();
  for (auto kv : mapping) {
    simdjson::dom::array children;
    if (!kv.value["children"].get_array().get(children) && children.size() > 0) continue;
    double t = -std::numeric_limits<double>::max();
    double v = 0;
    if (!kv.value["message"]["create_time"].get_double().get(v) && std::isfinite(v)) t = v;
    if (t >= best_time) {
      best_time = t;
      best = kv.key;
    }
  }
  return best;
}

}  // namespace

bool parse_chatgpt_conversation(const element& conv, const ImportOptions& opt, Conversation& out,
                                ConversationError& err) {
  out = Conversation{};
  out.kind = ExportKind::ChatGpt;
  err = ConversationError{ExportKind::ChatGpt, {}, {}, {}};
  std::string_view id = string_or_empty(conv, "id");
  if (id.empty()) id = string_or_empty(conv, "conversation_id");
  out.title = err.title = string_or_empty(conv, "title");
  if (id.empty()) {
    err.why = "no conversation id (neither \"id\" nor \"conversation_id\" is a non-empty string)";
    return false;
  }
  out.id = err.id = id;
  out.model = string_or_empty(conv, "default_model_slug");
  object mapping;
  if (conv["mapping"].get_object().get(mapping)) {
    err.why = "\"mapping\" is not an object";
    return false;
  }
  // Node ids to nodes, once: the walk below looks up a parent per step.
  std::unordered_map<std::string_view, element> nodes;
  for (auto kv : mapping) {
    if (!kv.value.is_object()) {
      err.why = "node " + shown(kv.key) + " is not an object";
      return false;
    }
    nodes.emplace(kv.key, kv.value);
  }
  std::string_view leaf;
  element current;
  std::string_view current_id;
  if (!conv["current_node"].get(current) && !current.get_string().get(current_id) && nodes.count(current_id)) {
    leaf = current_id;
  } else {
    leaf = latest_leaf(mapping);
    if (!leaf.empty())
      out.notes.push_back(current_id.empty() ? "current_node is missing: the latest leaf was taken"
                                             : "current_node " + shown(current_id) +
                                                   " is not in the mapping: the latest leaf was taken");
  }
  // The branch the user saw, leaf to root.
  std::vector<std::string_view> path;
  std::unordered_set<std::string_view> seen;
  for (std::string_view at = leaf; !at.empty();) {
    if (!seen.insert(at).second) {
      err.why = "a cycle in mapping at node " + shown(at);
      return false;
    }
    path.push_back(at);
    element parent;
    std::string_view parent_id;
    if (nodes[at]["parent"].get(parent) || parent.is_null()) break;
    if (parent.get_string().get(parent_id)) {
      err.why = "node " + shown(at) + ": \"parent\" is not a string";
      return false;
    }
    if (!nodes.count(parent_id)) {
      err.why = "node " + shown(at) + " names parent " + shown(parent_id) + ", which is not in the mapping";
      return false;
    }
    at = parent_id;
  }
  Walk walk{opt, out, err, {}, {}};
  for (auto it = path.rbegin(); it != path.rend(); ++it)
    if (!walk.visit(*it, nodes[*it])) return false;
  // Either conversation time stands in for the other, then the messages' own times.
  auto created = time_field(conv, "create_time");
  auto updated = time_field(conv, "update_time");
  if (!created) created = updated ? updated : walk.first_message;
  if (!updated) updated = walk.last_message ? std::max(*walk.last_message, created.value_or(SysTime{})) : created;
  if (created) out.created = format_iso8601(*created);
  if (updated) out.updated = format_iso8601(*updated);
  return true;
}

}  // namespace memconn
