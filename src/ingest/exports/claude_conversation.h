// One Claude.ai conversation object ("chat_messages", a flat list in order) to the
// conversation the user saw.
//
// A message's text comes from its content[] "text" blocks; the flat "text" field, often
// empty, only stands in when no text block has any. "thinking" and tool traffic (tool_use,
// tool_result) only when ImportOptions asks for them; any other block type ("voice_note",
// "image", whatever comes next) is kept as a short placeholder, never a failure, because
// rejecting unknown types is how other importers lost whole conversations. Attachments are
// named ("[attachment: notes.pdf]"), their extracted text is not imported. Senders
// human/user and assistant; system messages are skipped.
#pragma once
#include "ingest/exports/conversation.h"

namespace simdjson::dom {
class element;
}

namespace memconn {

bool parse_claude_conversation(const simdjson::dom::element& conversation, const ImportOptions& options,
                               Conversation& out, ConversationError& err);

}  // namespace memconn
