// The export benchmark's driver (bench/exports.sh): reads a chat export with the library
// ingest will use (ingest/exports), builds every conversation's Item and digest as an import
// would, and sends nothing. Prints counts and fails when a generated export's private or
// abandoned text ("HIDDEN", "ABANDONED", which scripts/gen-chat-export.py plants) reaches a
// document, so a fast but wrong reader cannot pass.
#include <chrono>
#include <cstdio>
#include <string>

#include "ingest/exports/conversation_item.h"
#include "ingest/exports/export_reader.h"

using namespace memconn;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s EXPORT (a .zip, a folder or a .json file)\n", argv[0]);
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  auto reader = ExportReader::open(argv[1]);
  if (!reader) {
    std::fprintf(stderr, "%s\n", reader.error().message.c_str());
    return 1;
  }
  size_t conversations = 0, turns = 0, skipped = 0, failed = 0, file_errors = 0, leaks = 0;
  uint64_t text_bytes = 0;
  unsigned char digest_xor = 0;
  Item item;
  ExportEvent ev;
  while ((*reader)->next(ev)) {
    switch (ev.type) {
      case ExportEvent::Type::Conversation: {
        fill_conversation_item(ev.conversation, item);
        auto d = conversation_digest(item);
        digest_xor ^= d[0];
        ++conversations;
        turns += ev.conversation.turns.size();
        text_bytes += item.content.size();
        if (item.content.find("HIDDEN") != std::string::npos || item.content.find("ABANDONED") != std::string::npos)
          ++leaks;
        break;
      }
      case ExportEvent::Type::Skipped: ++skipped; break;
      case ExportEvent::Type::Failed:
        ++failed;
        std::fprintf(stderr, "failed: %s: %s\n", ev.error.id.c_str(), ev.error.why.c_str());
        break;
      case ExportEvent::Type::FileError:
        ++file_errors;
        std::fprintf(stderr, "%s\n", ev.message.c_str());
        break;
      case ExportEvent::Type::Note: break;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("conversations %zu turns %zu skipped %zu failed %zu file_errors %zu text_bytes %llu seconds %.2f digest %02x\n",
              conversations, turns, skipped, failed, file_errors, static_cast<unsigned long long>(text_bytes), secs,
              digest_xor);
  if (leaks) std::fprintf(stderr, "%zu documents hold hidden or abandoned text\n", leaks);
  return leaks || failed || file_errors ? 1 : 0;
}
