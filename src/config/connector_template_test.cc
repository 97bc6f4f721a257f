#include "config/connector_template.h"

#include <doctest/doctest.h>

#include "config/config.h"

using namespace memconn;

namespace {

std::string err(std::string_view text) {
  auto t = parse_connector_template(text);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().exit_code == 3);
  return t.error().message;
}

std::string render(std::string_view text) {
  auto t = parse_connector_template(text);
  REQUIRE_MESSAGE(t.ok(), (t.ok() ? "" : t.error().message));
  TextTemplate::Values v;
  v.text = [](std::string_view name) { return "<" + std::string(name) + ">"; };
  v.time = [](std::string_view name) -> std::optional<SysTime> {
    if (name == "created_at") return parse_iso8601("2024-01-19T07:28:08Z");
    return std::nullopt;
  };
  return t->render(v);
}

}  // namespace

TEST_CASE("template: placeholders, date formats and literal braces") {
  CHECK(render("{transcript}") == "<transcript>");
  CHECK(render("On {created_at:%Y-%m-%d} ({type}): {text}") == "On 2024-01-19 (<type>): <text>");
  CHECK(render("{created_at}") == "2024-01-19T07:28:08Z");
  CHECK(render("{updated_at}|{updated_at:%Y}") == "|");  // absent times render empty
  CHECK(render("{{json}} {id}") == "{json} <id>");
  CHECK(render("plain") == "plain");
}

TEST_CASE("template: mistakes are caught when the template is parsed") {
  CHECK(err("{trancript}").starts_with("unknown placeholder {trancript} (known: {id} {transcript}"));
  CHECK(err("{type:%Y}") == "placeholder {type:%Y}: only time fields take a date format");
  CHECK(err("{created_at:%Q}") == "placeholder {created_at:%Q}: unknown date conversion '%Q'");
  CHECK(err("{created_at:}") == "placeholder {created_at:}: empty date format");
  CHECK(err("{created_at:%Y%}") == "placeholder {created_at:%Y%}: date format ends with a lone '%'");
  CHECK(err("open {id") == "unclosed '{' at offset 5 (write \"{{\" for a literal brace)");
  CHECK(err("a } b") == "single '}' at offset 2 (write \"}}\" for a literal brace)");
}

TEST_CASE("config: a bad connector template is a file:line error at load time") {
  std::string toml = R"([targets.rag]
kind = "lightrag"
url = "http://localhost:9621"
[sources.pendant]
kind = "memory-api"
url = "https://m.example.org"
context = "123"
[connectors.c]
source = "pendant"
target = "rag"
schedule = "every 1h"
transform = "template"
template = "{transcript} at {location_latt}"
)";
  auto cfg = parse_config(toml, "memconn.toml", [](const std::string&) { return std::optional<std::string>(); });
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.error().exit_code == 3);
  CHECK(cfg.error().message.starts_with("memconn.toml:13: connectors.c.template: unknown placeholder {location_latt}"));
}
