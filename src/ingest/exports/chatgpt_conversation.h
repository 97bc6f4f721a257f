// One ChatGPT conversation object (a "mapping" tree) to the conversation the user saw.
//
// Editing a message or regenerating an answer adds a sibling under the same parent, so the
// tree holds abandoned branches; only the path from current_node up the parent chain is the
// conversation as shown. When current_node is absent or names no node, the most recent leaf
// stands in (a note says so). A cycle or a parent that is not in the mapping fails the
// conversation, never the export. On that path, nodes without a message, hidden nodes,
// system messages, the user_editable_context node (the user's profile and custom
// instructions) and messages with no text are skipped; code and execution output are kept as
// text, non-text parts become a short placeholder ("[image]"), model thoughts and tool traffic
// only when ImportOptions asks for them.
#pragma once
#include "ingest/exports/conversation.h"

namespace simdjson::dom {
class element;
}

namespace memconn {

// True with `out` filled, or false with `err` saying why (id and title when readable).
bool parse_chatgpt_conversation(const simdjson::dom::element& conversation, const ImportOptions& options,
                                Conversation& out, ConversationError& err);

}  // namespace memconn
