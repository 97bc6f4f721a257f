#include "targets/registry.h"

#include <doctest/doctest.h>

#include <set>

using namespace memconn;

namespace {

std::unique_ptr<Target> target_of(TargetKind kind, const std::string& url, const std::string& bank = "b#1") {
  static NullDiagnostics quiet;
  TargetEnv env;
  env.console = &quiet;
  TargetSpec spec;
  spec.kind = kind;
  spec.url = url;
  spec.bank = bank;
  spec.api_key = "sekrit-key";
  return make_target(spec, env);
}

}  // namespace

TEST_CASE("target registry: one row per kind, each makes a target of its kind whose label reads back") {
  std::set<TargetKind> kinds;
  for (const auto& row : target_kinds()) {
    CHECK(kinds.insert(row.kind).second);
    auto t = target_of(row.kind, "https://user:pw@example.org:8443");
    CHECK(t->spec().kind == row.kind);
    std::string label = t->label();
    CAPTURE(label);
    // Never credentials: labels go into dead letters, resume keys and pending operations.
    CHECK(label.find("pw") == std::string::npos);
    CHECK(label.find("sekrit") == std::string::npos);
    auto back = spec_from_label(label);
    REQUIRE(back);
    CHECK(back->kind == row.kind);
    CHECK(target_of(back->kind, back->url, back->bank)->label() == label);
  }
  CHECK(kinds.size() == kTargetKindCount);
  CHECK_FALSE(spec_from_label("not a label"));
}

TEST_CASE("target registry: document keys, encodings and decodings round trip for every kind") {
  for (const auto& row : target_kinds()) {
    auto t = target_of(row.kind, "http://127.0.0.1:1");
    Item it;
    it.content = "line one\nline two ✓";
    it.document_id = t->document_key("notes/a b.md");
    it.explicit_id = true;
    t->encode(it);
    CHECK_FALSE(it.json.empty());
    Item back;
    REQUIRE(t->decode(it.json, back));
    CHECK(back.content == it.content);
    CHECK(back.document_id == it.document_id);
    CHECK(t->http_options().headers.size() == 1);  // its own auth header, never another kind's
  }
}
