#include "ingest/exports/conversation_item.h"

namespace memconn {

std::string conversation_document_id(const Conversation& c) { return std::string(kind_name(c.kind)) + ":" + c.id; }

std::string conversation_text(const Conversation& c) {
  size_t n = 0;
  for (const auto& t : c.turns) n += t.role.size() + t.text.size() + 3;
  std::string out;
  out.reserve(n);
  for (const auto& t : c.turns) {
    if (!out.empty()) out += '\n';
    out += t.role;
    out += ": ";
    out += t.text;
  }
  return out;
}

void fill_conversation_item(const Conversation& c, Item& out) {
  const char* service = c.kind == ExportKind::Claude ? "Claude" : "ChatGPT";
  out.content = conversation_text(c);
  out.context = std::string(service) + " conversation" + (c.title.empty() ? "" : ": " + c.title);
  out.timestamp = c.created.empty() ? c.updated : c.created;
  out.tags = {std::string("source:") + kind_name(c.kind)};
  out.metadata.clear();
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) out.metadata.emplace_back(key, value);
  };
  put("export", kind_name(c.kind));
  put("conversation_id", c.id);
  put("title", c.title);
  put("created_at", c.created);
  put("updated_at", c.updated);
  put("turns", std::to_string(c.turns.size()));
  put("model", c.model);
  out.document_id = conversation_document_id(c);
  out.explicit_id = true;
}

Sha256 conversation_digest(const Item& item) {
  // The content by its own digest (a long conversation is not copied once more to be hashed),
  // then the other fields, separated by NUL, which none of them holds once stored.
  Sha256 text = sha256(item.content);
  std::string key;
  append_hex(key, text.data(), text.size());
  key += '\0';
  key += item.context;
  key += '\0';
  key += item.timestamp;
  for (const auto& t : item.tags) {
    key += '\0';
    key += t;
  }
  return sha256(key);
}

std::string conversation_digest_hex(const Item& item) {
  auto d = conversation_digest(item);
  return to_hex(d.data(), d.size());
}

}  // namespace memconn
