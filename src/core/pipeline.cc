#include "core/pipeline.h"

#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/digest.h"

namespace memconn {

Pipeline::Pipeline(PipelineOptions options, SenderFactory make_sender, Ledger& ledger, RunControl& control)
    : options_(std::move(options)), make_sender_(std::move(make_sender)), ledger_(ledger), control_(control),
      breaker_(options_.breaker_failures, options_.max_outage, control),
      rate_(options_.rate, options_.workers) {}

void Pipeline::run(const Producer& produce, const std::function<void()>& tick) {
  BoundedQueue<Batch> queue(static_cast<size_t>(options_.workers) * 2);
  std::atomic<int> workers_left{options_.workers};  // counts live workers; the ticking loop polls it
  std::mutex done_mu;                               // pairs with done_cv: wakes the ticker when workers finish
  std::condition_variable done_cv;
  // Delivered batches go back to the reader to be freed: the memory was allocated on its
  // thread, so freeing it there is a fast same-thread free the next lines reuse, instead of
  // every worker freeing each item's strings into the reader's heap across threads.
  std::mutex spent_mu;  // guards spent
  std::vector<Batch> spent;

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
        if (!deliver(*senders[i], std::move(items), rng)) break;
        std::lock_guard<std::mutex> lock(spent_mu);
        spent.push_back(std::move(*batch));
      }
      {
        std::lock_guard<std::mutex> lock(done_mu);
        workers_left.fetch_sub(1);
      }
      done_cv.notify_all();
    });
  }
  std::thread reader([&] {
    std::vector<Batch> to_free;
    produce([&](Batch b) {
      {
        std::lock_guard<std::mutex> lock(spent_mu);
        to_free.swap(spent);
      }
      to_free.clear();  // outside the lock; keeps its capacity for the next swap
      return !control_.stopping() && queue.push(std::move(b));
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
  for (auto& w : workers) w.join();
  tick();
}

bool Pipeline::deliver(BatchSender& sender, std::vector<const Item*> items, std::mt19937_64& rng) {
  std::string op_id = sender.wants_operation_ids() ? uuid_v4() : "";
  int attempt = 0;
  for (;;) {
    if (control_.stopping()) return false;
    bool probe = false;
    if (!breaker_.admit(probe)) return false;
    if (!rate_.acquire(control_)) return false;
    auto r = sender.send(items, op_id);
    ledger_.request_made();
    if (options_.log_request) {
      std::string status = r.http.transport_ok ? std::to_string(r.http.status) : "error (" + r.http.error + ")";
      options_.log_request(r.request + " " + status + " " + std::to_string(static_cast<int>(r.http.seconds * 1000)) +
                           "ms attempt=" + std::to_string(attempt + 1) + " items=" + std::to_string(items.size()));
    }
    // A 2xx that is not the API's answer (an HTML page from a proxy, a cut-off body) means
    // the API is not what answers: an outage like a 503, never the items' fault.
    bool not_the_api = r.http.transport_ok && r.http.status >= 200 && r.http.status < 300;
    bool outage = r.outcome == Outcome::Retryable && (not_the_api || is_outage(r.http.transport_ok, r.http.status));
    breaker_.record(outage, probe);
    switch (r.outcome) {
      case Outcome::Success:
        ledger_.delivered(items, r.already_present, r.operation_id);
        return true;
      case Outcome::AuthError:
        control_.stop(StopReason::AuthRefused, "the server refused the credentials (HTTP " +
                                                   std::to_string(r.http.status) + "): " + r.message);
        return false;
      case Outcome::Retryable: {
        // While the breaker is open the outage, not this batch, is the problem: the
        // attempt is not charged, and --max-outage decides when to give up.
        if (outage && breaker_.is_open()) continue;
        if (attempt < options_.retries) {
          ++attempt;
          ledger_.retried();
          auto ra = parse_retry_after(r.http.retry_after, std::chrono::system_clock::now());
          if (!control_.sleep_for(options_.backoff.delay(attempt - 1, ra, rng))) return false;
          continue;
        }
        if (outage) {
          control_.stop(StopReason::Unreachable,
                        "target unreachable after " + std::to_string(attempt + 1) + " attempts: " +
                            (r.message.empty() ? (r.http.transport_ok ? "HTTP " + std::to_string(r.http.status) : r.http.error)
                                               : r.message));
          return false;
        }
        [[fallthrough]];  // a persistent server error on these items: isolate and dead-letter
      }
      case Outcome::ItemError:
        if (items.size() == 1) {
          auto st = ledger_.dead(*items[0], r.http.status, r.message.empty() ? "HTTP " + std::to_string(r.http.status) : r.message,
                                 attempt + 1);
          if (!st) {
            control_.stop(StopReason::Fatal, st.error().message);
            return false;
          }
          return true;
        }
        // Bisect so the good items still land and only the offending ones are dead-lettered.
        std::vector<const Item*> left(items.begin(), items.begin() + items.size() / 2);
        std::vector<const Item*> right(items.begin() + items.size() / 2, items.end());
        return deliver(sender, std::move(left), rng) && deliver(sender, std::move(right), rng);
    }
  }
}

}  // namespace memconn
