#include "net/request.h"

#include <random>
#include <thread>

#include "base/exit_codes.h"
#include "base/signals.h"

namespace memconn {

HttpResponse perform_with_retries(HttpClient& client, const HttpRequest& req, int retries, const BackoffPolicy& backoff,
                                  const std::function<void(const HttpResponse&, int attempt)>& on_attempt) {
  std::mt19937_64 rng(std::random_device{}());
  int slow = 0;  // answers that came too late after the whole request was sent
  for (int attempt = 0;; ++attempt) {
    auto resp = client.perform(req);
    if (on_attempt) on_attempt(resp, attempt + 1);
    if (classify(resp.transport_ok, resp.status) != Outcome::Retryable || resp.wrong_target() || attempt >= retries ||
        stop_signal_received())
      return resp;
    // The server is busy with it (a reflect runs an LLM): asking again makes it start over,
    // so it is asked once more at most.
    if (resp.timed_out_after_sending && ++slow > 1) return resp;
    auto ra = parse_retry_after(resp.retry_after, std::chrono::system_clock::now());
    if (!sleep_unless_stopped(backoff.delay(attempt, ra, rng))) return resp;
  }
}

int exit_code_for(const HttpResponse& resp) {
  if (resp.wrong_target()) return exit_code::kWrongTarget;  // the URL needs fixing, not a retry
  switch (classify(resp.transport_ok, resp.status)) {
    case Outcome::Success: return exit_code::kOk;
    case Outcome::AuthError: return exit_code::kAuth;
    // Still throttled after the retries: as unavailable to this command as a 503.
    case Outcome::Retryable:
      return is_outage(resp.transport_ok, resp.status) || resp.status == 429 ? exit_code::kUnreachable : exit_code::kPartial;
    case Outcome::ItemError:
      return is_wrong_target(resp.transport_ok, resp.status) ? exit_code::kWrongTarget : exit_code::kPartial;
  }
  return exit_code::kPartial;
}

}  // namespace memconn
