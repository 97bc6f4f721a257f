// What a Hindsight server (or whatever answers in its place) says back, through the parsers
// that need no socket: the operation status of an async retain (--wait), and the content hash
// the server stores for a text (control characters stripped), which verify compares.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "targets/hindsight/api.h"

using namespace memconn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  OperationStatus st;
  if (parse_operation_status(body, st) && st.status.empty() && body.find("\"status\"") == std::string::npos) std::abort();
  (void)is_terminal(st.status);
  (void)hindsight_content_hash(body);
  return 0;
}
