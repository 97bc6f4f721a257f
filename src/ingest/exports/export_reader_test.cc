#include "ingest/exports/export_reader.h"

#include <doctest/doctest.h>

#include <map>

#include "base/iso_time.h"
#include "ingest/exports/conversation_item.h"
#include "ingest/exports/export_fixtures_test.h"

using namespace memconn;
using namespace memconn::test_exports;

namespace {

using Turns = std::vector<std::pair<std::string, std::string>>;

// Everything a reader said, by kind.
struct Read {
  std::map<std::string, Turns> conversations;  // document id -> turns
  std::vector<std::string> order;              // document ids in the order read
  std::vector<std::string> skipped;            // "id: why"
  std::vector<std::string> failed;             // "id (title): why @ file#index"
  std::vector<std::string> file_errors;
  std::vector<std::string> notes;
  std::vector<std::string> documents;  // every Item's content, context and metadata values
};

Read read_all(ExportReader& r) {
  Read out;
  ExportEvent ev;
  while (r.next(ev)) {
    switch (ev.type) {
      case ExportEvent::Type::Conversation: {
        Item it;
        fill_conversation_item(ev.conversation, it);
        CHECK_MESSAGE(out.conversations.count(it.document_id) == 0, it.document_id);
        Turns t;
        for (const auto& turn : ev.conversation.turns) t.emplace_back(turn.role, turn.text);
        out.conversations[it.document_id] = t;
        out.order.push_back(it.document_id);
        std::string doc = it.content + "\n" + it.context;
        for (const auto& [k, v] : it.metadata) doc += "\n" + v;
        out.documents.push_back(doc);
        break;
      }
      case ExportEvent::Type::Skipped:
        out.skipped.push_back(ev.conversation.id + ": " + ev.message);
        break;
      case ExportEvent::Type::Failed:
        out.failed.push_back(ev.error.id + " (" + ev.error.title + "): " + ev.error.why + " @ " + ev.where.file + "#" +
                             std::to_string(ev.where.index));
        break;
      case ExportEvent::Type::FileError:
        out.file_errors.push_back(ev.message);
        break;
      case ExportEvent::Type::Note:
        out.notes.push_back(ev.message);
        break;
    }
  }
  return out;
}

Read read_path(const std::string& path, ExportReaderOptions o = {}) {
  auto r = ExportReader::open(path, o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return read_all(**r);
}

void check_nothing_private(const Read& r) {
  for (const auto& doc : r.documents)
    for (const auto& never : kNeverImported) CHECK_MESSAGE(doc.find(never) == std::string::npos, never, " in ", doc);
}

std::string chatgpt_export() {
  return json_array({chatgpt_traps(), chatgpt_simple("c-2", "Second question", "Second answer"),
                     chatgpt_simple("c-3", "Third question", "Third answer")});
}

std::string claude_export() {
  return json_array({claude_traps(), claude_simple("k-2", "Claude q", "Claude a"),
                     R"({"uuid":"k-empty","name":"Empty","chat_messages":[]})"});
}

}  // namespace

TEST_CASE("export reader: a ChatGPT ZIP as downloaded, each conversation exactly its visible turns") {
  auto zip = make_zip({{"chat.html", "<html>ABANDONED</html>"},
                       {"user.json", R"({"id":"user-1","email":"SECRET@example.com"})"},
                       {"message_feedback.json", R"([{"id":"f","rating":"thumbsUp"}])"},
                       {"conversations.json", chatgpt_export()},
                       {"file-abc.png", "\x89PNG"}});
  auto r = ExportReader::open_zip_memory(zip, "chatgpt-export.zip");
  REQUIRE(r.ok());
  auto got = read_all(**r);
  CHECK(got.order == std::vector<std::string>{"chatgpt:c-traps", "chatgpt:c-2", "chatgpt:c-3"});
  CHECK(got.conversations["chatgpt:c-traps"] == kChatgptTrapsTurns);
  CHECK(got.conversations["chatgpt:c-2"] == Turns{{"user", "Second question"}, {"assistant", "Second answer"}});
  CHECK(got.failed.empty());
  CHECK(got.file_errors.empty());
  CHECK(got.notes == std::vector<std::string>{"user.json: account or project data, not conversations: skipped",
                                              "message_feedback.json: account or project data, not conversations: skipped"});
  check_nothing_private(got);
}

TEST_CASE("export reader: a Claude ZIP, with an empty conversation skipped and named") {
  TempDir dir("claude-zip");
  auto path = dir.write("claude_conversations.zip",
                        make_zip({{"users.json", R"([{"uuid":"u"}])"},
                                  {"projects.json", R"([{"uuid":"p","docs":[{"content":"SECRET"}]}])"},
                                  {"conversations.json", claude_export()}}));
  auto got = read_path(path);
  CHECK(got.order == std::vector<std::string>{"claude:k-traps", "claude:k-2"});
  CHECK(got.conversations["claude:k-traps"] == kClaudeTrapsTurns);
  CHECK(got.skipped == std::vector<std::string>{"k-empty: no visible turns"});
  CHECK(got.notes.size() == 2);
  check_nothing_private(got);
}

TEST_CASE("export reader: shards with their index, batch folders, companions and a probed file") {
  TempDir dir("shards");
  dir.write("conversations-000.json", json_array({chatgpt_traps()}));
  dir.write("conversations-001.json", json_array({chatgpt_simple("c-2", "q2", "a2")}));
  dir.write("conversations.json.index", R"({"shards":["conversations-000.json","conversations-001.json"]})");
  dir.write("data-2026-batch-0000/conversations.json", json_array({chatgpt_simple("c-3", "q3", "a3")}));
  dir.write("data-2026-batch-0001/conversations.json", json_array({chatgpt_simple("c-4", "q4", "a4")}));
  dir.write("data-2026-batch-0001/user.json", R"({"email":"SECRET"})");
  dir.write("single/c-5.json", chatgpt_simple("c-5", "q5", "a5"));           // one conversation object
  dir.write("other/settings.json", R"({"theme":"dark","SECRET":true})");      // probed, not conversations
  dir.write("other/list.json", R"([{"name":"SECRET"},{"name":"x"}])");        // probed, not conversations
  dir.write(".hidden/conversations.json", json_array({chatgpt_simple("c-hidden", "HIDDEN", "HIDDEN")}));
  dir.write("chat.html", "<p>ABANDONED</p>");
  auto got = read_path(dir.path.string());
  CHECK(got.order == std::vector<std::string>{"chatgpt:c-traps", "chatgpt:c-2", "chatgpt:c-3", "chatgpt:c-4",
                                              "chatgpt:c-5"});
  CHECK(got.conversations["chatgpt:c-traps"] == kChatgptTrapsTurns);
  CHECK(got.conversations["chatgpt:c-5"] == Turns{{"user", "q5"}, {"assistant", "a5"}});
  CHECK(got.failed.empty());
  CHECK(got.file_errors.empty());
  REQUIRE(got.notes.size() == 3);
  CHECK(got.notes[0] == "data-2026-batch-0001/user.json: account or project data, not conversations: skipped");
  CHECK(got.notes[1] == (dir.path / "other/list.json").string() +
                            ": not conversations (its first element is an object with neither \"mapping\" (ChatGPT) "
                            "nor \"chat_messages\" (Claude)): skipped");
  CHECK(got.notes[2].starts_with((dir.path / "other/settings.json").string() + ": not conversations"));
  check_nothing_private(got);
}

TEST_CASE("export reader: a damaged conversation among good ones is reported, the rest imported") {
  TempDir dir("damaged");
  std::string cycle = R"({"id":"c-bad","title":"Broken","current_node":"a","mapping":{
      "a":{"parent":"b","message":null},"b":{"parent":"a","message":null}}})";
  auto path = dir.write("conversations.json",
                        json_array({chatgpt_simple("c-1", "q1", "a1"), cycle, "{\"id\": 5, oops}", "[1,2]",
                                    R"({"hello":"world"})", claude_simple("k-1", "q", "a")}));
  auto got = read_path(path);
  CHECK(got.order == std::vector<std::string>{"chatgpt:c-1", "claude:k-1"});
  REQUIRE(got.failed.size() == 4);
  CHECK(got.failed[0] == "c-bad (Broken): a cycle in mapping at node a @ " + path + "#1");
  CHECK(got.failed[1].starts_with(" (): invalid JSON: "));
  CHECK(got.failed[2] == " (): a JSON array, not a conversation object @ " + path + "#3");
  CHECK(got.failed[3] ==
        " (): an object with neither \"mapping\" (ChatGPT) nor \"chat_messages\" (Claude) @ " + path + "#4");
  CHECK(got.file_errors.empty());
}

TEST_CASE("export reader: a truncated ZIP reads what is whole, then one error naming the file") {
  // Text that compresses poorly, so that half the archive holds many conversations.
  std::vector<std::string> many;
  uint64_t lcg = 42;
  auto words = [&](int n) {
    std::string s;
    for (int w = 0; w < n; ++w) {
      lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
      s += std::to_string(lcg >> 40) + " ";
    }
    return s;
  };
  for (int i = 0; i < 1500; ++i) many.push_back(chatgpt_simple("c-" + std::to_string(i), words(40), words(60)));
  auto zip = make_zip({{"conversations.json", json_array(many)}});
  std::string cut = zip.substr(0, zip.size() * 2 / 3);
  TempDir dir("truncated-zip");
  auto path = dir.write("export.zip", cut);
  auto got = read_path(path);
  INFO((got.file_errors.empty() ? std::string() : got.file_errors[0]));
  CHECK(got.order.size() > 10);
  CHECK(got.order.size() < 1500);
  REQUIRE(got.file_errors.size() == 1);
  CHECK(got.file_errors[0].starts_with(path + ": corrupt or truncated ZIP in entry conversations.json near offset "));
  for (size_t i = 0; i < got.order.size(); ++i) CHECK(got.order[i] == "chatgpt:c-" + std::to_string(i));
}

TEST_CASE("export reader: a truncated conversations.json names the file and offset, and the next file goes on") {
  TempDir dir("truncated-json");
  std::string whole = json_array({chatgpt_simple("c-1", "q1", "a1"), chatgpt_simple("c-2", "q2", "a2")});
  dir.write("conversations-000.json", whole.substr(0, whole.size() - 40));
  dir.write("conversations-001.json", json_array({chatgpt_simple("c-3", "q3", "a3")}));
  auto got = read_path(dir.path.string());
  CHECK(got.order == std::vector<std::string>{"chatgpt:c-1", "chatgpt:c-3"});
  REQUIRE(got.file_errors.size() == 1);
  CHECK(got.file_errors[0] == (dir.path / "conversations-000.json").string() + ": truncated at offset " +
                                  std::to_string(whole.size() - 40) + ": element 1 (from offset " +
                                  std::to_string(whole.find(",\n  {\"conversation_id\":\"c-2\"") + 4) + ") is not complete");
}

TEST_CASE("export reader: the same conversation twice is imported once") {
  TempDir dir("dupes");
  dir.write("a/conversations.json", json_array({chatgpt_simple("c-1", "q1", "a1")}));
  dir.write("b/conversations.json", json_array({chatgpt_simple("c-1", "q1", "a1"), claude_simple("c-1", "q", "a")}));
  auto got = read_path(dir.path.string());
  // The Claude conversation with the same id is another document.
  CHECK(got.order == std::vector<std::string>{"chatgpt:c-1", "claude:c-1"});
  CHECK(got.skipped ==
        std::vector<std::string>{"c-1: duplicate: the same conversation was read at " +
                                 (dir.path / "a/conversations.json").string() + " element 0"});
}

TEST_CASE("export reader: --since keeps conversations updated since then, and those without times") {
  TempDir dir("since");
  std::string untimed = R"({"id":"c-untimed","current_node":"a","mapping":{"a":{"message":{"author":{"role":"user"},"content":{"content_type":"text","parts":["hi"]}}}}})";
  auto path = dir.write("conversations.json", json_array({chatgpt_simple("c-old", "q", "a", 1600000000),
                                                          chatgpt_simple("c-new", "q", "a", 1800000000), untimed}));
  ExportReaderOptions o;
  o.import.since = parse_iso8601("2024-01-01");
  auto got = read_path(path, o);
  CHECK(got.order == std::vector<std::string>{"chatgpt:c-new", "chatgpt:c-untimed"});
  CHECK(got.skipped == std::vector<std::string>{
                           "c-old: not updated since 2024-01-01T00:00:00Z (last updated 2020-09-13T12:26:40Z)"});
}

TEST_CASE("export reader: a forced kind parses every conversation as that kind") {
  TempDir dir("forced");
  auto path = dir.write("export.json", json_array({chatgpt_simple("c-1", "q", "a"), claude_simple("k-1", "q", "a")}));
  ExportReaderOptions o;
  o.import.kind = ExportKind::Claude;
  auto got = read_path(path, o);
  CHECK(got.order == std::vector<std::string>{"claude:k-1"});
  REQUIRE(got.failed.size() == 1);
  CHECK_MESSAGE(got.failed[0].starts_with(" (): no conversation id (\"uuid\""), got.failed[0]);
}

TEST_CASE("export reader: a conversation larger than the limit stops its file, named") {
  TempDir dir("limit");
  auto path = dir.write("conversations.json", json_array({chatgpt_simple("c-1", "q", "a"),
                                                          chatgpt_simple("c-2", std::string(5000, 'q'), "a")}));
  ExportReaderOptions o;
  o.max_conversation_bytes = 2000;
  auto got = read_path(path, o);
  CHECK(got.order == std::vector<std::string>{"chatgpt:c-1"});
  REQUIRE(got.file_errors.size() == 1);
  CHECK(got.file_errors[0].find("element 1 (from offset ") != std::string::npos);
  CHECK(got.file_errors[0].ends_with(") is larger than 2000 bytes"));
}

TEST_CASE("export reader: paths that cannot be read") {
  CHECK(ExportReader::open("/nonexistent/export.zip").error().message == "/nonexistent/export.zip: No such file or directory");
  TempDir dir("unreadable");
  auto bad = dir.write("export.zip", "PK\x03\x04 but nothing else");
  auto r = ExportReader::open(bad);
  REQUIRE(r.ok());
  auto broken = read_all(**r);
  CHECK(broken.file_errors ==
        std::vector<std::string>{bad + ": corrupt or truncated ZIP at its first entry near offset 0: Truncated ZIP file header"});
  // A file named .zip that is not one.
  auto fake = dir.write("fake.zip", "[]");
  CHECK(ExportReader::open(fake).error().message == fake + ": cannot read as ZIP: Unrecognized archive format");
  auto text = dir.write("notes.json", "just words");
  auto got = read_path(text);
  CHECK(got.failed.size() == 0);
  REQUIRE(got.file_errors.size() == 1);
  CHECK(got.file_errors[0] == text + ": unexpected 'j' at offset 0");
}

TEST_CASE("detect input: chat exports, plain JSON arrays and everything else") {
  TempDir dir("detect");
  auto chatgpt = dir.write("c.json", json_array({chatgpt_simple("c-1", "q", "a")}));
  auto claude_zip = dir.write("claude.zip", make_zip({{"users.json", "[{}]"}, {"conversations.json", claude_export()}}));
  auto plain = dir.write("records.json", R"([{"content":"a"},{"content":"b"}])");
  auto empty = dir.write("empty.json", "[]");
  auto object = dir.write("object.json", R"({"content":"a"})");
  auto text = dir.write("notes.txt", "hello");
  auto broken = dir.write("broken.json", R"([{"content":)");
  dir.write("folder/data-x-batch-0000/conversations.json", json_array({claude_simple("k", "q", "a")}));
  dir.write("notes/a.txt", "text");
  dir.write("notes/b.json", "[1]");
  auto zip_of_text = dir.write("other.zip", make_zip({{"a.txt", "x"}, {"b.json", "[1]"}}));
  auto shape = [](const std::string& p) {
    auto k = detect_input(p);
    REQUIRE(k.ok());
    return std::pair{k->shape, k->kind};
  };
  using S = InputKind::Shape;
  CHECK(shape(chatgpt) == std::pair{S::ChatExport, ExportKind::ChatGpt});
  CHECK(shape(claude_zip) == std::pair{S::ChatExport, ExportKind::Claude});
  CHECK(shape((dir.path / "folder").string()) == std::pair{S::ChatExport, ExportKind::Claude});
  CHECK(shape(plain) == std::pair{S::JsonArray, ExportKind::Auto});
  CHECK(shape(empty) == std::pair{S::JsonArray, ExportKind::Auto});
  CHECK(shape(broken) == std::pair{S::JsonArray, ExportKind::Auto});
  CHECK(shape(object) == std::pair{S::Other, ExportKind::Auto});
  CHECK(shape(text) == std::pair{S::Other, ExportKind::Auto});
  CHECK(shape((dir.path / "notes").string()) == std::pair{S::Other, ExportKind::Auto});
  CHECK(shape(zip_of_text) == std::pair{S::Other, ExportKind::Auto});
  CHECK(detect_input("/nonexistent").error().message == "/nonexistent: No such file or directory");
  // A broken conversation still says which service it is from.
  auto broken_conv = dir.write("bc.json", R"([{"chat_messages":"oops"}])");
  CHECK(shape(broken_conv) == std::pair{S::ChatExport, ExportKind::Claude});
}
