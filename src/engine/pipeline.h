// The shared core of every sending command: one reader thread producing batches into a
// bounded queue, N workers delivering them (retries, backoff, breaker, rate limit, splitting
// on item errors), and the calling thread ticking progress and checkpoints until done.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "engine/adaptive_limit.h"
#include "engine/bounded_queue.h"
#include "engine/item.h"
#include "engine/item_pool.h"
#include "engine/ledger.h"
#include "base/retry_policy.h"
#include "engine/run_control.h"
#include "engine/sender.h"

namespace memconn {

struct PipelineOptions {
  int workers = 4;
  // workers threads, of which an AIMD limit lets only as many send at once as the server
  // keeps up with (--workers auto).
  bool adaptive = false;
  int retries = 5;
  BackoffPolicy backoff;
  int breaker_failures = 10;
  // This many single items in a row failing with the same status and message means the
  // server is failing, not the items: the run stops (WrongTarget) and they stay pending.
  // 0 = off.
  int same_failure_limit = 10;
  std::chrono::milliseconds max_outage{300000};
  double rate = 0;  // requests per second, 0 = unlimited
  std::chrono::milliseconds drain_timeout{10000};
  std::chrono::milliseconds tick_interval{100};
  // Delivered items kept for the producer to fill again (ItemPool); 0 when it never takes any.
  size_t spare_items = 0;
  std::string target;  // the target's URL without credentials, for messages that name it
  // Called once per HTTP request when -v is on: method/path/status/latency/attempt only.
  std::function<void(const std::string&)> log_request;
  // Documents (Item::document_write): called from the worker once the target acknowledged a
  // batch (after the ledger settled it), so the producer can send what the documents gained
  // meanwhile.
  std::function<void(const std::vector<const Item*>&)> on_delivered;
  // Called instead of dead-lettering a refused document write: the producer finds which of
  // its parts the target refuses (ingest/documents.h). Unset: refused writes are dead-lettered.
  std::function<Status(const Item&, long status, const std::string& message, int attempts)> on_document_refused;
};

using SenderFactory = std::function<std::unique_ptr<BatchSender>()>;
// Runs on the reader thread; emit() blocks for backpressure and returns false once the run
// is stopping, after which the producer should return promptly.
using Producer = std::function<void(const std::function<bool(Batch)>& emit)>;

class Pipeline {
 public:
  Pipeline(PipelineOptions options, SenderFactory make_sender, Ledger& ledger, RunControl& control);
  // Returns when every batch is settled or the run stopped. tick() runs on this thread.
  void run(const Producer& produce, const std::function<void()>& tick);
  int breaker_openings() const { return breaker_.openings(); }
  // Requests allowed in flight now, and the most that were (fixed: the worker count).
  int concurrency() const { return adaptive_ ? adaptive_->limit() : options_.workers; }
  int peak_concurrency() const { return adaptive_ ? adaptive_->peak() : options_.workers; }
  // The producer's source of spare items and batch vectors (reader thread only).
  ItemPool& pool() { return pool_; }
  // Producer: true when a batch emitted now would not wait for a worker (a producer that can
  // fold more into what it sends, documents, waits for this instead of queueing early).
  bool has_room() const;

 private:
  void work(BatchSender& sender, uint64_t seed);
  // False if the run stopped before these items were settled.
  bool deliver(BatchSender& sender, std::vector<const Item*> items, std::mt19937_64& rng);
  // An item refused for good: dead-lettered, or handed to on_document_refused.
  Status refuse(const Item& item, long status, const std::string& message, int attempts);
  // One item the server refused after its retries: held while it extends a streak of
  // identical failures, dead-lettered once the streak breaks. False if the run stopped.
  bool item_failed(const Item& item, long status, const std::string& message, int attempts);
  // Dead-letters the held items: the streak ended, so they were the items' own fault.
  bool release_held();

  PipelineOptions options_;
  std::atomic<BoundedQueue<Batch>*> queue_{nullptr};  // the queue while run() runs
  SenderFactory make_sender_;
  Ledger& ledger_;
  RunControl& control_;
  ItemPool pool_;
  CircuitBreaker breaker_;
  RateLimiter rate_;
  std::unique_ptr<AdaptiveLimit> adaptive_;  // --workers auto; thread-safe itself

  struct Held {
    Item item;  // a copy: the worker's batch that owned it is gone by the time it is released
    long status;
    std::string message;
    int attempts;
    bool reported;  // a document's write, handed to on_document_refused already
  };
  // Set once the target answered any request with an HTTP status. Until then an outage is
  // a wrong address or a server not started: fail after the normal retries instead of
  // holding the breaker open for --max-outage, which is for a target that went away.
  std::atomic<bool> answered_{false};
  std::mutex streak_mu_;                  // guards held_
  std::vector<Held> held_;                // the current streak of identical failures, oldest first
  std::atomic<size_t> held_count_{0};     // held_.size(), read without the lock on every success
};

}  // namespace memconn
