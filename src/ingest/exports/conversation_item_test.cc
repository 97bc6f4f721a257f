#include "ingest/exports/conversation_item.h"

#include <doctest/doctest.h>

using namespace memconn;

namespace {
Conversation sample() {
  Conversation c;
  c.kind = ExportKind::ChatGpt;
  c.id = "abc-123";
  c.title = "Trip plans";
  c.created = "2026-01-02T03:04:05Z";
  c.updated = "2026-01-03T00:00:00Z";
  c.model = "gpt-4o";
  c.turns = {{"user", "Where to?"}, {"assistant", "Lisbon\\nor Porto"}};
  return c;
}
}  // namespace

TEST_CASE("conversation item: one document per conversation, turns one per line") {
  Item it;
  it.metadata = {{"stale", "x"}};
  fill_conversation_item(sample(), it);
  CHECK(it.document_id == "chatgpt:abc-123");
  CHECK(it.explicit_id);
  CHECK(it.content == "user: Where to?\nassistant: Lisbon\\nor Porto");
  CHECK(it.context == "ChatGPT conversation: Trip plans");
  CHECK(it.timestamp == "2026-01-02T03:04:05Z");
  CHECK(it.tags == std::vector<std::string>{"source:chatgpt"});
  CHECK(it.metadata == std::vector<std::pair<std::string, std::string>>{{"export", "chatgpt"},
                                                                        {"conversation_id", "abc-123"},
                                                                        {"title", "Trip plans"},
                                                                        {"created_at", "2026-01-02T03:04:05Z"},
                                                                        {"updated_at", "2026-01-03T00:00:00Z"},
                                                                        {"turns", "2"},
                                                                        {"model", "gpt-4o"}});
}

TEST_CASE("conversation item: Claude, untitled, with only an update time") {
  Conversation c;
  c.kind = ExportKind::Claude;
  c.id = "u-1";
  c.updated = "2026-05-05T00:00:00Z";
  c.turns = {{"user", "hi"}};
  Item it;
  fill_conversation_item(c, it);
  CHECK(it.document_id == "claude:u-1");
  CHECK(it.context == "Claude conversation");
  CHECK(it.timestamp == "2026-05-05T00:00:00Z");
  CHECK(it.tags == std::vector<std::string>{"source:claude"});
  CHECK(it.metadata.size() == 4);  // export, conversation_id, updated_at, turns
  CHECK(conversation_text(c) == "user: hi");
  CHECK(std::string(kind_name(ExportKind::Auto)) == "auto");
}

TEST_CASE("conversation digest: changes with the text, title and start, not with metadata") {
  Item a, b;
  fill_conversation_item(sample(), a);
  fill_conversation_item(sample(), b);
  CHECK(conversation_digest_hex(a) == conversation_digest_hex(b));
  CHECK(conversation_digest_hex(a).size() == 64);
  auto longer = sample();
  longer.turns.push_back({"user", "thanks"});
  fill_conversation_item(longer, b);
  CHECK(conversation_digest(a) != conversation_digest(b));
  auto renamed = sample();
  renamed.title = "Holiday";
  fill_conversation_item(renamed, b);
  CHECK(conversation_digest(a) != conversation_digest(b));
  auto touched = sample();
  touched.updated = "2027-01-01T00:00:00Z";  // opened again, nothing said
  fill_conversation_item(touched, b);
  CHECK(conversation_digest(a) == conversation_digest(b));
  // Field boundaries count: moving text between content and context is another digest.
  Item x, y;
  x.content = "ab";
  y.content = "a";
  y.context = "b";
  CHECK(conversation_digest(x) != conversation_digest(y));
}
