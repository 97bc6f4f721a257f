#include "ingest/exports/placeholder.h"

namespace memconn {

std::string placeholder(std::string_view name) {
  std::string out = "[";
  for (char c : name.substr(0, 40)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '_' ||
              c == '.' || c == ':' || c == '-';
    out += ok ? c : '_';
  }
  if (out.size() == 1) out += "unknown";
  out += ']';
  return out;
}

}  // namespace memconn
