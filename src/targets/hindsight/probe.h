// What `memconn doctor` asks a Hindsight server: health, version and feature flags, whether
// the key is accepted and whether the bank exists. The bank is looked up in the bank list,
// not through GET …/profile, which servers from 0.10.0 answer 410 Gone.
#pragma once
#include <map>
#include <string>

#include "base/result.h"
#include "net/http_client.h"
#include "targets/hindsight/api.h"

namespace memconn {

struct HindsightVersion {
  std::string api_version;
  std::map<std::string, bool> features;  // /version "features"
};

// GET /health; the answer as received (transport_ok false when nothing answered).
HttpResponse hindsight_health(HttpClient& client, const std::string& base_url);
// GET /version. A 404 means a server too old to say; other failures are Errors.
Result<HindsightVersion> hindsight_version(HttpClient& client, const std::string& base_url);
// GET /v1/default/banks?q=<bank>: an authenticated read, so 401/403 here means the key is
// refused. True when a bank with exactly this id is listed.
Result<bool> hindsight_bank_exists(HttpClient& client, const HindsightEndpoint& ep, HttpResponse* raw = nullptr);

}  // namespace memconn
