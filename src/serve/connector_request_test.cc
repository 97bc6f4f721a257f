#include "serve/connector_request.h"

#include <doctest/doctest.h>

using namespace memconn;

namespace {

Config config() {
  auto cfg = parse_config(
      "[targets.rag]\nkind = \"lightrag\"\nurl = \"http://x\"\n"
      "[sources.pendant]\nkind = \"memory-api\"\nurl = \"http://y\"\ncontext = \"c\"\n"
      "[sources.json]\nkind = \"http-json\"\nurl = \"http://z\"\n",
      "memconn.toml", [](const std::string&) { return std::optional<std::string>(); });
  REQUIRE(cfg.ok());
  return *cfg;
}

FieldError error_of(std::string_view body, const std::string& path_name = "") {
  auto r = parse_connector_body(body, path_name);
  if (auto* e = std::get_if<FieldError>(&r)) return *e;
  auto invalid = validate_connector(std::get<ConnectorFields>(r), config());
  REQUIRE_MESSAGE(invalid, "no error for " << body);
  return *invalid;
}

}  // namespace

TEST_CASE("connector request: every mistake names its field and status") {
  CHECK(error_of("{").status == 400);
  CHECK(error_of("{").code == "malformed_json");
  CHECK(error_of("\"x\"").status == 400);
  auto e = error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"@daily","speed":1})");
  CHECK(e.status == 422);
  CHECK(e.code == "unknown_field");
  CHECK(e.field == "speed");
  CHECK(error_of(R"({"source":"pendant","target":"rag","schedule":"@daily"})").field == "name");
  CHECK(error_of(R"({"name":"a","target":"rag","schedule":"@daily"})").field == "source");
  CHECK(error_of(R"({"name":"a","source":"pendant","schedule":"@daily"})").field == "target");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag"})").code == "missing_field");
  CHECK(error_of(R"({"name":1,"source":"pendant","target":"rag","schedule":"@daily"})").field == "name");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"@daily","tags":[1]})").field == "tags");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"@daily","enabled":1})").field == "enabled");
  CHECK(error_of(R"({"name":"a/b","source":"pendant","target":"rag","schedule":"@daily"})").field == "name");
  CHECK(error_of(R"({"name":"..","source":"pendant","target":"rag","schedule":"@daily"})").field == "name");
  auto src = error_of(R"({"name":"a","source":"nope","target":"rag","schedule":"@daily"})");
  CHECK(src.field == "source");
  CHECK(src.message == "source: no source named \"nope\" in the config (configured: json, pendant)");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"nope","schedule":"@daily"})").field == "target");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"every soon"})").field == "schedule");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"@daily","transform":"rich"})").field == "transform");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"@daily","transform":"template"})").field == "template");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"@daily","template":"{id}"})").field == "template");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"@daily","transform":"template","template":"{when}"})").field == "template");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"@daily","overlap":"soon"})").field == "overlap");
  CHECK(error_of(R"({"name":"a","source":"pendant","target":"rag","schedule":"@daily","first_range":"year"})").field == "first_range");
  CHECK(error_of(R"({"name":"a","source":"json","target":"rag","schedule":"@daily","first_range":"day"})").field == "first_range");
  CHECK(error_of(R"({"name":"b","source":"pendant","target":"rag","schedule":"@daily"})", "a").field == "name");
}

TEST_CASE("connector request: a valid body becomes TOML the config loader reads back as the same connector") {
  auto r = parse_connector_body(R"({"source":"pendant","target":"rag","schedule":"every 2h","enabled":false,)"
                                R"("transform":"template","template":"{id}: {transcript} costs $5","tags":["a","b"],)"
                                R"("context":"line\none","overlap":"30m","first_range":"week"})",
                                "nightly");
  REQUIRE(std::holds_alternative<ConnectorFields>(r));
  const auto& f = std::get<ConnectorFields>(r);
  CHECK(f.name == "nightly");
  Config cfg = config();
  REQUIRE_FALSE(validate_connector(f, cfg));
  auto st = add_connector_file(cfg, connector_toml(f), "nightly", "connectors.d/nightly.toml",
                               [](const std::string&) { return std::optional<std::string>(); });
  REQUIRE_MESSAGE(st.ok(), st.error().message);
  const auto& c = cfg.connectors.at("nightly");
  CHECK(c.schedule.text() == "every 2h");
  CHECK_FALSE(c.enabled);
  CHECK(c.template_text == "{id}: {transcript} costs $5");
  CHECK(c.tags == std::vector<std::string>{"a", "b"});
  CHECK(c.context == "line\none");
  CHECK(c.overlap == std::chrono::minutes(30));
  CHECK(c.first_range == "week");
  CHECK(c.file == "connectors.d/nightly.toml");
  auto json = connector_json(c);
  CHECK(json.find(R"("managed_by":"api")") != std::string::npos);
  CHECK(json.find(R"("overlap":"30m")") != std::string::npos);
}
