#include "engine/pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "engine/bounded_queue.h"
#include "base/digest.h"
#include "base/plural.h"

namespace memconn {

Pipeline::Pipeline(PipelineOptions options, SenderFactory make_sender, Ledger& ledger, RunControl& control)
    : options_(std::move(options)), make_sender_(std::move(make_sender)), ledger_(ledger), control_(control),
      pool_(options_.spare_items), breaker_(options_.breaker_failures, options_.max_outage, control),
      rate_(options_.rate, options_.workers) {
  if (options_.adaptive) adaptive_ = std::make_unique<AdaptiveLimit>(std::min(4, options_.workers), options_.workers);
}

void Pipeline::run(const Producer& produce, const std::function<void()>& tick) {
  BoundedQueue<Batch> queue(static_cast<size_t>(options_.workers) * 2);
  queue_.store(&queue);
  std::atomic<int> workers_left{options_.workers};  // counts live workers; the ticking loop polls it
  std::mutex done_mu;                               // pairs with done_cv: wakes the ticker when workers finish
  std::condition_variable done_cv;
  // Senders are created here so a failure to set one up happens before any thread starts.
  std::vector<std::unique_ptr<BatchSender>> senders;
  for (int i = 0; i < options_.workers; ++i) senders.push_back(make_sender_());

  std::vector<std::thread> workers;
  std::random_device rd;
  for (int i = 0; i < options_.workers; ++i) {
    uint64_t seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    workers.emplace_back([&, i, seed] {
      std::mt19937_64 rng(seed);
      while (auto batch = queue.pop()) {
        std::vector<const Item*> items;
        items.reserve(batch->items.size());
        for (const auto& it : batch->items) items.push_back(&it);
        if (!deliver(*senders[i], items, rng)) break;
        // Back to the reader, which allocated it: refilled there (or freed on its own
        // thread), never freed item by item across threads.
        pool_.give_back(std::move(*batch));
      }
      {
        std::lock_guard<std::mutex> lock(done_mu);
        workers_left.fetch_sub(1);
      }
      done_cv.notify_all();
    });
  }
  std::thread reader([&] {
    produce([&](Batch b) {
      pool_.reclaim();
      if (control_.stopping()) return false;
      return queue.push(std::move(b));
    });
    queue.close();
  });

  // The calling thread owns progress and checkpoints; it also enforces the drain deadline.
  std::optional<std::chrono::steady_clock::time_point> stop_seen;
  while (workers_left.load() > 0) {
    {
      std::unique_lock<std::mutex> lock(done_mu);
      done_cv.wait_for(lock, options_.tick_interval, [&] { return workers_left.load() == 0; });
    }
    if (control_.stopping()) {
      if (!stop_seen) {
        stop_seen = std::chrono::steady_clock::now();
        queue.abandon();
      } else if (std::chrono::steady_clock::now() - *stop_seen > options_.drain_timeout) {
        control_.abort_transfers = true;
      }
    }
    tick();
  }
  queue.abandon();  // unblocks a reader still pushing after every worker gave up
  reader.join();
  queue_.store(nullptr);
  for (auto& w : workers) w.join();
  // A streak shorter than the limit at the end of a finished run was the items' own fault.
  // A stopped run leaves them pending instead: the re-run tries them again.
  if (!control_.stopping()) release_held();
  tick();
}

bool Pipeline::has_room() const {
  auto* q = queue_.load();
  return q != nullptr && q->has_room();
}

bool Pipeline::deliver(BatchSender& sender, std::vector<const Item*> items, std::mt19937_64& rng) {
  // Every item is a write that may be applied twice without changing the result: a
  // content-hash memory or a document's whole text, both replaces; an async request carries
  // one operation id for all its attempts, which the server deduplicates. So a request that
  // may have landed without its answer (a lost acknowledgement, a timeout after sending, a
  // gateway's 504 while the server goes on, libcurl's own re-send on a reused connection) is
  // simply sent again.
  std::string op_id = sender.wants_operation_ids() ? uuid_v4() : "";
  int attempt = 0;      // failed attempts charged to --retries (throttling is not charged)
  int slow_answers = 0;  // attempts that timed out after the whole request was sent
  std::optional<std::chrono::steady_clock::time_point> throttled_since;
  for (;;) {
    if (control_.stopping()) return false;
    bool probe = false;
    if (!breaker_.admit(probe)) return false;
    if (!rate_.acquire(control_)) return false;
    if (adaptive_ && !adaptive_->acquire(control_)) return false;
    auto r = sender.send(items, op_id);
    if (adaptive_) {
      bool overloaded = r.http.transport_ok && (r.http.status == 429 || r.http.status == 503 || r.http.status == 504);
      // Only an answered request says how fast the server serves: a refused connection during
      // a restart answers in microseconds and would teach the limit a speed that never was.
      bool answered = r.outcome == Outcome::Success;
      adaptive_->release(std::chrono::duration<double>(r.http.seconds), overloaded, answered, items.size());
    }
    ledger_.request_made();
    if (options_.log_request) {
      std::string status = r.http.transport_ok ? std::to_string(r.http.status) : "error (" + r.http.error + ")";
      options_.log_request(r.request + " " + status + " " + std::to_string(static_cast<int>(r.http.seconds * 1000)) +
                           "ms attempt=" + std::to_string(attempt + 1) + " items=" + std::to_string(items.size()));
    }
    if (r.http.transport_ok) answered_.store(true);
    if (r.http.wrong_target()) {  // a retry would meet the same answer; no item is at fault
      control_.stop(StopReason::WrongTarget, r.http.error + ". Nothing was dead-lettered");
      return false;
    }
    // A 2xx that is not the API's answer (an HTML page from a proxy, a cut-off body) means
    // the API is not what answers: an outage like a 503, never the items' fault.
    bool not_the_api = r.http.transport_ok && r.http.status >= 200 && r.http.status < 300;
    // The whole batch went out and the answer was late: the server is working on it (a
    // sync retain runs LLM extraction inside the request). Not an outage, and each re-send
    // makes the server pay for the extraction again, so it is re-sent once at most.
    bool slow = r.http.timed_out_after_sending;
    // 429: the server answered and asks for less. Back-pressure, not an outage: the run
    // slows down (Retry-After, the adaptive limit) and goes on.
    bool throttled = r.http.transport_ok && r.http.status == 429;
    bool failing = r.outcome == Outcome::Retryable && !slow && !throttled &&
                   (not_the_api || is_outage(r.http.transport_ok, r.http.status));
    bool unavailable = r.outcome == Outcome::Retryable && !slow && (not_the_api || is_unavailable(r.http.transport_ok, r.http.status));
    bool never_answered = !answered_.load();
    breaker_.record(unavailable && !never_answered, probe);
    if (r.outcome != Outcome::Success && is_wrong_target(r.http.transport_ok, r.http.status)) {
      std::string why = r.http.status == 404   ? "no such path"
                        : r.http.status == 405 ? "method not allowed"
                        : r.http.status == 501 ? "not implemented"
                                               : "a redirect, which memconn does not follow";
      control_.stop(StopReason::WrongTarget,
                    r.request + " answered HTTP " + std::to_string(r.http.status) + " (" + why + (r.message.empty() ? "" : ": " + r.message) +
                        "): this URL is not the API; check --url. Nothing was dead-lettered; re-run once it is fixed");
      return false;
    }
    if (!throttled) throttled_since.reset();
    switch (r.outcome) {
      case Outcome::Success:
        ledger_.delivered(items, r.already_present, r.operation_id);
        if (options_.on_delivered) options_.on_delivered(items);
        return held_count_.load() == 0 || release_held();
      case Outcome::AuthError:
        control_.stop(StopReason::AuthRefused, "the server refused the credentials (HTTP " +
                                                   std::to_string(r.http.status) + "): " + r.message);
        return false;
      case Outcome::Retryable: {
        auto ra = parse_retry_after(r.http.retry_after, std::chrono::system_clock::now());
        if (throttled) {
          auto now = std::chrono::steady_clock::now();
          if (!throttled_since) throttled_since = now;
          if (now - *throttled_since > options_.max_outage) {
            control_.stop(StopReason::Unreachable,
                          r.request + " was throttled (HTTP 429) for longer than --max-outage (" +
                              std::to_string(options_.max_outage.count() / 1000) +
                              " s): the server is answering, but will not take more now. Nothing was dead-lettered; "
                              "re-run later, or lower --workers / --rate");
            return false;
          }
          ledger_.retried();
          // Retry-After when the server gives one; else the backoff of the first retries, so
          // a long throttle is waited out in short steps rather than ever longer ones.
          if (!control_.sleep_for(options_.backoff.delay(std::min(attempt, 3), ra, rng))) return false;
          continue;
        }
        // While the breaker is open the outage, not this batch, is the problem: the
        // attempt is not charged, and --max-outage decides when to give up.
        if (unavailable && breaker_.is_open()) continue;
        if (slow && (++slow_answers > 1 || attempt >= options_.retries)) {
          control_.stop(StopReason::Unreachable,
                        r.request + " got no answer within --timeout (" +
                            std::to_string(static_cast<long>(r.http.seconds + 0.5)) + " s) " +
                            (slow_answers > 1 ? "twice " : "") + "after the whole request was sent: the server may be slow, not down (a sync "
                            "retain runs LLM extraction inside the request). Raise --timeout or use --async; "
                            "nothing was dead-lettered, re-run to continue");
          return false;
        }
        if (attempt < options_.retries) {
          ++attempt;
          ledger_.retried();
          if (!control_.sleep_for(options_.backoff.delay(attempt - 1, ra, rng))) return false;
          continue;
        }
        if (failing) {
          std::string answer = r.http.transport_ok ? "HTTP " + std::to_string(r.http.status) : r.http.error;
          if (!r.message.empty() && r.message != answer) answer += ": " + r.message;
          control_.stop(StopReason::Unreachable,
                        r.http.transport_ok && r.http.status >= 500
                            ? "the server failed " + count_of(static_cast<uint64_t>(attempt) + 1, "attempt") + " in a row (" + answer +
                                  "): the server is failing, not the items; nothing was dead-lettered, re-run once it works"
                        : never_answered
                            ? options_.target + " never answered in " + count_of(static_cast<uint64_t>(attempt) + 1, "attempt") + " (" +
                                  answer + "): check --url and that the server is running"
                            : "target unreachable after " + count_of(static_cast<uint64_t>(attempt) + 1, "attempt") + ": " + answer);
          return false;
        }
        [[fallthrough]];  // a persistent server error on these items: isolate and dead-letter
      }
      case Outcome::ItemError:
        if (items.size() == 1)
          return item_failed(*items[0], r.http.status, r.message.empty() ? "HTTP " + std::to_string(r.http.status) : r.message,
                             attempt + 1);
        // Bisect so the good items still land and only the offending ones are dead-lettered.
        std::vector<const Item*> left(items.begin(), items.begin() + items.size() / 2);
        std::vector<const Item*> right(items.begin() + items.size() / 2, items.end());
        return deliver(sender, std::move(left), rng) && deliver(sender, std::move(right), rng);
    }
  }
}

Status Pipeline::refuse(const Item& item, long status, const std::string& message, int attempts) {
  if (item.document_write && options_.on_document_refused) return options_.on_document_refused(item, status, message, attempts);
  return ledger_.dead(item, status, message, attempts);
}

bool Pipeline::item_failed(const Item& item, long status, const std::string& message, int attempts) {
  if (options_.same_failure_limit <= 0) {
    auto st = refuse(item, status, message, attempts);
    if (!st) control_.stop(StopReason::Fatal, st.error().message);
    return static_cast<bool>(st);
  }
  std::vector<Held> broken;  // a streak this failure ended: those were the items' own fault
  bool limit_reached = false;
  // A document's write is reported at once: its producer narrows it down to the refused
  // part with more writes (which must not wait for the end of a streak), and dead-letters
  // only that part. It still counts toward the streak, marked as already reported.
  bool reported = item.document_write && options_.on_document_refused;
  if (reported) {
    if (auto st = refuse(item, status, message, attempts); !st) {
      control_.stop(StopReason::Fatal, st.error().message);
      return false;
    }
  }
  {
    std::lock_guard<std::mutex> lock(streak_mu_);
    if (!held_.empty() && (held_.back().status != status || held_.back().message != message)) broken.swap(held_);
    held_.push_back({reported ? Item{} : item, status, message, attempts, reported});
    held_count_.store(held_.size());
    limit_reached = held_.size() >= static_cast<size_t>(options_.same_failure_limit);
  }
  for (const auto& h : broken) {
    if (h.reported) continue;
    if (auto st = refuse(h.item, h.status, h.message, h.attempts); !st) {
      control_.stop(StopReason::Fatal, st.error().message);
      return false;
    }
  }
  if (limit_reached) {
    control_.stop(StopReason::WrongTarget,
                  std::to_string(options_.same_failure_limit) + " items in a row failed with the same answer (HTTP " +
                      std::to_string(status) + ": " + message +
                      "): the server is failing, not the items. Nothing was dead-lettered for it; check --url and the "
                      "server, then re-run (or raise --same-failure-limit if these items really are all bad)");
    return false;
  }
  return true;
}

bool Pipeline::release_held() {
  std::vector<Held> held;
  {
    std::lock_guard<std::mutex> lock(streak_mu_);
    held.swap(held_);
    held_count_.store(0);
  }
  for (const auto& h : held) {
    if (h.reported) continue;
    if (auto st = refuse(h.item, h.status, h.message, h.attempts); !st) {
      control_.stop(StopReason::Fatal, st.error().message);
      return false;
    }
  }
  return true;
}

}  // namespace memconn
