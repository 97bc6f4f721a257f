// Issue 9 point 8: the state file does not grow with history. File offsets live in the file
// store beside it (state.json.files/, 256 buckets); a run loads and rewrites only what its
// inputs touch, and a version 1 state file (every offset inline) is migrated on first use.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "harness.h"

using namespace e2e;
namespace fs = std::filesystem;

namespace {

// Every entry of the file store, key -> the entry's JSON text.
std::map<std::string, std::string> store_entries(const std::string& state) {
  std::map<std::string, std::string> out;
  if (!fs::exists(state + ".files")) return out;
  for (const auto& f : fs::directory_iterator(state + ".files")) {
    JsonDoc bucket(read_file(f.path()));
    for (auto [key, value] : bucket.root()["files"].get_object()) out[std::string(key)] = simdjson::minify(value);
  }
  return out;
}

// A version 1 state file, as memconn wrote it before the file store: every entry inline.
void write_v1_state(const std::string& state, const std::map<std::string, std::string>& entries) {
  std::ofstream f(state, std::ios::binary | std::ios::trunc);
  f << "{\"version\":1,\"files\":{";
  bool first = true;
  for (const auto& [key, value] : entries) {
    f << (first ? "" : ",") << '"' << key << "\":" << value;
    first = false;
  }
  f << "},\"runs\":[],\"connectors\":{}}\n";
}

std::vector<std::string> ingest(const Standin& s, const std::string& state, const std::string& path) {
  return {"--url", s.url(), "--bank", "b1", "--state", state, "ingest", path, "--json"};
}

uint64_t sent(const RunResult& r) { return JsonDoc(r.out).root()["sent"].get_uint64().value(); }

}  // namespace

TEST_CASE("state: a version 1 state file keeps working - its offsets move to the file store, nothing is re-sent") {
  Standin s;
  TempDir t;
  std::string state = t.file("state.json"), notes = write_lines(t.file("notes.txt"), 5);
  RunResult first = run_memconn(ingest(s, state, notes));
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  auto entries = store_entries(state);
  REQUIRE(entries.size() == 1);
  // Turn the store back into what the previous release wrote.
  write_v1_state(state, entries);
  fs::remove_all(state + ".files");

  std::ofstream(notes, std::ios::app) << "line 5\nline 6\n";
  RunResult next = run_memconn(ingest(s, state, notes));
  REQUIRE_MESSAGE(next.exit_code == 0, next.err);
  CHECK(sent(next) == 2);  // only the appended lines: the old offset was honoured
  CHECK(next.err.find("state file migrated") != std::string::npos);
  JsonDoc after(read_file(state));
  CHECK(after.root()["version"].get_int64().value() == 2);
  CHECK(after.root()["files"].get_object().size() == 0);
  CHECK(store_entries(state).size() == 1);
  CHECK(s.stats().items_received() == 7);
  RunResult again = run_memconn(ingest(s, state, notes));
  CHECK(sent(again) == 0);
}

TEST_CASE("state: after 100,000 files ingested earlier a one-line ingest stays small and rewrites one bucket") {
  Standin s;
  TempDir t;
  std::string state = t.file("state.json"), seed = t.write("seed.txt", "the seed line\n");
  REQUIRE(run_memconn(ingest(s, state, seed)).exit_code == 0);
  auto entries = store_entries(state);
  REQUIRE(entries.size() == 1);
  // 100,000 entries in the previous release's format: one per (bank, file), the file existing.
  std::string key = entries.begin()->first, value = entries.begin()->second;
  std::string head = key.substr(0, key.find("#b1|")), path = key.substr(key.find("#b1|") + 3);
  std::map<std::string, std::string> many;
  for (int i = 0; i < 100000; ++i) many.emplace(head + "#bank" + std::to_string(i) + path, value);
  write_v1_state(state, many);
  fs::remove_all(state + ".files");
  MESSAGE("version 1 state file with 100,000 entries: " << fs::file_size(state) / 1024 << " KiB");

  RunResult migrate = run_memconn(ingest(s, state, seed), RunOptions{.timeout_s = 240, .measure_rss = true});
  REQUIRE_MESSAGE(migrate.exit_code == 0, migrate.err);
  MESSAGE("the one-time migration: peak RSS " << migrate.max_rss_kb / 1024 << " MiB");
  CHECK(fs::file_size(state) < 4096);
  size_t buckets = 0;
  std::map<std::string, fs::file_time_type> written;
  for (const auto& f : fs::directory_iterator(state + ".files")) {
    ++buckets;
    written[f.path().string()] = fs::last_write_time(f.path());
  }
  CHECK(buckets == 256);

  std::string one = t.write("one.txt", "a single new line\n");
  RunResult r = run_memconn(ingest(s, state, one), RunOptions{.measure_rss = true});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(sent(r) == 1);
  MESSAGE("one-line ingest after 100,000 files: peak RSS " << r.max_rss_kb / 1024 << " MiB, state file "
                                                            << fs::file_size(state) << " bytes");
  if (!kSanitized) CHECK_MESSAGE(r.max_rss_kb <= 20 * 1024, "peak RSS " << r.max_rss_kb << " KiB");
  CHECK(fs::file_size(state) < 4096);
  // The run's cost follows what it touched: one bucket gained its entry, no other was written.
  size_t rewritten = 0, added = 0;
  for (const auto& f : fs::directory_iterator(state + ".files")) {
    auto it = written.find(f.path().string());
    if (it == written.end()) ++added;
    else if (fs::last_write_time(f.path()) != it->second) ++rewritten;
  }
  CHECK(rewritten + added == 1);
  CHECK(store_entries(state).size() == many.size() + 2);
}

TEST_CASE("state: entries of files that no longer exist are dropped when their bucket is rewritten") {
  Standin s;
  TempDir t;
  std::string state = t.file("state.json");
  std::string gone = write_lines(t.file("gone.txt"), 2), kept = write_lines(t.file("kept.txt"), 2);
  REQUIRE(run_memconn(ingest(s, state, gone)).exit_code == 0);
  REQUIRE(run_memconn(ingest(s, state, kept)).exit_code == 0);
  auto before = store_entries(state);
  REQUIRE(before.size() == 2);
  fs::remove(gone);
  // Rewrite every bucket this way: the state file names both files again (as a run that died
  // before merging would leave it), and the next run merges them.
  write_v1_state(state, before);
  RunResult r = run_memconn(ingest(s, state, kept));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(sent(r) == 0);
  auto after = store_entries(state);
  CHECK(after.size() == 1);
  CHECK(after.begin()->first.ends_with("/kept.txt"));
}
