// `memconn ingest` of a chat export (ChatGPT, Claude.ai): the ZIP as downloaded, its unpacked
// folder, a conversations.json or its shards. One document per conversation, sent as a
// whole-text write (a replace: applying it twice changes nothing), and a digest per
// conversation in the state once the target acknowledged it, so a re-import sends only the
// conversations whose text changed. Every conversation gets a report line: imported (new),
// updated, unchanged, skipped (why), failed (why; dead-lettered).
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/result.h"
#include "config/settings.h"
#include "engine/item.h"
#include "ingest/options.h"

namespace memconn {

// Whether this ingest reads chat exports: --format chatgpt|claude, or --format auto and every
// input is one (a .zip, a .json or a folder whose first conversation object says so). Inputs
// that mix exports with other files are a usage error naming the first of each.
Result<bool> reads_chat_exports(const IngestOptions& o);

// Every conversation of the exports an ingest with these options reads, as the Item it sends
// (before encoding): verify's expected set and its naming pass. Returns the number of inputs
// and conversations that could not be read (each reported on console).
int for_each_export_conversation(const IngestOptions& o, Diagnostics& console,
                                 const std::function<void(Item&, const std::string& file, uint64_t index)>& f);

int run_export_import(const GlobalOptions& g, const IngestOptions& o, Diagnostics& console, std::ostream& out);

// The report line of one conversation (and the --json entry).
struct ConversationLine {
  std::string status;  // imported | updated | unchanged | skipped | failed | not_sent
  std::string document_id, title, why;
};
// "imported chatgpt:abc "Trip plans"", "skipped claude:u1 "" (no visible turns)".
std::string conversation_line_text(const ConversationLine& l);

}  // namespace memconn
