// A downloaded export ZIP (libarchive underneath) through the export reader: any bytes,
// truncated or corrupt archives, odd entry names; every event must be well formed and the
// reader must end.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ingest/exports/export_reader.h"
#include "ingest/exports/zip_archive.h"

using namespace memconn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ExportReaderOptions o;
  o.max_conversation_bytes = 1 << 20;
  auto r = ExportReader::open_zip_memory(input, "fuzz.zip", o);
  if (r) {
    ExportEvent ev;
    while ((*r)->next(ev)) {
      if (ev.type == ExportEvent::Type::FileError && ev.message.find('\n') != std::string::npos) std::abort();
      if (ev.type == ExportEvent::Type::Conversation && ev.conversation.turns.empty()) std::abort();
    }
  }
  // The archive layer alone: read every entry to its end.
  auto z = ZipArchive::open_memory(input, "fuzz.zip");
  if (!z) return 0;
  ZipEntry e;
  char buf[4096];
  for (int entries = 0; entries < 1000; ++entries) {
    auto more = (*z)->next(e);
    if (!more || !*more) break;
    for (;;) {
      auto n = (*z)->data().read(buf, sizeof buf);
      if (!n || *n == 0) break;
    }
  }
  return 0;
}
