// What a LightRAG server says back: /health, the answer to a batch insert (for every status
// and batch size class), and /documents/track_status.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "targets/lightrag/api.h"
#include "targets/lightrag/inventory.h"

using namespace memconn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  static const long kStatus[] = {200, 201, 400, 401, 403, 404, 409, 413, 422, 429, 500, 502, 503, 504};
  HttpResponse resp;
  resp.transport_ok = data[0] != 0xff;
  resp.status = kStatus[data[0] % (sizeof kStatus / sizeof kStatus[0])];
  resp.body.assign(body);
  resp.content_type = data[1] & 1 ? "application/json" : "text/html";
  SendResult r = classify_lightrag_insert(resp, 1 + data[1] % 3);
  // Whatever the body says, a refused key is never taken for an acknowledgement.
  if (resp.transport_ok && (resp.status == 401 || resp.status == 403) && r.outcome != Outcome::AuthError) std::abort();
  if (!resp.transport_ok && r.outcome == Outcome::Success) std::abort();
  LightragInfo info;
  (void)parse_lightrag_health(body, info);
  std::vector<TrackedDoc> docs;
  (void)parse_track_status(body, docs);
  (void)lightrag_expected_length(body);
  return 0;
}
