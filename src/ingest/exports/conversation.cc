#include "ingest/exports/conversation.h"

namespace memconn {

const char* kind_name(ExportKind kind) {
  switch (kind) {
    case ExportKind::ChatGpt: return "chatgpt";
    case ExportKind::Claude: return "claude";
    default: return "auto";
  }
}

}  // namespace memconn
