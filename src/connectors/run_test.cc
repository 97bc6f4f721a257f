#include "connectors/run.h"

#include "targets/registry.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "state/dead_letter.h"
#include "targets/lightrag/api.h"

using namespace memconn;
using namespace std::chrono_literals;

namespace {

// A source that serves a fixed list (or an error).
class FakeSource : public Source {
 public:
  std::vector<SourceRecord> records;
  std::optional<Error> error;
  int fetches = 0;
  Result<Fetched> fetch(const FetchPlan&) override {
    ++fetches;
    if (error) return *error;
    Fetched f;
    f.records = records;
    f.request_summary = "fake";
    return f;
  }
};

// LightRAG 0260 in miniature: one known file_source makes the whole batch "duplicated";
// content containing "REJECT" gets a 422. Counts every receipt per file_source.
struct FakeLightrag {
  std::mutex mu;  // guards everything below
  std::map<std::string, int> stored;
  int requests = 0;
  std::atomic<int> acked_items{0};
  std::function<void()> before_send = [] {};  // runs outside the lock
};

class FakeLightragSender : public BatchSender {
 public:
  explicit FakeLightragSender(FakeLightrag& t) : t_(t) {}
  SendResult send(const std::vector<const Item*>& items, const std::string&) override {
    t_.before_send();
    std::lock_guard<std::mutex> lock(t_.mu);
    ++t_.requests;
    HttpResponse resp;
    resp.transport_ok = true;
    resp.status = 200;
    bool dup = false, reject = false;
    for (const auto* it : items) {
      dup = dup || t_.stored.count(it->document_id);
      reject = reject || it->content.find("REJECT") != std::string::npos;
    }
    if (reject) {
      resp.status = 422;
      resp.body = R"({"detail":"rejected"})";
    } else if (dup) {
      resp.body = R"({"status":"duplicated","message":"File source already exists","track_id":""})";
      if (items.size() == 1) t_.acked_items += 1;
    } else {
      for (const auto* it : items) ++t_.stored[it->document_id];
      resp.body = R"({"status":"success","message":"ok","track_id":"insert_1"})";
      t_.acked_items += static_cast<int>(items.size());
    }
    return classify_lightrag_insert(resp, items.size());
  }

 private:
  FakeLightrag& t_;
};

SourceRecord memory(int i, std::string text = "") {
  SourceRecord r;
  r.id = "m" + std::to_string(1000 + i);
  r.text = text.empty() ? "memory number " + std::to_string(i) : text;
  auto t = *parse_iso8601("2026-01-01T00:00:00Z") + std::chrono::minutes(i);
  r.time = t;
  r.created_at = format_iso8601(t);
  return r;
}

struct QuietDiagnostics : Diagnostics {
  void error(const std::string&) override {}
  void warn(const std::string&) override {}
  void info(const std::string&) override {}
  void debug(const std::string&) override {}
  void progress(const std::string&) override {}
  void clear_progress() override {}
};

struct Harness {
  std::filesystem::path dlq = std::filesystem::temp_directory_path() /
                              ("memconn-connrun-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++) + ".jsonl");
  FakeSource source;
  FakeLightrag target;
  QuietDiagnostics console;
  ScaledClock clock{*parse_iso8601("2026-01-02T00:00:00Z"), 1, [] { return std::chrono::steady_clock::time_point{}; }};
  DeadLetterWriter writer{dlq.string()};
  ConnectorConfig conn;
  SourceConfig src;
  ConnectorState state;
  std::function<int()> stop = [] { return 0; };
  std::function<UpdateOutcome(const Item&, const std::function<void()>&)> update;  // unset: edits deferred
  int persists = 0;

  static int& counter() {
    static int n = 0;
    return n;
  }
  Harness() {
    conn.name = "p2r";
    conn.source = "pendant";
    conn.target = "rag";
    conn.overlap = 1h;
    src.name = "pendant";
    src.kind = SourceKind::kMemoryApi;
    src.context = "ctx";
  }
  ~Harness() { std::filesystem::remove(dlq); }

  std::function<RepairAction(const std::string&)> only;  // verify --repair

  ConnectorRunReport run(bool full = false, int workers = 2, size_t batch = 5) {
    ConnectorRunDeps deps;
    deps.source = &source;
    deps.make_sender = [this](const std::atomic<bool>*) { return std::make_unique<FakeLightragSender>(target); };
    deps.clock = &clock;
    deps.console = &console;
    deps.dead_letters = &writer;
    deps.persist = [this] {
      ++persists;
      return ok_status();
    };
    deps.stop_signal = [this] { return stop(); };
    deps.update_document = update;
    ConnectorRunOptions opt;
    opt.full = full;
    opt.only = only;
    opt.batch_size = batch;
    opt.pipeline.workers = workers;
    opt.pipeline.retries = 0;
    opt.pipeline.tick_interval = 1ms;
    opt.checkpoint_interval = 0ms;
    NullDiagnostics quiet;
    TargetEnv env;
    env.console = &quiet;
    TargetSpec spec;
    spec.kind = TargetKind::kLightrag;
    return run_connector(conn, src, *make_target(spec, env), nullptr, state, opt, deps);
  }
};

}  // namespace

TEST_CASE("connector run: first run sends everything, the next only what is new") {
  Harness h;
  for (int i = 0; i < 30; ++i) h.source.records.push_back(memory(i));
  auto first = h.run();
  CHECK(first.result == "ok");
  CHECK(first.exit_code == 0);
  CHECK(first.sent == 30);
  CHECK(h.target.stored.size() == 30);
  CHECK(h.state.cursor == memory(29).created_at);
  CHECK(h.state.last_success == "2026-01-02T00:00:00Z");
  CHECK(h.state.last_run_started == "2026-01-02T00:00:00Z");
  CHECK(h.state.running_pid == 0);
  REQUIRE(h.state.runs.size() == 1);
  CHECK(h.state.runs[0].sent == 30);
  CHECK(h.state.runs[0].fetched == 30);

  for (int i = 30; i < 40; ++i) h.source.records.push_back(memory(i));
  int before = h.target.requests;
  auto second = h.run();
  CHECK(second.sent == 10);
  CHECK(second.new_items == 10);
  CHECK(second.already_processed == 30);
  CHECK(h.target.requests - before == 2);  // two batches of 5; nothing re-sent
  CHECK(h.state.total_sent == 40);
  for (const auto& [id, n] : h.target.stored) CHECK_MESSAGE(n == 1, id);
}

TEST_CASE("connector run: a LightRAG batch with one duplicate falls back to single items, nothing lost") {
  Harness h;
  for (int i = 0; i < 20; ++i) h.source.records.push_back(memory(i));
  // Already in LightRAG from elsewhere (an earlier crashed run): one per batch of five.
  for (int i : {2, 7, 11, 19}) h.target.stored["memory_ctx_m" + std::to_string(1000 + i) + ".txt"] = 1;
  auto r = h.run(false, 1, 5);
  CHECK(r.result == "ok");
  CHECK(r.sent == 16);
  CHECK(r.already_present == 4);
  CHECK(r.failed == 0);
  CHECK(h.target.stored.size() == 20);
  for (const auto& [id, n] : h.target.stored) CHECK_MESSAGE(n == 1, id);
}

TEST_CASE("connector run: interrupted mid-run, the cursor covers only acknowledged records - the re-run finishes") {
  Harness h;
  for (int i = 0; i < 60; ++i) h.source.records.push_back(memory(i));
  // SIGTERM arrives once 20 records are stored; the worker holds its next request until the
  // run has seen the signal, so the stop lands mid-run however slow the machine is.
  std::atomic<bool> signalled{false};
  h.stop = [&] {
    if (h.target.acked_items.load() < 20) return 0;
    signalled = true;
    return SIGTERM;
  };
  h.target.before_send = [&] {
    if (h.target.acked_items.load() < 20) return;
    for (int i = 0; i < 2000 && !signalled; ++i) std::this_thread::sleep_for(1ms);
  };
  auto r = h.run(false, 1, 5);
  CHECK(r.result == "interrupted");
  CHECK(r.exit_code == 143);
  CHECK(r.sent >= 20);
  CHECK(r.sent < 60);
  // Never past a record the target has not stored.
  auto cursor = parse_iso8601(h.state.cursor);
  REQUIRE(cursor.has_value());
  for (const auto& rec : h.source.records)
    if (*rec.time <= *cursor) CHECK_MESSAGE(h.target.stored.count("memory_ctx_" + rec.id + ".txt"), rec.id);
  CHECK(h.state.last_run_started.empty());  // still due: the next sync finishes the job
  CHECK(h.state.running_pid == 0);

  h.stop = [] { return 0; };
  h.target.before_send = [] {};
  auto again = h.run(false, 1, 5);
  CHECK(again.result == "ok");
  CHECK(again.sent + r.sent == 60);
  CHECK(h.target.stored.size() == 60);
  for (const auto& [id, n] : h.target.stored) CHECK_MESSAGE(n == 1, id);
}

TEST_CASE("connector run: rejected records are dead-lettered with the connector and a sendable item, once") {
  Harness h;
  for (int i = 0; i < 10; ++i) h.source.records.push_back(memory(i, i == 4 ? "REJECT me" : ""));
  auto r = h.run(false, 1, 5);
  CHECK(r.result == "partial");
  CHECK(r.exit_code == 1);
  CHECK(r.failed == 1);
  CHECK(r.sent == 9);
  CHECK(h.state.cursor == memory(9).created_at);  // dead letters settle: the cursor passes them
  auto dl = read_dead_letters(h.dlq.string());
  REQUIRE(dl.ok());
  REQUIRE(dl->size() == 1);
  CHECK((*dl)[0].connector == "p2r");
  CHECK((*dl)[0].document_id == "memory_ctx_m1004.txt");
  CHECK((*dl)[0].item_json.find("\"file_source\":\"memory_ctx_m1004.txt\"") != std::string::npos);
  CHECK((*dl)[0].http_status == 422);
  auto again = h.run();
  CHECK(again.failed == 0);  // not re-failed every run
  CHECK(again.new_items == 0);
}

TEST_CASE("connector run: empty transcripts are skipped and counted once across runs") {
  Harness h;
  for (int i = 0; i < 10; ++i) h.source.records.push_back(memory(i, i % 3 == 0 ? " " : ""));
  auto first = h.run();
  CHECK(first.skipped_empty == 4);
  CHECK(first.sent == 6);
  auto second = h.run();
  CHECK(second.skipped_empty == 0);
  CHECK(second.known_empty == 4);
  CHECK(h.state.total_skipped_empty == 4);
  CHECK(h.state.runs.back().skipped_empty == 0);
}

TEST_CASE("connector run: a refused source key is exit 4, recorded, and leaves the cursor alone") {
  Harness h;
  h.state.cursor = "2026-01-01T00:00:00Z";
  h.source.error = Error{"source pendant: HTTP 401: Invalid API key", 4};
  auto r = h.run();
  CHECK(r.result == "auth");
  CHECK(r.exit_code == 4);
  CHECK(h.state.cursor == "2026-01-01T00:00:00Z");
  CHECK(h.state.last_success.empty());
  CHECK(h.state.last_run_started == "2026-01-02T00:00:00Z");  // retried on schedule, not in a loop
  REQUIRE(h.state.runs.size() == 1);
  CHECK(h.state.runs[0].error == "source pendant: HTTP 401: Invalid API key");
  CHECK(h.target.requests == 0);
}

TEST_CASE("connector run: an edit is updated once, a busy target defers the rest at once, a pending update outlives the source") {
  Harness h;
  for (int i = 0; i < 3; ++i) h.source.records.push_back(memory(i));
  REQUIRE(h.run().sent == 3);
  std::vector<std::string> asked;
  UpdateOutcome::Kind answer = UpdateOutcome::Kind::Updated;
  bool delete_now = false;
  h.update = [&](const Item& it, const std::function<void()>& before_delete) {
    asked.push_back(it.content);
    if (delete_now) before_delete();
    return UpdateOutcome{answer, answer == UpdateOutcome::Kind::Updated ? "" : "busy"};
  };
  h.source.records[1].text = "memory number 1, edited";
  auto r = h.run();
  CHECK(r.changed == 1);
  CHECK(r.updated == 1);
  CHECK(r.sent == 0);
  REQUIRE(asked.size() == 1);
  CHECK(asked[0].find("memory number 1, edited") != std::string::npos);
  CHECK(h.run().changed == 0);  // the new digest is remembered: not sent again
  CHECK(asked.size() == 1);

  // Busy: the first edit waits out the target, the second is not even tried.
  h.source.records[0].text = "memory number 0, edited";
  h.source.records[2].text = "memory number 2, edited";
  answer = UpdateOutcome::Kind::Deferred;
  auto busy = h.run();
  CHECK(busy.updates_deferred == 2);
  CHECK(busy.updated == 0);
  CHECK(busy.result == "ok");
  CHECK(asked.size() == 2);
  CHECK_FALSE(busy.warnings.empty());

  // Killed between delete and insert: the saved text is inserted even after the memory
  // left the source's range.
  delete_now = true;
  answer = UpdateOutcome::Kind::Failed;
  auto failed = h.run();
  CHECK(failed.failed == 2);
  CHECK(failed.result == "partial");
  REQUIRE(h.state.pending_updates.size() == 2);
  CHECK(h.state.pending_updates[0].text.find("memory number 0, edited") != std::string::npos);
  h.source.records.clear();
  delete_now = false;
  answer = UpdateOutcome::Kind::Updated;
  size_t before = asked.size();
  auto replay = h.run();
  CHECK(replay.updated == 2);
  REQUIRE(asked.size() == before + 2);
  CHECK(asked[before].find("memory number 0, edited") != std::string::npos);
  CHECK(asked[before + 1].find("memory number 2, edited") != std::string::npos);
  CHECK(h.state.pending_updates.empty());
  CHECK(h.state.total_updated == 3);
}

TEST_CASE("connector run: a repair run (verify --repair) sends only what it names, replaces the stale, and is no sync for the schedule") {
  Harness h;
  for (int i = 0; i < 10; ++i) h.source.records.push_back(memory(i));
  h.source.records.push_back(memory(10, " "));  // blank: never sent, not even by a repair
  REQUIRE(h.run().sent == 10);
  // As if that sync ran a day earlier than the repair (the fake clock does not move).
  h.state.last_success = h.state.last_run_started = "2026-01-01T00:00:00Z";
  std::string cursor = h.state.cursor;
  h.target.stored.erase("memory_ctx_m1003.txt");  // lost by the target
  h.target.stored.erase("memory_ctx_m1007.txt");
  std::vector<std::string> replaced;
  h.update = [&](const Item& it, const std::function<void()>&) {
    replaced.push_back(it.document_id);
    return UpdateOutcome{UpdateOutcome::Kind::Updated, ""};
  };
  h.only = [](const std::string& doc) {
    if (doc == "memory_ctx_m1003.txt" || doc == "memory_ctx_m1007.txt") return RepairAction::Resend;
    if (doc == "memory_ctx_m1005.txt") return RepairAction::Replace;  // the state agrees, the target does not
    return RepairAction::Skip;
  };
  int requests = h.target.requests;
  auto r = h.run(true);
  CHECK(r.result == "ok");
  CHECK(r.sent == 2);
  CHECK(r.updated == 1);
  CHECK(r.skipped_empty == 0);
  CHECK(replaced == std::vector<std::string>{"memory_ctx_m1005.txt"});
  CHECK(h.target.requests - requests == 1);  // one batch holding the two missing records
  CHECK(h.target.stored.size() == 10);
  CHECK(h.state.cursor == cursor);
  CHECK(h.state.last_success == "2026-01-01T00:00:00Z");
  CHECK(h.state.last_run_started == "2026-01-01T00:00:00Z");
  REQUIRE(h.state.runs.size() == 2);
  CHECK(h.state.runs.back().sent == 2);
}
