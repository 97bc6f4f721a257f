// A Conversation as the document memconn sends: one Item per conversation.
//
//   document_id  "chatgpt:<conversation id>" / "claude:<uuid>" (explicit_id: a re-import
//                updates the same document instead of adding one)
//   content      the visible turns in order, one per line: "user: …", "assistant: …"
//                ("tool: …", "thinking: …" when imported), joined by "\n"
//   context      "ChatGPT conversation: <title>" / "Claude conversation: <title>"
//                ("… conversation" when untitled)
//   timestamp    when the conversation started (created, else updated; empty when neither)
//   tags         "source:chatgpt" / "source:claude"
//   metadata     export (chatgpt|claude), conversation_id, title, created_at, updated_at,
//                turns (count), model (ChatGPT, when known); empty values are left out
//
// Only those fields are set; origin, json, fingerprint and the delivery fields stay as the
// caller's pipeline sets them.
#pragma once
#include <string>

#include "base/digest.h"
#include "engine/item.h"
#include "ingest/exports/conversation.h"

namespace memconn {

std::string conversation_document_id(const Conversation& c);
std::string conversation_text(const Conversation& c);
// Replaces the item's content, context, timestamp, tags, metadata and document_id.
void fill_conversation_item(const Conversation& c, Item& out);

// What decides whether a conversation must be sent again on a re-import: the SHA-256 of
// what the server stores from it (content, context, timestamp, tags). Not the metadata: its
// updated_at can move without a word of the conversation changing, and the title it holds
// already counts through the context.
Sha256 conversation_digest(const Item& item);
std::string conversation_digest_hex(const Item& item);

}  // namespace memconn
