#include "ingest/documents.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "targets/registry.h"

using namespace memconn;

namespace {

struct Fixture {
  NullDiagnostics quiet;
  std::unique_ptr<Target> target;
  Fixture() {
    TargetEnv env;
    env.console = &quiet;
    target = make_target(TargetSpec{}, env);
  }
  DocumentBook book() {
    auto spool = PartSpool::open(std::filesystem::temp_directory_path().string());
    REQUIRE(spool);
    return DocumentBook(std::move(*spool), *target);
  }
};

Item part(const std::string& doc, const std::string& text, uint64_t line) {
  Item it;
  it.document_id = doc;
  it.explicit_id = true;
  it.content = text;
  it.origin = Origin{0, line, line * 10, line * 10 + 10, line};
  return it;
}

// One round of a server that answers at once: takes up to max_items writes, acknowledges
// each, applies the events. Each write's text goes to `written`, by document.
void deliver_once(DocumentBook& book, Ledger& ledger, size_t max_items, std::map<std::string, std::string>& written) {
  auto w = book.take_writes(max_items, 1 << 20);
  REQUIRE(w);
  for (auto& write : *w) {
    written[write.document_id] = write.content;
    book.delivered(write);
  }
  REQUIRE(book.apply_events(ledger, {}));
}

// Rounds until nothing is left to send.
void deliver_all(DocumentBook& book, Ledger& ledger, size_t max_items, std::map<std::string, std::string>& written) {
  while (!book.idle()) deliver_once(book, ledger, max_items, written);
}

}  // namespace

TEST_CASE("documents: a write carries the whole text, folds the parts read while one was in flight, and settles each part once") {
  Fixture f;
  auto book = f.book();
  MemoryDeadLetters dl;
  Ledger ledger({"chat.jsonl"}, &dl);
  ledger.start_source(0, 0, 0);
  REQUIRE(book.add("/a", part("c1", "one", 1), true));
  auto w1 = book.take_writes(10, 1 << 20);
  REQUIRE(w1);
  REQUIRE(w1->size() == 1);
  CHECK((*w1)[0].content == "one");
  CHECK((*w1)[0].settles.size() == 1);
  REQUIRE(book.add("/a", part("c1", "two", 2), true));
  REQUIRE(book.add("/a", part("c1", "three", 3), true));
  CHECK_FALSE(book.has_ready());  // one write in flight per document: the new parts wait
  book.delivered((*w1)[0]);
  REQUIRE(book.apply_events(ledger, {}));
  auto w2 = book.take_writes(10, 1 << 20);
  REQUIRE(w2);
  REQUIRE(w2->size() == 1);
  CHECK((*w2)[0].content == "one\ntwo\nthree");
  CHECK((*w2)[0].settles.size() == 2);
  CHECK((*w2)[0].json.find("update_mode") == std::string::npos);
}

TEST_CASE("documents: a refused write is narrowed down to the refused part, which is dead-lettered and left out") {
  Fixture f;
  auto book = f.book();
  MemoryDeadLetters dl;
  Ledger ledger({"chat.jsonl"}, &dl);
  ledger.start_source(0, 0, 0);
  for (int i = 1; i <= 5; ++i) REQUIRE(book.add("/a", part("c1", i == 4 ? "bad" : "p" + std::to_string(i), i), true));
  std::vector<std::pair<std::string, uint64_t>> excluded;
  for (int round = 0; round < 20 && !book.idle(); ++round) {
    auto w = book.take_writes(10, 1 << 20);
    REQUIRE(w);
    for (auto& write : *w) {
      if (write.content.find("bad") != std::string::npos) book.refused(write, 422, "no", 1);
      else book.delivered(write);
    }
    REQUIRE(book.apply_events(ledger, [&](const std::string&, const std::string& file, uint64_t line) {
      excluded.emplace_back(file, line);
    }));
  }
  CHECK(book.idle());
  REQUIRE(excluded.size() == 1);
  CHECK(excluded[0].second == 4);
  REQUIRE(dl.letters().size() == 1);
  CHECK(dl.letters()[0].line == 4);
  CHECK(dl.letters()[0].document_part);
  std::string text;
  REQUIRE(book.for_each_document([&](const Item& doc) { text = doc.content; }));
  CHECK(text == "p1\np2\np3\np5");
}

// A model of the server and of runs that crash: random sequences of writes, lost answers
// (after the server applied them: the write is replayed, as libcurl or the retry does),
// server errors before anything was applied, refusals of poisoned parts, and crashes that
// lose everything in memory (a kill -9), after which a new run starts from what the ledger
// had settled. Whatever happens, once a run ends without a crash every document holds
// exactly its parts that are not poisoned, in order.
TEST_CASE("documents: model - random writes, lost answers, replays, errors, refusals and crashes leave every document exact") {
  Fixture f;
  const int kSequences = 2000;
  for (int seq = 0; seq < kSequences; ++seq) {
    uint64_t seed = 0x5eed0000 + static_cast<uint64_t>(seq);
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    // The input: a few documents, their parts interleaved at random; some parts poisoned.
    int docs = 1 + pick(5), lines = 1 + pick(24);
    struct Line {
      std::string doc, text;
      bool poison;
    };
    std::vector<Line> input;
    std::map<std::string, std::string> expected;
    for (int l = 1; l <= lines; ++l) {
      std::string doc = "d" + std::to_string(pick(docs));
      bool poison = pick(10) == 0;
      std::string text = (poison ? "POISON " : "") + std::string("line ") + std::to_string(l) + (pick(4) == 0 ? "" : " of " + doc);
      input.push_back({doc, text, poison});
      if (!poison) expected[doc] += (expected[doc].empty() ? "" : "\n") + text;
    }
    std::map<std::string, std::string> server;  // the target's documents
    std::set<uint64_t> settled;                 // lines the ledger settled (survives a crash: the journal)
    std::set<uint64_t> refused;                 // lines left out (survives a crash: the document index)
    bool finished = false;
    for (int run = 0; run < 12 && !finished; ++run) {
      bool may_crash = run < 10;
      auto book = f.book();
      if (pick(2)) book.forget_idle();  // as an ingest run does
      MemoryDeadLetters dl;
      Ledger ledger({"in.jsonl"}, &dl);
      ledger.start_source(0, 0, 0);
      for (uint64_t l : refused) book.exclude(input[l - 1].doc, "/in", l);
      // What earlier runs settled is committed; the rest is read as new, a few lines between
      // writes (as the reader goes), or all at once.
      int next = 1;
      auto read_some = [&](int n) {
        for (; n > 0 && next <= lines; --n, ++next) {
          auto it = part(input[next - 1].doc, input[next - 1].text, static_cast<uint64_t>(next));
          bool is_new = !settled.count(static_cast<uint64_t>(next));
          if (is_new) ledger.item_pending(it);
          REQUIRE(book.add("/in", it, is_new));
        }
      };
      if (pick(2)) read_some(lines);
      bool crashed = false;
      for (int step = 0; step < 400 && (!book.idle() || next <= lines) && !crashed; ++step) {
        read_some(pick(4));
        // Only the documents worth a write now (a random read-ahead horizon), or every one
        // (the end of the input, or the read-ahead is full).
        size_t horizon = next <= lines && pick(3) ? 1 + static_cast<size_t>(pick(8)) : 0;
        auto writes = book.take_writes(1 + pick(3), 1 << 20, horizon);
        REQUIRE(writes);
        for (auto& w : *writes) {
          bool poisoned = w.content.find("POISON") != std::string::npos;
          int fate = pick(10);
          if (may_crash && fate == 0) {  // kill -9 with this write in flight: applied or not
            if (pick(2) && !poisoned) server[w.document_id] = w.content;
            crashed = true;
            break;
          }
          if (poisoned) {
            book.refused(w, 422, "poison", 1);
            continue;
          }
          // fate 1-2: applied and its answer lost, so it is sent again; fate 3: a 503 before
          // anything was applied, then sent again; otherwise applied once. Either way the
          // write that is answered is applied (again).
          if (fate <= 2) server[w.document_id] = w.content;
          server[w.document_id] = w.content;
          ledger.delivered({&w}, false, "");
          for (const auto& o : w.settles) settled.insert(o.line);
          book.delivered(w);
        }
        if (crashed) break;
        auto applied = book.apply_events(ledger, [&](const std::string&, const std::string&, uint64_t line) {
          refused.insert(line);
          settled.insert(line);
        });
        REQUIRE(applied);
      }
      if (!crashed) {
        REQUIRE(book.idle());
        finished = true;
      }
    }
    REQUIRE(finished);
    for (const auto& [doc, text] : expected) {
      CAPTURE(doc);
      CHECK(server[doc] == text);
    }
    // A document whose every part was poisoned was never written.
    for (const auto& [doc, text] : server) CHECK(expected.count(doc) == 1);
  }
}

// Every write carries the whole text, so writing a document each time a part arrives sends it
// about (parts / 2) times over. An interleaved export (here 20 conversations × 60 turns, round
// robin) against a server that answers at once must cost a small multiple of its text.
TEST_CASE("documents: interleaved documents are written in a few whole writes, not one per part") {
  Fixture f;
  MemoryDeadLetters dl;
  const int kDocs = 20, kTurns = 60;
  auto run = [&](size_t horizon) {
    auto book = f.book();
    Ledger ledger({"chat.jsonl"}, &dl);
    ledger.start_source(0, 0, 0);
    size_t carried = 0, writes = 0;
    auto send = [&](size_t h) {
      auto w = book.take_writes(5, 1 << 20, h);
      REQUIRE(w);
      for (auto& write : *w) {
        ++writes;
        carried += static_cast<size_t>(std::count(write.content.begin(), write.content.end(), '\n')) + 1;
        book.delivered(write);
      }
      REQUIRE(book.apply_events(ledger, {}));
    };
    uint64_t line = 0;
    for (int t = 0; t < kTurns; ++t)
      for (int d = 0; d < kDocs; ++d) {
        REQUIRE(book.add("/a", part("c" + std::to_string(d), "turn " + std::to_string(t), ++line), true));
        send(horizon);
      }
    while (!book.idle()) send(0);
    return std::make_pair(carried, writes);
  };
  const size_t text = kDocs * kTurns;
  // No horizon: each document is written when its new parts match what the target holds.
  auto [carried, writes] = run(1'000'000);
  CHECK(carried <= 3 * text);
  CHECK(writes <= kDocs * 8);
  // A horizon of 100 parts (5 per document): the oldest go sooner, and still in few writes.
  auto [carried2, writes2] = run(100);
  CHECK(carried2 <= 8 * text);
  // What the book did before: every document with something new, at every chance.
  auto [carried0, writes0] = run(0);
  CHECK(carried0 > 20 * text);
  CHECK(writes0 == text);
}

TEST_CASE("part spool: a compacted chain reads back the same parts in one record, and grows from there") {
  auto spool = PartSpool::open(std::filesystem::temp_directory_path().string());
  REQUIRE(spool);
  uint64_t last = PartSpool::kNone;
  for (uint64_t l = 1; l <= 50; ++l) {
    Part p;
    p.rank = static_cast<uint32_t>(l % 3);
    p.line = l;
    p.content = std::string(l * 13, 'a' + static_cast<char>(l % 26));  // some past the one-read guess
    p.tags = {"t" + std::to_string(l % 4)};
    p.metadata = {{"k", std::to_string(l)}};
    auto at = spool->append(last, p);
    REQUIRE(at);
    last = *at;
  }
  std::vector<Part> before, after;
  size_t records = 0;
  REQUIRE(spool->read_chain(last, before, &records));
  CHECK(records == 50);
  auto compacted = spool->compact(before);
  REQUIRE(compacted);
  Part more;
  more.line = 51;
  more.content = "fifty-one";
  auto tail = spool->append(*compacted, more);
  REQUIRE(tail);
  REQUIRE(spool->read_chain(*tail, after, &records));
  CHECK(records == 2);
  REQUIRE(after.size() == 51);
  for (size_t i = 0; i < 50; ++i) {
    CAPTURE(i);
    CHECK(after[i].line == before[i].line);
    CHECK(after[i].rank == before[i].rank);
    CHECK(after[i].content == before[i].content);
    CHECK(after[i].tags == before[i].tags);
    CHECK(after[i].metadata == before[i].metadata);
  }
  CHECK(after[50].content == "fifty-one");
  // Compacted again: one record holds the whole chain.
  auto again = spool->compact(after);
  REQUIRE(again);
  REQUIRE(spool->read_chain(*again, before, &records));
  CHECK(records == 1);
  CHECK(before.size() == 51);
}

// An export of many documents: each one with nothing left to send is forgotten down to a few
// bytes, and made whole again (its earlier parts included) when another part of it comes.
TEST_CASE("documents: a forgotten idle document comes back whole when a later part arrives") {
  Fixture f;
  auto book = f.book();
  book.forget_idle();
  MemoryDeadLetters dl;
  Ledger ledger({"notes.jsonl"}, &dl);
  ledger.start_source(0, 0, 0);
  const int kDocs = 5000;
  uint64_t line = 0;
  for (int d = 0; d < kDocs; ++d) REQUIRE(book.add("/n", part("n" + std::to_string(d), "first " + std::to_string(d), ++line), true));
  std::map<std::string, std::string> first;
  deliver_all(book, ledger, 50, first);
  CHECK(book.documents() == kDocs);
  for (int d = 0; d < kDocs; ++d) {
    CAPTURE(d);
    CHECK(book.known("n" + std::to_string(d)));
    CHECK(book.has_file("n" + std::to_string(d), "/n"));
    CHECK_FALSE(book.has_file("n" + std::to_string(d), "/other"));
  }
  CHECK_FALSE(book.known("n" + std::to_string(kDocs)));
  // Every other document gets a second part: its write carries both.
  for (int d = 0; d < kDocs; d += 2) REQUIRE(book.add("/n", part("n" + std::to_string(d), "second " + std::to_string(d), ++line), true));
  std::map<std::string, std::string> written;
  deliver_all(book, ledger, 50, written);
  CHECK(written.size() == kDocs / 2);
  for (int d = 0; d < kDocs; d += 2) {
    CAPTURE(d);
    CHECK(written["n" + std::to_string(d)] == "first " + std::to_string(d) + "\nsecond " + std::to_string(d));
  }
  CHECK(book.documents() == kDocs);
}

// Each write of a growing document stores its chain again as one record, so the spool would
// grow with the text SENT (many times the text read). Once dead records outweigh live ones,
// every chain moves to a fresh spool: its size stays within a few times the text read, and
// every document still reads back whole, forgotten ones included.
TEST_CASE("documents: the part spool is collected once dead chains outweigh live ones, and every document stays whole") {
  Fixture f;
  auto book = f.book();
  book.forget_idle();
  book.collect_spool_from(64 * 1024);
  MemoryDeadLetters dl;
  Ledger ledger({"chat.jsonl"}, &dl);
  ledger.start_source(0, 0, 0);
  const int kDocs = 40, kTurns = 80;
  std::map<std::string, std::string> expected, written;
  uint64_t line = 0, text_bytes = 0, peak = 0;
  for (int t = 0; t < kTurns; ++t)
    for (int d = 0; d < kDocs; ++d) {
      std::string id = "c" + std::to_string(d), turn = "turn " + std::to_string(t) + " of conversation " + id;
      expected[id] += (expected[id].empty() ? "" : "\n") + turn;
      text_bytes += turn.size();
      REQUIRE(book.add("/a", part(id, turn, ++line), true));
      // Every document with anything new, at every chance: the most rewriting there can be.
      deliver_once(book, ledger, 8, written);
      peak = std::max(peak, book.spool_bytes());
    }
  deliver_all(book, ledger, 8, written);
  CHECK(written == expected);
  // Without collection the spool holds every chain ever compacted: about 40 times the text here.
  CHECK(peak < 12 * text_bytes);
  CHECK(peak >= text_bytes);
}
