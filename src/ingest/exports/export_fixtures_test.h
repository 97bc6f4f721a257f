// Test-only helpers for the export readers: generated ChatGPT and Claude conversations with
// every trap the formats hold, ZIPs written with libarchive's writer (no binary fixtures),
// and a scratch folder. Each fixture's expected turns are written next to it, so a test
// compares a reader's output with what a person saw in the app.
#pragma once
#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace memconn::test_exports {

// A ZIP holding the given (path, bytes) entries, deflated.
inline std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries, bool stored = false) {
  std::string out;
  struct archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  if (stored) archive_write_set_options(a, "zip:compression=store");
  archive_write_open(
      a, &out, nullptr,
      [](struct archive*, void* self, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(self)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& [path, data] : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// A scratch folder removed with everything in it when the test ends.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() / ("memconn-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& relative, const std::string& data) const {
    auto p = path / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
    return p.string();
  }
};

// Text that must never reach a document: abandoned branches, hidden nodes, the profile,
// model reasoning, tool traffic, attachment contents.
inline const std::vector<std::string> kNeverImported = {
    "ABANDONED", "HIDDEN", "SECRET", "Thought for", "TOOL", "QUOTE", "EXTRACTED", "SYSTEM PROMPT", "FLAT DUPLICATE"};

// A ChatGPT conversation with every trap on its active branch or beside it:
// root (null message) -> system (empty) -> hidden profile -> unflagged profile -> u1 -> a1
// [a1_old regenerated, abandoned] -> u2 (text + image) [u2_old edited, abandoned, with its
// answer] -> thoughts -> reasoning recap -> code -> execution output -> a tool call -> a
// browsing quote -> a4 (multi-line) -> hidden -> empty. No conversation times: they fall back
// to the messages'.
inline std::string chatgpt_traps(const std::string& id = "c-traps") {
  return R"({"id":")" + id + R"J(","title":"Traps","current_node":"empty","default_model_slug":"gpt-4o",
"mapping":{
 "root":{"id":"root","parent":null,"children":["sys"],"message":null},
 "sys":{"id":"sys","parent":"root","children":["ctx"],"message":{"id":"sys","author":{"role":"system"},"create_time":null,
   "content":{"content_type":"text","parts":["SYSTEM PROMPT"]},"metadata":{"is_visually_hidden_from_conversation":true}}},
 "ctx":{"id":"ctx","parent":"sys","children":["ctx2"],"message":{"id":"ctx","author":{"role":"user"},
   "content":{"content_type":"user_editable_context","user_profile":"SECRET PROFILE","user_instructions":"SECRET INSTRUCTIONS"},
   "metadata":{"is_visually_hidden_from_conversation":true}}},
 "ctx2":{"id":"ctx2","parent":"ctx","children":["u1"],"message":{"id":"ctx2","author":{"role":"user"},
   "content":{"content_type":"user_editable_context","user_profile":"SECRET UNFLAGGED PROFILE"},"metadata":{}}},
 "u1":{"id":"u1","parent":"ctx2","children":["a1_old","a1"],"message":{"id":"u1","author":{"role":"user"},"create_time":1700000000.5,
   "content":{"content_type":"text","parts":["Hello"]},"metadata":{}}},
 "a1_old":{"id":"a1_old","parent":"u1","children":[],"message":{"id":"a1_old","author":{"role":"assistant"},"create_time":1700000001,
   "content":{"content_type":"text","parts":["ABANDONED ANSWER"]}}},
 "a1":{"id":"a1","parent":"u1","children":["u2_old","u2"],"message":{"id":"a1","author":{"role":"assistant"},"create_time":1700000002,
   "recipient":"all","content":{"content_type":"text","parts":["Hi there"]}}},
 "u2_old":{"id":"u2_old","parent":"a1","children":["a2_old"],"message":{"id":"u2_old","author":{"role":"user"},
   "content":{"content_type":"text","parts":["ABANDONED QUESTION"]}}},
 "a2_old":{"id":"a2_old","parent":"u2_old","children":[],"message":{"id":"a2_old","author":{"role":"assistant"},"create_time":1800000000,
   "content":{"content_type":"text","parts":["ABANDONED REPLY"]}}},
 "u2":{"id":"u2","parent":"a1","children":["th"],"message":{"id":"u2","author":{"role":"user"},"create_time":null,
   "content":{"content_type":"multimodal_text","parts":["Look at this",{"content_type":"image_asset_pointer","asset_pointer":"file-service://x","size_bytes":100}]}}},
 "th":{"id":"th","parent":"u2","children":["rr"],"message":{"id":"th","author":{"role":"assistant"},
   "content":{"content_type":"thoughts","thoughts":[{"summary":"s","content":"SECRET THOUGHT"}]}}},
 "rr":{"id":"rr","parent":"th","children":["code"],"message":{"id":"rr","author":{"role":"assistant"},
   "content":{"content_type":"reasoning_recap","content":"Thought for 3 seconds"}}},
 "code":{"id":"code","parent":"rr","children":["out"],"message":{"id":"code","author":{"role":"assistant"},"recipient":"python",
   "content":{"content_type":"code","language":"python","text":"x = 1 + 1\nprint(x)"}}},
 "out":{"id":"out","parent":"code","children":["call"],"message":{"id":"out","author":{"role":"tool","name":"python"},
   "content":{"content_type":"execution_output","text":"2"}}},
 "call":{"id":"call","parent":"out","children":["quote"],"message":{"id":"call","author":{"role":"assistant"},"recipient":"browser",
   "content":{"content_type":"text","parts":["search('TOOL CALL')"]}}},
 "quote":{"id":"quote","parent":"call","children":["a4"],"message":{"id":"quote","author":{"role":"tool","name":"browser"},
   "content":{"content_type":"tether_quote","title":"t","text":"QUOTE TEXT"}}},
 "a4":{"id":"a4","parent":"quote","children":["hid"],"message":{"id":"a4","author":{"role":"assistant"},"create_time":1700000100,
   "content":{"content_type":"text","parts":["The answer is\n\n2.  \nDone."]}}},
 "hid":{"id":"hid","parent":"a4","children":["empty"],"message":{"id":"hid","author":{"role":"assistant"},
   "content":{"content_type":"text","parts":["HIDDEN TEXT"]},"metadata":{"is_visually_hidden_from_conversation":true}}},
 "empty":{"id":"empty","parent":"hid","children":[],"message":{"id":"empty","author":{"role":"assistant"},
   "content":{"content_type":"text","parts":[""]}}}
}})J";
}
inline const std::vector<std::pair<std::string, std::string>> kChatgptTrapsTurns = {
    {"user", "Hello"},
    {"assistant", "Hi there"},
    {"user", "Look at this\\n[image]"},
    {"assistant", "x = 1 + 1\\nprint(x)"},
    {"tool", "2"},
    {"assistant", "The answer is\\n\\n2.\\nDone."},
};

// A small well-formed ChatGPT conversation: user then assistant, with times.
inline std::string chatgpt_simple(const std::string& id, const std::string& question, const std::string& answer,
                                  double update_time = 1700000500) {
  return R"({"conversation_id":")" + id + R"(","title":"Simple )" + id +
         R"(","create_time":1700000000,"update_time":)" + std::to_string(update_time) +
         R"(,"current_node":"b","mapping":{"r":{"id":"r","parent":null,"children":["a"],"message":null},
"a":{"id":"a","parent":"r","children":["b"],"message":{"author":{"role":"user"},"content":{"content_type":"text","parts":[")" +
         question + R"("]}}},
"b":{"id":"b","parent":"a","children":[],"message":{"author":{"role":"assistant"},"content":{"content_type":"text","parts":[")" +
         answer + R"("]}}}}})";
}

// A Claude conversation with every kind of block: text blocks beside a flat text that must
// not be read, thinking, tool_use, tool_result, an unknown type, an empty message, a message
// with only the flat text, an attachment.
inline std::string claude_traps(const std::string& uuid = "k-traps") {
  return R"({"uuid":")" + uuid + R"(","name":"Claude traps","created_at":"2026-11-02T10:00:00.123456Z","updated_at":"2026-11-02T11:00:00Z",
"account":{"uuid":"acc"},"chat_messages":[
 {"uuid":"m1","sender":"human","text":"","created_at":null,"content":[{"type":"text","text":"Question one","citations":[]}]},
 {"uuid":"m2","sender":"assistant","text":"FLAT DUPLICATE","content":[
   {"type":"thinking","thinking":"SECRET THINKING"},
   {"type":"text","text":"Answer one"},
   {"type":"tool_use","name":"web_search","input":{"query":"TOOL INPUT"}},
   {"type":"tool_result","name":"web_search","content":[{"type":"text","text":"TOOL OUTPUT"}],"is_error":false},
   {"type":"text","text":"more answer\r\nsecond line"}]},
 {"uuid":"m3","sender":"human","text":"Flat only question","content":[]},
 {"uuid":"m4","sender":"human","text":"","content":[{"type":"voice_note","title":"v","audio":"x"}]},
 {"uuid":"m5","sender":"assistant","text":"","content":[{"type":"text","text":""}]},
 {"uuid":"m6","sender":"human","text":"With attachment","content":null,
   "attachments":[{"file_name":"notes.pdf","file_size":10,"file_type":"pdf","extracted_content":"EXTRACTED TEXT"}],
   "files":[{"file_name":"notes.pdf"}]},
 {"uuid":"m7","sender":"assistant","text":"Last answer"}
]})";
}
inline const std::vector<std::pair<std::string, std::string>> kClaudeTrapsTurns = {
    {"user", "Question one"},
    {"assistant", "Answer one\\nmore answer\\nsecond line"},
    {"user", "Flat only question"},
    {"user", "[voice_note]"},
    {"user", "With attachment\\n[attachment: notes.pdf]"},
    {"assistant", "Last answer"},
};

inline std::string claude_simple(const std::string& uuid, const std::string& question, const std::string& answer) {
  return R"({"uuid":")" + uuid + R"(","name":"Simple )" + uuid +
         R"(","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-02T00:00:00Z","chat_messages":[
{"sender":"human","text":")" + question + R"(","content":[{"type":"text","text":")" + question + R"("}]},
{"sender":"assistant","text":")" + answer + R"(","content":[{"type":"text","text":")" + answer + R"("}]}]})";
}

inline std::string json_array(const std::vector<std::string>& elements) {
  std::string out = "[\n";
  for (size_t i = 0; i < elements.size(); ++i) out += (i ? ",\n  " : "  ") + elements[i];
  return out + "\n]\n";
}

}  // namespace memconn::test_exports
