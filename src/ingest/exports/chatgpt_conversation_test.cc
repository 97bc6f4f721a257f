#include "ingest/exports/chatgpt_conversation.h"

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
  p.ok = parse_chatgpt_conversation(doc, opt, p.c, p.err);
  return p;
}

// A conversation whose mapping is given as node list (id, parent, role, text).
std::string tree(const std::string& extra, const std::vector<std::vector<std::string>>& nodes) {
  std::string m;
  for (const auto& n : nodes) {
    if (!m.empty()) m += ",";
    std::string parent = n[1] == "null" ? "null" : "\"" + n[1] + "\"";
    std::string msg = n[2] == "null" ? "null"
                                     : R"({"author":{"role":")" + n[2] +
                                           R"("},"content":{"content_type":"text","parts":[")" + n[3] + "\"]}" +
                                           (n.size() > 4 ? ",\"create_time\":" + n[4] : std::string()) + "}";
    m += "\"" + n[0] + "\":{\"parent\":" + parent + ",\"children\":[],\"message\":" + msg + "}";
  }
  return R"({"id":"t1","title":"T")" + extra + R"(,"mapping":{)" + m + "}}";
}

}  // namespace

TEST_CASE("chatgpt: only the active branch, each visible turn once, in order") {
  auto p = parse(chatgpt_traps());
  REQUIRE(p.ok);
  CHECK(p.c.kind == ExportKind::ChatGpt);
  CHECK(p.c.id == "c-traps");
  CHECK(p.c.title == "Traps");
  CHECK(p.c.model == "gpt-4o");
  CHECK(p.turns() == kChatgptTrapsTurns);
  CHECK(p.c.notes.empty());
  for (const auto& t : p.c.turns)
    for (const auto& never : kNeverImported) CHECK_MESSAGE(t.text.find(never) == std::string::npos, t.text);
}

TEST_CASE("chatgpt: missing conversation times fall back to the branch's message times") {
  auto p = parse(chatgpt_traps());
  CHECK(p.c.created == "2023-11-14T22:13:20.500Z");  // u1, the first timed message on the branch
  CHECK(p.c.updated == "2023-11-14T22:15:00Z");      // a4; the abandoned reply's later time does not count
  auto q = parse(chatgpt_simple("s1", "q", "a", 1700000500));
  CHECK(q.c.created == "2023-11-14T22:13:20Z");
  CHECK(q.c.updated == "2023-11-14T22:21:40Z");
  auto only_update = parse(tree(R"(,"create_time":null,"update_time":1700000000,"current_node":"a")",
                                {{"a", "null", "user", "hi"}}));
  CHECK(only_update.c.created == "2023-11-14T22:13:20Z");
  CHECK(only_update.c.updated == "2023-11-14T22:13:20Z");
  auto none = parse(tree(R"(,"current_node":"a")", {{"a", "null", "user", "hi"}}));
  CHECK(none.c.created == "");
  CHECK(none.c.updated == "");
  auto absurd = parse(tree(R"(,"create_time":1e300,"update_time":-5,"current_node":"a")", {{"a", "null", "user", "hi"}}));
  CHECK(absurd.c.created == "");
  auto iso = parse(tree(R"(,"create_time":"2026-01-02T03:04:05Z","current_node":"a")", {{"a", "null", "user", "hi"}}));
  CHECK(iso.c.created == "2026-01-02T03:04:05Z");
}

TEST_CASE("chatgpt: thinking and tool traffic only when asked for") {
  ImportOptions opt;
  opt.thinking = true;
  auto p = parse(chatgpt_traps(), opt);
  REQUIRE(p.ok);
  CHECK(p.c.turns[3].role == "thinking");
  CHECK(p.c.turns[3].text == "SECRET THOUGHT");
  opt = {};
  opt.tool_traffic = true;
  auto q = parse(chatgpt_traps(), opt);
  std::vector<std::string> tool_texts;
  for (const auto& t : q.c.turns)
    if (t.role == "tool") tool_texts.push_back(t.text);
  CHECK(tool_texts == std::vector<std::string>{"2", "search('TOOL CALL')", "QUOTE TEXT"});
  // Never the profile, the hidden node or the recap, whatever the options.
  opt.thinking = true;
  for (const auto& t : parse(chatgpt_traps(), opt).c.turns) {
    CHECK(t.text.find("PROFILE") == std::string::npos);
    CHECK(t.text.find("HIDDEN") == std::string::npos);
    CHECK(t.text.find("Thought for") == std::string::npos);
    CHECK(t.text.find("SYSTEM") == std::string::npos);
  }
}

TEST_CASE("chatgpt: without current_node the latest leaf is the branch, with a note") {
  std::vector<std::vector<std::string>> nodes = {{"r", "null", "null", ""},
                                                 {"u", "r", "user", "question"},
                                                 {"new", "u", "assistant", "NEW BRANCH", "200"},
                                                 {"old", "u", "assistant", "ABANDONED BRANCH", "100"}};
  // children lists are empty in tree(): every node without children is a leaf, and "u" has
  // none listed, so give the real shape by hand.
  std::string json = tree("", nodes);
  auto replace_once = [&](const std::string& from, const std::string& to) {
    auto at = json.find(from);
    REQUIRE(at != std::string::npos);
    json.replace(at, from.size(), to);
  };
  replace_once(R"("u":{"parent":"r","children":[])", R"("u":{"parent":"r","children":["new","old"])");
  replace_once(R"("r":{"parent":null,"children":[])", R"("r":{"parent":null,"children":["u"])");
  auto p = parse(json);
  REQUIRE(p.ok);
  CHECK(p.turns() == std::vector<std::pair<std::string, std::string>>{{"user", "question"}, {"assistant", "NEW BRANCH"}});
  CHECK(p.c.notes == std::vector<std::string>{"current_node is missing: the latest leaf was taken"});
  // A dangling current_node is no better than none.
  std::string dangling = json;
  dangling.insert(dangling.find(",\"mapping\""), ",\"current_node\":\"gone\"");
  auto d = parse(dangling);
  CHECK(d.turns().back().second == "NEW BRANCH");
  CHECK(d.c.notes == std::vector<std::string>{"current_node gone is not in the mapping: the latest leaf was taken"});
}

TEST_CASE("chatgpt: a damaged conversation fails with its id, title and why") {
  auto cycle = parse(tree(R"(,"current_node":"a")", {{"a", "b", "user", "x"}, {"b", "a", "assistant", "y"}}));
  CHECK_FALSE(cycle.ok);
  CHECK(cycle.err.id == "t1");
  CHECK(cycle.err.title == "T");
  CHECK(cycle.err.kind == ExportKind::ChatGpt);
  CHECK(cycle.err.why == "a cycle in mapping at node a");
  auto missing = parse(tree(R"(,"current_node":"a")", {{"a", "ghost", "user", "x"}}));
  CHECK(missing.err.why == "node a names parent ghost, which is not in the mapping");
  CHECK(parse(R"({"id":"x","mapping":[]})").err.why == "\"mapping\" is not an object");
  CHECK(parse(R"({"title":"no id","mapping":{}})").err.why ==
        "no conversation id (neither \"id\" nor \"conversation_id\" is a non-empty string)");
  CHECK(parse(R"({"id":"x","mapping":{"a":5}})").err.why == "node a is not an object");
  CHECK(parse(R"({"id":"x","current_node":"a","mapping":{"a":{"parent":7}}})").err.why == "node a: \"parent\" is not a string");
  CHECK(parse(R"({"id":"x","current_node":"a","mapping":{"a":{"message":"hi"}}})").err.why ==
        "node a: \"message\" is not an object");
  CHECK(parse(R"({"id":"x","current_node":"a","mapping":{"a":{"message":{"content":{}}}}})").err.why ==
        "node a: the message has no author.role");
  CHECK(parse(R"({"id":"x","current_node":"a","mapping":{"a":{"message":{"author":{"role":"user"},"content":"hi"}}}})")
            .err.why == "node a: the message's \"content\" is not an object");
  CHECK(parse(R"({"id":"x","current_node":"a","mapping":{"a":{"message":{"author":{"role":"user"},"content":{"content_type":"text","parts":"hi"}}}}})")
            .err.why == "node a: content.parts is not an array");
}

TEST_CASE("chatgpt: unknown content and parts become placeholders, voice transcripts text") {
  auto msg = [](const std::string& content) {
    return R"({"id":"x","current_node":"a","mapping":{"a":{"message":{"author":{"role":"user"},"content":)" + content + "}}}}";
  };
  CHECK(parse(msg(R"({"content_type":"multimodal_text","parts":[{"content_type":"audio_transcription","text":"spoken words"},{"content_type":"audio_asset_pointer"},{"content_type":"video_container_asset_pointer"},{"content_type":"new_thing"},{"x":1},7,null]})"))
            .c.turns[0]
            .text == "spoken words\\n[audio]\\n[video]\\n[new_thing]\\n[attachment]\\n[attachment]");
  CHECK(parse(msg(R"({"content_type":"sticker"})")).c.turns[0].text == "[sticker]");
  CHECK(parse(msg(R"({"content_type":"future_text","text":"still text"})")).c.turns[0].text == "still text");
  CHECK(parse(msg(R"({"content_type":"future_parts","parts":["in parts"]})")).c.turns[0].text == "in parts");
  CHECK(parse(msg(R"({})")).c.turns[0].text == "[content]");
  CHECK(parse(msg(R"({"content_type":"text"})")).c.turns.empty());  // no parts: nothing shown
  CHECK(parse(msg(R"({"content_type":"text","parts":["a"]},"metadata":{"is_visually_hidden_from_conversation":false})")).c.turns.size() == 1);
}

TEST_CASE("chatgpt: browsing displays and tool errors are tool traffic") {
  ImportOptions opt;
  opt.tool_traffic = true;
  auto p = parse(R"({"id":"x","current_node":"b","mapping":{
    "a":{"message":{"author":{"role":"tool"},"content":{"content_type":"tether_browsing_display","result":"page text"}}},
    "b":{"parent":"a","message":{"author":{"role":"tool"},"content":{"content_type":"system_error","text":"boom"}}}}})",
                 opt);
  CHECK(p.turns() == std::vector<std::pair<std::string, std::string>>{{"tool", "page text"}, {"tool", "boom"}});
}

TEST_CASE("chatgpt: times past what the clock holds are no times, not an overflow") {
  // Found by fuzzing (tests/fuzz/corpus/chatgpt/crash-year-2554): the nanosecond clock ends in
  // 2262; such a time used to overflow while being converted.
  auto p = parse(tree(R"(,"update_time":"2554-01-01T00:00:00Z","create_time":1e11,"current_node":"a")",
                      {{"a", "null", "user", "hi"}}));
  REQUIRE(p.ok);
  CHECK(p.c.created == "");
  CHECK(p.c.updated == "");
  auto edge = parse(tree(R"(,"create_time":9223372035,"current_node":"a")", {{"a", "null", "user", "hi"}}));
  CHECK(edge.c.created == "2262-04-11T23:47:15Z");
}

TEST_CASE("chatgpt: ids in error messages are kept on one line") {
  auto p = parse(R"({"id":"x","current_node":"a\nb","mapping":{"a\nb":{"parent":"gh\nost"}}})");
  CHECK(p.err.why == "node a b names parent gh ost, which is not in the mapping");
}
