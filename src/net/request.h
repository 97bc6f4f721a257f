// One request with the shared retry policy, for commands that send a single call
// (recall, reflect, status probes): retries transport errors, 408, 429 and 5xx.
#pragma once
#include <functional>

#include "net/http_client.h"
#include "base/retry_policy.h"

namespace memconn {

// on_attempt, when set, sees every response with its 1-based attempt number (-v logs each).
HttpResponse perform_with_retries(HttpClient& client, const HttpRequest& req, int retries,
                                  const BackoffPolicy& backoff = {},
                                  const std::function<void(const HttpResponse&, int attempt)>& on_attempt = {});
// Maps a final response to an exit code (0 for 2xx).
int exit_code_for(const HttpResponse& resp);

}  // namespace memconn
