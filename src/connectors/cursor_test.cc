#include "connectors/cursor.h"

#include <doctest/doctest.h>

#include "sources/memory_api.h"

using namespace memconn;
using namespace std::chrono;

namespace {

SourceRecord rec(std::string id, std::string created, std::string text = "some words") {
  SourceRecord r;
  r.id = std::move(id);
  r.created_at = std::move(created);
  r.time = parse_iso8601(r.created_at);
  r.text = std::move(text);
  return r;
}

std::vector<std::string> ids(const std::vector<SourceRecord>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.push_back(r.id);
  return out;
}

const SysTime kNow = *parse_iso8601("2024-06-01T12:00:00Z");

}  // namespace

TEST_CASE("range choice: smallest range covering the time since the last finished run plus overlap") {
  CHECK(choose_range(std::nullopt, kNow, 1h) == "all");  // first run: everything
  CHECK(choose_range(std::nullopt, kNow, 1h, "week") == "week");  // unless first_range says otherwise
  CHECK(choose_range(kNow - 30min, kNow, 1h) == "day");
  CHECK(choose_range(kNow - 23h, kNow, 1h) == "day");
  CHECK(choose_range(kNow - 23h - 1s, kNow, 1h) == "week");
  CHECK(choose_range(kNow - days(6), kNow, 1h) == "week");
  CHECK(choose_range(kNow - days(7), kNow, 1h) == "month");
  CHECK(choose_range(kNow - days(27), kNow, 1h) == "month");
  CHECK(choose_range(kNow - days(28), kNow, 1h) == "all");  // a "month" may be only 28 days
}

TEST_CASE("selection: first run sends everything non-empty, oldest first") {
  ConnectorState st;
  auto sel = select_records({rec("b", "2024-06-01T10:00:00Z"), rec("a", "2024-06-01T09:00:00Z"),
                             rec("e", "2024-06-01T09:30:00Z", "  \n"), rec("u", "")},
                            st, 1h, false);
  CHECK(ids(sel.send) == std::vector<std::string>{"a", "b", "u"});  // untimed last
  CHECK(ids(sel.new_empty) == std::vector<std::string>{"e"});
  CHECK(sel.fetched == 4);
}

TEST_CASE("selection: processed ids filter what the source returns - a late upload is new by its id") {
  ConnectorState st;
  st.cursor = "2024-06-01T10:00:00Z";
  st.recent_ids = {{"b", "2024-06-01T10:00:00Z"}, {"c", "2024-06-01T09:10:00Z"}, {"d", "2024-05-20T09:10:00Z"}};
  auto sel = select_records({rec("ancient", "2024-04-01T08:59:59Z"),  // before the id window: cannot tell
                             rec("phone", "2024-06-01T07:00:00Z"),  // offline phone: 3 h before the cursor, new
                             rec("d", "2024-05-20T09:10:00Z"),      // processed 12 days ago
                             rec("c", "2024-06-01T09:10:00Z"),      // processed inside the overlap
                             rec("late", "2024-06-01T09:20:00Z"),   // uploaded late with an old time: new
                             rec("b", "2024-06-01T10:00:00Z"), rec("new", "2024-06-01T11:00:00Z"),
                             rec("new", "2024-06-01T11:00:00Z")},  // the same id twice in one answer
                            st, 1h, false);
  CHECK(ids(sel.send) == std::vector<std::string>{"phone", "late", "new"});
  CHECK(sel.already_processed == 3);
  CHECK(sel.older_than_window == 1);
  CHECK(sel.repeated == 1);
  // --full ignores cursor and ids.
  auto full = select_records({rec("old", "2024-04-01T08:00:00Z"), rec("b", "2024-06-01T10:00:00Z")}, st, 1h, true);
  CHECK(ids(full.send) == std::vector<std::string>{"old", "b"});
}

TEST_CASE("empty transcripts are counted once, and sent once a transcript appears") {
  ConnectorState st;
  auto first = select_records({rec("e1", "2024-06-01T11:00:00Z", ""), rec("m", "2024-06-01T11:01:00Z")}, st, 1h, false);
  REQUIRE(first.new_empty.size() == 1);
  record_empty(st, first.new_empty, 1h, kNow);
  commit_records(st, first.send, 1h, kNow);
  auto second = select_records({rec("e1", "2024-06-01T11:00:00Z", ""), rec("m", "2024-06-01T11:01:00Z")}, st, 1h, false);
  CHECK(second.new_empty.empty());
  CHECK(second.known_empty == 1);
  CHECK(second.send.empty());
  auto filled = select_records({rec("e1", "2024-06-01T11:00:00Z", "now transcribed")}, st, 1h, false);
  CHECK(ids(filled.send) == std::vector<std::string>{"e1"});
  commit_records(st, filled.send, 1h, kNow);
  CHECK(st.empty_ids.empty());
}

TEST_CASE("commit: the cursor follows the committed prefix - id lists stay inside the window") {
  ConnectorState st;
  std::vector<SourceRecord> send{rec("a", "2024-06-01T06:00:00Z"), rec("b", "2024-06-01T08:00:00Z"),
                                 rec("c", "2024-06-01T10:00:00Z")};
  commit_records(st, std::span(send).first(2), 1h, kNow);
  CHECK(st.cursor == "2024-06-01T08:00:00Z");
  CHECK(st.recent_ids.size() == 2);  // both inside the id window
  commit_records(st, std::span(send).subspan(2), 1h, kNow);
  CHECK(st.cursor == "2024-06-01T10:00:00Z");
  CHECK(st.recent_ids.size() == 3);
  // The cursor never moves back, and re-committing an id does not duplicate it.
  std::vector<SourceRecord> again{rec("c", "2024-06-01T10:00:00Z"), rec("z", "2024-06-01T09:30:00Z")};
  commit_records(st, again, 1h, kNow);
  CHECK(st.cursor == "2024-06-01T10:00:00Z");
  CHECK(st.recent_ids.size() == 4);
  // Ids older than the id window before the cursor go.
  std::vector<SourceRecord> later{rec("y", "2024-07-20T10:00:00Z")};
  commit_records(st, later, 1h, kNow);
  REQUIRE(st.recent_ids.size() == 1);
  CHECK(st.recent_ids[0].id == "y");
}

TEST_CASE("commit: ids are bounded by a hard cap even when nothing ages out") {
  ConnectorState st;
  std::vector<SourceRecord> send;
  for (size_t i = 0; i < kMaxRecentIds + 10; ++i) send.push_back(rec("u" + std::to_string(i), ""));  // untimed
  commit_records(st, send, 1h, kNow);
  CHECK(st.recent_ids.size() == kMaxRecentIds);
  CHECK(st.recent_ids.front().id == "u10");
  CHECK(st.cursor.empty());  // untimed records never move the cursor
}

TEST_CASE("edits: a known id with a different digest is an update, an unknown digest is adopted, blanks never update") {
  ConnectorState st;
  st.cursor = "2024-06-01T11:00:00Z";
  st.recent_ids = {{"same", "2024-06-01T10:00:00Z", 7}, {"edited", "2024-06-01T10:00:00Z", 7},
                   {"legacy", "2024-06-01T10:00:00Z", 0}, {"emptied", "2024-06-01T10:00:00Z", 7}};
  std::vector<SourceRecord> in = {rec("same", "2024-06-01T10:00:00Z"), rec("edited", "2024-06-01T10:00:00Z"),
                                  rec("legacy", "2024-06-01T10:00:00Z"), rec("emptied", "2024-06-01T10:00:00Z", " ")};
  in[0].digest = 7;
  in[1].digest = 8;
  in[2].digest = 9;
  auto sel = select_records(in, st, 1h, false);
  CHECK(ids(sel.update) == std::vector<std::string>{"edited"});
  CHECK(sel.send.empty());
  CHECK(sel.already_processed == 3);
  REQUIRE(sel.adopt.size() == 1);
  CHECK(sel.adopt[0] == std::pair<std::string, uint64_t>{"legacy", 9});
  // --full re-sends the unchanged ones but still replaces the edited one.
  auto full = select_records(in, st, 1h, true);
  CHECK(ids(full.update) == std::vector<std::string>{"edited"});
  CHECK(ids(full.send) == std::vector<std::string>{"legacy", "same"});

  adopt_digests(st, sel.adopt);
  CHECK(st.recent_ids[2].digest == 9);
  record_update(st, sel.update[0], kNow);
  CHECK(st.recent_ids[1].digest == 8);
  CHECK(st.recent_ids.size() == 4);
}
