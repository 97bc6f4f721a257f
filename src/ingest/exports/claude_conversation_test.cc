#include "ingest/exports/claude_conversation.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include "ingest/exports/export_fixtures_test.h"

using namespace memconn;
using namespace memconn::test_exports;

namespace {

struct Parsed {
  bool ok = false;
  Conversation c;
  ConversationError err;
  std::vector<std::pair<std::string, std::string>> turns() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& t : c.turns) out.emplace_back(t.role, t.text);
    return out;
  }
};

Parsed parse(const std::string& json, ImportOptions opt = {}) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE_FALSE(parser.parse(json).get(doc));
  Parsed p;
  p.ok = parse_claude_conversation(doc, opt, p.c, p.err);
  return p;
}

std::string with_messages(const std::string& messages) {
  return R"({"uuid":"k1","name":"K","chat_messages":[)" + messages + "]}";
}

}  // namespace

TEST_CASE("claude: text blocks first, flat text as fallback, unknown blocks as placeholders") {
  auto p = parse(claude_traps());
  REQUIRE(p.ok);
  CHECK(p.c.kind == ExportKind::Claude);
  CHECK(p.c.id == "k-traps");
  CHECK(p.c.title == "Claude traps");
  CHECK(p.c.created == "2026-11-02T10:00:00.123Z");
  CHECK(p.c.updated == "2026-11-02T11:00:00Z");
  CHECK(p.turns() == kClaudeTrapsTurns);
  for (const auto& t : p.c.turns)
    for (const auto& never : kNeverImported) CHECK_MESSAGE(t.text.find(never) == std::string::npos, t.text);
}

TEST_CASE("claude: thinking and tool traffic as turns of their own when asked for") {
  ImportOptions opt;
  opt.thinking = true;
  opt.tool_traffic = true;
  auto p = parse(claude_traps(), opt);
  REQUIRE(p.ok);
  std::vector<std::pair<std::string, std::string>> want = {
      {"user", "Question one"},
      {"thinking", "SECRET THINKING"},
      {"assistant", "Answer one"},
      {"tool", R"(web_search {"query":"TOOL INPUT"}\nTOOL OUTPUT)"},
      {"assistant", "more answer\\nsecond line"},
  };
  auto got = p.turns();
  REQUIRE(got.size() >= want.size());
  CHECK(std::vector(got.begin(), got.begin() + 5) == want);
  auto err = parse(with_messages(R"({"sender":"assistant","content":[
      {"type":"tool_result","content":"plain result","is_error":true},
      {"type":"tool_use","name":"x"},{"type":"tool_result"}]})"),
                   opt);
  CHECK(err.turns() == std::vector<std::pair<std::string, std::string>>{{"tool", "error: plain result\\nx"}});
}

TEST_CASE("claude: senders, system messages and an empty conversation") {
  auto p = parse(with_messages(R"({"sender":"user","text":"u"},{"sender":"system","text":"SYSTEM PROMPT"},{"sender":"assistant","text":"a"})"));
  CHECK(p.turns() == std::vector<std::pair<std::string, std::string>>{{"user", "u"}, {"assistant", "a"}});
  auto empty = parse(R"({"uuid":"e","name":null,"chat_messages":[]})");
  CHECK(empty.ok);
  CHECK(empty.c.turns.empty());
  CHECK(empty.c.title == "");
  CHECK(empty.c.created == "");
}

TEST_CASE("claude: one time stands in for the other - an unreadable time is a note") {
  auto p = parse(R"({"uuid":"t","updated_at":"2026-03-04T05:06:07+02:00","created_at":"yesterday","chat_messages":[]})");
  CHECK(p.c.created == "2026-03-04T03:06:07Z");
  CHECK(p.c.updated == "2026-03-04T03:06:07Z");
  CHECK(p.c.notes == std::vector<std::string>{"created_at is not a time: yesterday"});
}

TEST_CASE("claude: a damaged conversation fails with its id, title and why") {
  auto bad = [](const std::string& json) { return parse(json).err; };
  auto e = bad(R"({"uuid":"k1","name":"K","chat_messages":"oops"})");
  CHECK(e.kind == ExportKind::Claude);
  CHECK(e.id == "k1");
  CHECK(e.title == "K");
  CHECK(e.why == "\"chat_messages\" is not an array");
  CHECK(bad(R"({"name":"K","chat_messages":[]})").why == "no conversation id (\"uuid\" is not a non-empty string)");
  CHECK(bad(with_messages("5")).why == "message 0 is not an object");
  CHECK(bad(with_messages(R"({"text":"x"})")).why == "message 0: \"sender\" is not a string");
  CHECK(bad(with_messages(R"({"sender":"robot","text":"x"})")).why == "message 0: unknown sender \"robot\"");
  CHECK(bad(with_messages(R"({"sender":"human","content":{}})")).why == "message 0: \"content\" is not an array");
  CHECK(bad(with_messages(R"({"sender":"human","content":[null,{"text":"x"}]})")).why ==
        "message 0: content block 0 has no \"type\"");
}

TEST_CASE("claude: placeholders cannot carry line breaks or markup from a type name") {
  auto p = parse(with_messages(R"({"sender":"human","content":[{"type":"evil\n]type<script>"},{"type":""}]})"));
  CHECK(p.turns() == std::vector<std::pair<std::string, std::string>>{{"user", "[evil__type_script_]\\n[unknown]"}});
}

TEST_CASE("claude: times past what the clock holds are notes, not an overflow") {
  // Found by fuzzing (tests/fuzz/corpus/claude/crash-year-4052).
  auto p = parse(R"({"uuid":"t","created_at":"4052-01-01T00:00:00Z","updated_at":"1969-01-01T00:00:00Z","chat_messages":[]})");
  REQUIRE(p.ok);
  CHECK(p.c.created == "");
  CHECK(p.c.notes == std::vector<std::string>{"created_at is not a time: 4052-01-01T00:00:00Z",
                                              "updated_at is not a time: 1969-01-01T00:00:00Z"});
  auto bad = parse(with_messages(R"({"sender":"ro\nbot"})"));
  CHECK(bad.err.why == "message 0: unknown sender \"ro bot\"");
}
