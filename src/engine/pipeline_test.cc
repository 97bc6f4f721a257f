#include "engine/pipeline.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <mutex>
#include <set>

using namespace memconn;
using namespace std::chrono_literals;

namespace {

// A target without sockets: rejects items whose content contains "BAD", fails the first
// `flaky` requests with 503, answers 401 when told to.
struct FakeTarget {
  std::mutex mu;  // guards everything below
  std::multiset<std::string> stored;
  int flaky = 0;
  bool refuse_auth = false;
  bool plain_http = false;  // an https:// URL at a plain-HTTP port: the handshake fails
  int requests = 0;
};

class FakeSender : public BatchSender {
 public:
  explicit FakeSender(FakeTarget& t) : t_(t) {}
  SendResult send(const std::vector<const Item*>& items, const std::string&) override {
    std::lock_guard<std::mutex> lock(t_.mu);
    ++t_.requests;
    SendResult r;
    r.http.transport_ok = true;
    if (t_.plain_http) {
      r.http.transport_ok = false;
      r.http.plain_http = true;
      r.http.error = "SSL routines::wrong version number: the server at h:1 answered in plain HTTP: use http://";
      r.outcome = classify(false, 0);
      return r;
    }
    if (t_.refuse_auth) {
      r.http.status = 401;
    } else if (t_.flaky > 0) {
      --t_.flaky;
      r.http.status = 503;
      r.http.retry_after = "0";
    } else {
      r.http.status = 200;
      for (auto* it : items)
        if (it->content.find("BAD") != std::string::npos) r.http.status = 422;
      if (r.http.status == 200)
        for (auto* it : items) t_.stored.insert(it->content);
    }
    r.outcome = classify(true, r.http.status);
    return r;
  }

 private:
  FakeTarget& t_;
};

struct Fixture {
  MemoryDeadLetters writer;
  Ledger ledger{{"src"}, &writer};
  RunControl control;
  FakeTarget target;

  void run(const std::vector<std::string>& lines, size_t batch_size, PipelineOptions opt = {}) {
    opt.tick_interval = 5ms;
    Pipeline p(opt, [&] { return std::make_unique<FakeSender>(target); }, ledger, control);
    p.run(
        [&](const std::function<bool(Batch)>& emit) {
          Batch b;
          uint64_t seq = 0;
          for (const auto& l : lines) {
            Item it;
            it.content = l;
            it.document_id = l;
            it.origin = Origin{0, seq + 1, seq * 10, seq * 10 + 10, seq};
            ++seq;
            ledger.item_pending(it);
            b.items.push_back(std::move(it));
            if (b.items.size() == batch_size) {
              if (!emit(std::move(b))) return;
              b = Batch{};
            }
          }
          if (!b.items.empty()) emit(std::move(b));
          ledger.source_done(0);
        },
        [] {});
  }
};

}  // namespace

TEST_CASE("pipeline: bad items are isolated by bisection, the rest lands") {
  Fixture f;
  std::vector<std::string> lines;
  for (int i = 0; i < 40; ++i) lines.push_back(i % 13 == 5 ? "BAD " + std::to_string(i) : "ok " + std::to_string(i));
  f.run(lines, 10);
  CHECK(f.target.stored.size() == 37);
  auto c = f.ledger.counters();
  CHECK(c.sent == 37);
  CHECK(c.failed == 3);
  CHECK(f.ledger.pending() == 0);
  auto dl = f.writer.letters();
  CHECK(dl.size() == 3);
  CHECK(dl[0].http_status == 422);
}

TEST_CASE("pipeline: 503s are retried and nothing is lost") {
  Fixture f;
  f.target.flaky = 3;
  std::vector<std::string> lines;
  for (int i = 0; i < 25; ++i) lines.push_back("x" + std::to_string(i));
  PipelineOptions opt;
  opt.workers = 2;
  opt.backoff.base = 1ms;
  f.run(lines, 5, opt);
  CHECK(f.target.stored.size() == 25);
  CHECK(f.ledger.counters().retries == 3);
  CHECK(f.control.reason() == StopReason::None);
}

TEST_CASE("pipeline: a refused key stops the run and leaves items uncommitted") {
  Fixture f;
  f.target.refuse_auth = true;
  f.run({"a", "b", "c"}, 1);
  CHECK(f.control.reason() == StopReason::AuthRefused);
  CHECK(f.ledger.counters().failed == 0);
  CHECK(f.ledger.commit_point(0).offset == 0);
}

PipelineOptions one_worker(int retries) {
  PipelineOptions opt;
  opt.workers = 1;
  opt.retries = retries;
  opt.backoff.base = 1ms;
  return opt;
}

TEST_CASE("pipeline: https:// at a plain-HTTP port stops at the first request - no retry, no dead letter") {
  Fixture f;
  f.target.plain_http = true;
  f.run({"a", "b"}, 1, one_worker(5));
  CHECK(f.control.reason() == StopReason::WrongTarget);
  CHECK(f.target.requests == 1);
  CHECK(f.ledger.counters().retries == 0);
  CHECK(f.ledger.counters().failed == 0);
  CHECK(f.control.message().find("use http://") != std::string::npos);
}

TEST_CASE("pipeline: an outage outlasting the retries stops the run without dead letters") {
  Fixture f;
  f.target.flaky = 1000;
  f.run({"a", "b"}, 1, one_worker(2));
  CHECK(f.control.reason() == StopReason::Unreachable);
  CHECK(f.ledger.counters().failed == 0);
}
