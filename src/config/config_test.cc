#include "config/config.h"

#include <unistd.h>

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>

#include "state/atomic_file.h"
#include "base/exit_codes.h"

using namespace memconn;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

Config ok(std::string_view text, const EnvLookup& env = env_of({})) {
  auto r = parse_config(text, "memconn.toml", env);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return *r;
}

std::string err(std::string_view text, const EnvLookup& env = env_of({})) {
  auto r = parse_config(text, "memconn.toml", env);
  REQUIRE_MESSAGE(!r.ok(), "expected an error");
  CHECK(r.error().exit_code == exit_code::kConfig);
  return r.error().message;
}

// The smallest valid connector setup, for tests that vary one thing.
constexpr const char* kBase = R"(
[targets.rag]
kind = "lightrag"
url = "http://localhost:9621"
[sources.pendant]
kind = "memory-api"
url = "https://m.example.org"
context = "123"
)";

}  // namespace

TEST_CASE("config: empty file is valid and leaves everything unset") {
  auto c = ok("");
  CHECK(c.path == "memconn.toml");
  CHECK(c.dir() == ".");
  CHECK(c.hindsight.line == 0);
  CHECK_FALSE(c.hindsight.url);
  CHECK_FALSE(c.defaults.workers);
  CHECK_FALSE(c.defaults.timeout);
  CHECK_FALSE(c.state.path);
  CHECK(c.targets.empty());
  CHECK(c.sources.empty());
  CHECK(c.connectors.empty());
}

TEST_CASE("config: full schema is read into plain structs") {
  auto c = ok(R"(# comment
[hindsight]
url = "http://localhost:8888/"
api_key = "hk"
bank = "team"

[defaults]
workers = 8
batch_size = 20
max_batch_bytes = 2048
timeout = "90s"
connect_timeout = 5
retries = 0
rate = 2.5
breaker_failures = 3
max_outage = "5m"
drain_timeout = "0s"

[state]
path = "/var/lib/memconn/state.json"

[targets.zeta]
kind = "hindsight"
url = "https://h.example.org"
bank = "b1"

[targets.alpha]
kind = "lightrag"
url = "http://127.0.0.1:9621"
query_mode = "hybrid"
api_key = "${KEY:-}"

[sources.notes]
kind = "http-json"
url = "https://n.example.org/api"
items_path = "data.items"
id_field = "meta.id"
text_field = "body"
time_field = ""
paging = "cursor"
cursor_field = "paging.next"
cursor_param = "after"
page_size = 50
since_param = "since"
auth_header = "X-Token"
auth_prefix = ""
headers = { X-Client = "memconn", Accept = "application/json" }
api_key = "tok"

[sources.pendant]
kind = "memory-api"
url = "https://m.example.org"
context = "107677460544181387647"
limit = 500
timeout = "30s"

[connectors.b-conn]
source = "notes"
target = "zeta"
schedule = "*/15 * * * *"
transform = "template"
template = "{text}"
tags = ["a", "b"]
context = "notes"
enabled = false
overlap = "2h"

[connectors.a-conn]
source = "pendant"
target = "alpha"
schedule = "every 1h"
)");
  CHECK(c.hindsight.line == 2);
  CHECK(*c.hindsight.url == "http://localhost:8888");  // trailing '/' dropped
  CHECK(*c.hindsight.api_key == "hk");
  CHECK(*c.hindsight.bank == "team");

  CHECK(*c.defaults.workers == 8);
  CHECK(*c.defaults.batch_size == 20);
  CHECK(*c.defaults.max_batch_bytes == 2048);
  CHECK(*c.defaults.timeout == seconds(90));
  CHECK(*c.defaults.connect_timeout == seconds(5));  // integers are seconds
  CHECK(*c.defaults.retries == 0);
  CHECK(*c.defaults.rate == 2.5);
  CHECK(*c.defaults.breaker_failures == 3);
  CHECK(*c.defaults.max_outage == minutes(5));
  CHECK(*c.defaults.drain_timeout == milliseconds(0));
  CHECK(*c.state.path == "/var/lib/memconn/state.json");

  REQUIRE(c.targets.size() == 2);
  CHECK(c.targets.begin()->first == "alpha");  // sorted
  const auto& alpha = c.targets.at("alpha");
  CHECK(alpha.name == "alpha");
  CHECK(alpha.kind == TargetKind::kLightrag);
  CHECK(alpha.line == 27);
  CHECK(*alpha.query_mode == "hybrid");
  CHECK_FALSE(alpha.api_key);  // "${KEY:-}" expands to "" = no key
  CHECK(alpha.bank.empty());
  const auto& zeta = c.targets.at("zeta");
  CHECK(zeta.kind == TargetKind::kHindsight);
  CHECK(zeta.bank == "b1");
  CHECK(zeta.url == "https://h.example.org");
  CHECK_FALSE(zeta.query_mode);

  const auto& notes = c.sources.at("notes");
  CHECK(notes.kind == SourceKind::kHttpJson);
  CHECK(notes.items_path == "data.items");
  CHECK(notes.id_field == "meta.id");
  CHECK(notes.text_field == "body");
  CHECK(notes.time_field.empty());
  CHECK(notes.paging == Paging::kCursor);
  CHECK(notes.cursor_field == "paging.next");
  CHECK(notes.cursor_param == "after");
  CHECK(notes.page_size == 50);
  CHECK(notes.page_param == "page");  // default kept
  CHECK(notes.first_page == 1);
  CHECK(notes.since_param == "since");
  CHECK(notes.auth_header == "X-Token");
  CHECK(notes.auth_prefix.empty());
  CHECK(notes.headers == std::map<std::string, std::string>{{"Accept", "application/json"}, {"X-Client", "memconn"}});
  CHECK_FALSE(notes.timeout);
  const auto& pendant = c.sources.at("pendant");
  CHECK(pendant.kind == SourceKind::kMemoryApi);
  CHECK(pendant.context == "107677460544181387647");
  CHECK(pendant.limit == 500);
  CHECK(*pendant.timeout == seconds(30));

  REQUIRE(c.connectors.size() == 2);
  CHECK(c.connectors.begin()->first == "a-conn");
  const auto& a = c.connectors.at("a-conn");
  CHECK(a.source == "pendant");
  CHECK(a.target == "alpha");
  CHECK(a.schedule.text() == "every 1h");
  CHECK(a.transform == TransformKind::kStandard);
  CHECK(a.enabled);
  CHECK(a.overlap == hours(1));  // default
  CHECK(a.tags.empty());
  const auto& b = c.connectors.at("b-conn");
  CHECK(b.line == 57);
  CHECK(b.schedule.text() == "*/15 * * * *");
  CHECK_FALSE(b.schedule.is_interval());
  CHECK(b.transform == TransformKind::kTemplate);
  CHECK(b.template_text == "{text}");
  CHECK(b.tags == std::vector<std::string>{"a", "b"});
  CHECK(*b.context == "notes");
  CHECK_FALSE(b.enabled);
  CHECK(b.overlap == hours(2));
}

TEST_CASE("config: the errors from the brief, with file:line") {
  CHECK(err("[defaults]\nworkers = 4\n\nwokers = 5\n") == "memconn.toml:4: unknown key \"wokers\" in [defaults]");
  CHECK(err("[targets.rag]\nkind = \"lightrag\"\nurl = 9621\n") ==
        "memconn.toml:3: targets.rag.url: expected a string, got integer");
  CHECK(err("[targets.rag]\nkind = \"lightrag\"\nurl = \"localhost:9621\"\n") ==
        "memconn.toml:3: targets.rag.url: not an http(s) URL: \"localhost:9621\"");
  CHECK(err(std::string(kBase) + "[connectors.x]\nsource = \"pendnt\"\ntarget = \"rag\"\nschedule = \"every 1h\"\n") ==
        "memconn.toml:10: connectors.x.source: no source named \"pendnt\"");
  CHECK(err(std::string(kBase) + "[connectors.x]\nsource = \"pendant\"\ntarget = \"rga\"\nschedule = \"@daily\"\n") ==
        "memconn.toml:11: connectors.x.target: no target named \"rga\"");
  CHECK(err(std::string(kBase) +
            "[connectors.x]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"*/0 * * * *\"\n") ==
        "memconn.toml:12: connectors.x.schedule: bad schedule \"*/0 * * * *\": minute step must be > 0");
  CHECK(err("[sources.p]\nkind = \"memory-api\"\nurl = \"https://m\"\ncontext = \"1\"\napi_key = \"${MEMORY_API_KEY}\"\n") ==
        "memconn.toml:5: environment variable MEMORY_API_KEY is not set");
}

TEST_CASE("config: TOML syntax errors carry line and column") {
  auto e = err("[defaults]\nworkers = \n");
  CHECK(e.rfind("memconn.toml:2:", 0) == 0);
  CHECK(e.find("expected") != std::string::npos);
  CHECK(err("[a]\n[a]\n").rfind("memconn.toml:2:1: ", 0) == 0);
  CHECK(err("x = \"unterminated\n").rfind("memconn.toml:1:", 0) == 0);
}

TEST_CASE("config: the earliest mistake in the file is the one reported") {
  // toml++ visits keys alphabetically; "zz" sorts after "aa" but comes first in the file.
  CHECK(err("[defaults]\nworkers = 0\nretries = -1\n") == "memconn.toml:2: defaults.workers: must be 1..256, got 0");
  CHECK(err("[targets.zz]\nkind = \"x\"\nurl = \"http://x\"\n[targets.aa]\nkind = 1\nurl = \"http://x\"\n") ==
        "memconn.toml:2: targets.zz.kind: \"x\" is not one of hindsight, lightrag");
}

TEST_CASE("config: unknown tables and keys anywhere") {
  CHECK(err("\n[hindsite]\nurl = \"http://x\"\n") == "memconn.toml:2: unknown table [hindsite]");
  CHECK(err("workers = 4\n") == "memconn.toml:1: unknown key \"workers\" at top level");
  CHECK(err("[hindsight]\nuri = \"http://x\"\n") == "memconn.toml:2: unknown key \"uri\" in [hindsight]");
  CHECK(err("[state]\nfile = \"s\"\n") == "memconn.toml:2: unknown key \"file\" in [state]");
  CHECK(err(std::string(kBase) + "colour = \"red\"\n") == "memconn.toml:9: unknown key \"colour\" in [sources.pendant]");
  CHECK(err("[targets.rag]\nkind = \"lightrag\"\nurl = \"http://x\"\ntimeout = \"5s\"\n") ==
        "memconn.toml:4: unknown key \"timeout\" in [targets.rag]");
  CHECK(err(std::string(kBase) + "[connectors.c]\nsource=\"pendant\"\ntarget=\"rag\"\nschedule=\"@daily\"\nsched=1\n") ==
        "memconn.toml:13: unknown key \"sched\" in [connectors.c]");
}

TEST_CASE("config: wrong types") {
  CHECK(err("defaults = 5\n") == "memconn.toml:1: defaults: expected a table, got integer");
  CHECK(err("[[targets]]\nkind = \"lightrag\"\n") == "memconn.toml:1: targets: expected a table, got array");
  CHECK(err("[targets]\nrag = \"http://x\"\n") == "memconn.toml:2: targets.rag: expected a table, got string");
  CHECK(err("[defaults]\nworkers = \"4\"\n") == "memconn.toml:2: defaults.workers: expected an integer, got string");
  CHECK(err("[defaults]\nrate = \"fast\"\n") == "memconn.toml:2: defaults.rate: expected a number, got string");
  CHECK(err("[defaults]\ntimeout = true\n") ==
        "memconn.toml:2: defaults.timeout: expected a duration like \"30s\", got boolean");
  CHECK(err("[defaults]\nworkers = 1.5\n") == "memconn.toml:2: defaults.workers: expected an integer, got float");
  CHECK(err(std::string(kBase) + "[connectors.c]\nsource=\"pendant\"\ntarget=\"rag\"\nschedule=\"@daily\"\n"
                                 "enabled = \"yes\"\n") ==
        "memconn.toml:13: connectors.c.enabled: expected a boolean, got string");
  // An array element on its own line is reported at that line.
  CHECK(err(std::string(kBase) + "[connectors.c]\nsource=\"pendant\"\ntarget=\"rag\"\nschedule=\"@daily\"\n"
                                 "tags = [\"a\",\n  2]\n") ==
        "memconn.toml:14: connectors.c.tags[1]: expected a string, got integer");
  CHECK(err("[sources.s]\nkind=\"http-json\"\nurl=\"http://x\"\nheaders = { X-A = 1 }\n") ==
        "memconn.toml:4: sources.s.headers.X-A: expected a string, got integer");
  CHECK(err("[sources.s]\nkind=\"http-json\"\nurl=\"http://x\"\nheaders = \"X-A: 1\"\n") ==
        "memconn.toml:4: sources.s.headers: expected a table of strings, got string");
}

TEST_CASE("config: ranges and enumerations") {
  CHECK(err("[defaults]\nworkers = 257\n") == "memconn.toml:2: defaults.workers: must be 1..256, got 257");
  CHECK(err("[defaults]\nbatch_size = 1001\n") == "memconn.toml:2: defaults.batch_size: must be 1..1000, got 1001");
  CHECK(err("[defaults]\nmax_batch_bytes = 1023\n") ==
        "memconn.toml:2: defaults.max_batch_bytes: must be >= 1024, got 1023");
  CHECK(err("[defaults]\nretries = 101\n") == "memconn.toml:2: defaults.retries: must be 0..100, got 101");
  CHECK(err("[defaults]\nrate = -1\n") == "memconn.toml:2: defaults.rate: must be a finite number >= 0");
  CHECK(err("[defaults]\nrate = inf\n") == "memconn.toml:2: defaults.rate: must be a finite number >= 0");
  CHECK(err("[defaults]\ntimeout = \"0s\"\n") == "memconn.toml:2: defaults.timeout: must be greater than 0");
  CHECK(err("[defaults]\ntimeout = \"6os\"\n") ==
        "memconn.toml:2: defaults.timeout: bad duration \"6os\": unknown unit \"os\" (use ms, s, m, h, d or w)");
  CHECK(err(std::string(kBase) + "limit = 10001\n") == "memconn.toml:9: sources.pendant.limit: must be 1..10000, got 10001");
  CHECK(err("[targets.rag]\nkind = \"lightrag\"\nurl = \"http://x\"\nquery_mode = \"fast\"\n") ==
        "memconn.toml:4: targets.rag.query_mode: \"fast\" is not one of local, global, hybrid, naive, mix, bypass");
  CHECK(err("[sources.s]\nkind = \"rss\"\nurl = \"http://x\"\n") ==
        "memconn.toml:2: sources.s.kind: \"rss\" is not one of memory-api, http-json");
  CHECK(err("[sources.s]\nkind=\"http-json\"\nurl=\"http://x\"\npaging = \"pages\"\n") ==
        "memconn.toml:4: sources.s.paging: \"pages\" is not one of none, page, offset, cursor");
  CHECK(err("[sources.s]\nkind=\"http-json\"\nurl=\"http://x\"\nitems_path = \"data..items\"\n") ==
        "memconn.toml:4: sources.s.items_path: empty segment in dotted path \"data..items\"");
  CHECK(err("[sources.s]\nkind=\"http-json\"\nurl=\"http://x\"\nid_field = \"\"\n") ==
        "memconn.toml:4: sources.s.id_field: must not be empty");
  CHECK(err("[sources.s]\nkind=\"http-json\"\nurl=\"http://x\"\nheaders = { \"Bad Name\" = \"v\" }\n") ==
        "memconn.toml:4: sources.s.headers.Bad Name: not a valid HTTP header name");
  CHECK(err("[sources.s]\nkind=\"http-json\"\nurl=\"http://x\"\nauth_header = \"X Token\"\n") ==
        "memconn.toml:4: sources.s.auth_header: not a valid HTTP header name");
}

TEST_CASE("config: URLs") {
  CHECK(ok("[hindsight]\nurl = \"HTTPS://h.example.org:8443/base//\"\n").hindsight.url == "HTTPS://h.example.org:8443/base");
  CHECK(err("[hindsight]\nurl = \"ftp://x\"\n") == "memconn.toml:2: hindsight.url: not an http(s) URL: \"ftp://x\"");
  CHECK(err("[hindsight]\nurl = \"http://\"\n") == "memconn.toml:2: hindsight.url: not an http(s) URL: \"http://\"");
  CHECK(err("[hindsight]\nurl = \"http:///x\"\n").find("not an http(s) URL") != std::string::npos);
  CHECK(err("[hindsight]\nurl = \"http://a b\"\n").find("not an http(s) URL") != std::string::npos);
}

TEST_CASE("config: required keys and kind-specific keys") {
  CHECK(err("\n[targets.rag]\nurl = \"http://x\"\n") == "memconn.toml:2: targets.rag: missing required key \"kind\"");
  CHECK(err("[targets.rag]\nkind = \"lightrag\"\n") == "memconn.toml:1: targets.rag: missing required key \"url\"");
  CHECK(err("[targets.h]\nkind = \"hindsight\"\nurl = \"http://x\"\n") ==
        "memconn.toml:1: targets.h: missing required key \"bank\"");
  CHECK(err("[targets.rag]\nkind = \"lightrag\"\nurl = \"http://x\"\nbank = \"team\"\n") ==
        "memconn.toml:4: targets.rag.bank: only for hindsight targets");
  CHECK(err("[targets.h]\nkind = \"hindsight\"\nurl = \"http://x\"\nbank = \"b\"\nquery_mode = \"mix\"\n") ==
        "memconn.toml:5: targets.h.query_mode: only for lightrag targets");
  CHECK(err("[sources.p]\nkind = \"memory-api\"\nurl = \"http://x\"\n") ==
        "memconn.toml:1: sources.p: missing required key \"context\"");
  CHECK(err(std::string(kBase) + "paging = \"page\"\n") == "memconn.toml:9: sources.pendant.paging: only for http-json sources");
  CHECK(err("[sources.s]\nkind=\"http-json\"\nurl=\"http://x\"\ncontext = \"1\"\n") ==
        "memconn.toml:4: sources.s.context: only for memory-api sources");
  CHECK(err(std::string(kBase) + "[connectors.c]\nsource = \"pendant\"\n") ==
        "memconn.toml:9: connectors.c: missing required key \"target\"");
  CHECK(err(std::string(kBase) + "[connectors.c]\ntarget = \"rag\"\nschedule = \"@daily\"\n") ==
        "memconn.toml:9: connectors.c: missing required key \"source\"");
  CHECK(err(std::string(kBase) + "[connectors.c]\nsource = \"pendant\"\ntarget = \"rag\"\n") ==
        "memconn.toml:9: connectors.c: missing required key \"schedule\"");
  CHECK(err("[hindsight]\napi_key = \"k\"\napi_key_file = \"f\"\n") ==
        "memconn.toml:3: hindsight: set api_key or api_key_file, not both");
  CHECK(err("[targets.rag]\nkind=\"lightrag\"\nurl=\"http://x\"\napi_key=\"k\"\napi_key_file=\"f\"\n") ==
        "memconn.toml:5: targets.rag: set api_key or api_key_file, not both");
}

TEST_CASE("config: template needs transform = template and vice versa") {
  std::string head = std::string(kBase) + "[connectors.c]\nsource=\"pendant\"\ntarget=\"rag\"\nschedule=\"@daily\"\n";
  CHECK(err(head + "transform = \"template\"\n") ==
        "memconn.toml:13: connectors.c: transform = \"template\" needs a template");
  CHECK(err(head + "template = \"{text}\"\n") ==
        "memconn.toml:13: connectors.c.template: only used with transform = \"template\"");
  CHECK(err(head + "transform = \"standard\"\ntemplate = \"{text}\"\n") ==
        "memconn.toml:14: connectors.c.template: only used with transform = \"template\"");
  CHECK(err(head + "transform = \"fancy\"\n") ==
        "memconn.toml:13: connectors.c.transform: \"fancy\" is not one of standard, template");
  CHECK(ok(head + "transform = \"template\"\ntemplate = \"{text}\"\n").connectors.at("c").template_text == "{text}");
}

TEST_CASE("config: names") {
  CHECK(err("[targets.\"a b\"]\nkind=\"lightrag\"\nurl=\"http://x\"\n") ==
        "memconn.toml:1: invalid target name \"a b\" (use letters, digits, '_', '.' and '-')");
  CHECK(err("[connectors.\"\"]\n").find("invalid connector name \"\"") != std::string::npos);
  auto c = ok("[targets.\"rag.v2_x-1\"]\nkind=\"lightrag\"\nurl=\"http://x\"\n");
  CHECK(c.targets.count("rag.v2_x-1") == 1);
}

TEST_CASE("config: ${VAR} substitution in every string value") {
  auto env = env_of({{"HOST", "rag.internal"}, {"KEY", "s3cret"}, {"EMPTY", ""}, {"TAG", "t1"}, {"HDR", "hv"}});
  auto c = ok(R"([targets.rag]
kind = "lightrag"
url = "http://${HOST}:9621"
api_key = "${KEY}"
[sources.s]
kind = "http-json"
url = "http://${MISSING:-fallback.example}/x"
api_key = "pa$$word$"
auth_prefix = "${EMPTY:-Token }"
headers = { X-H = "${HDR}" }
[connectors.c]
source = "s"
target = "rag"
schedule = "${SCHED:-every 30m}"
tags = ["${TAG}", "fixed"]
)",
              env);
  CHECK(c.targets.at("rag").url == "http://rag.internal:9621");
  CHECK(*c.targets.at("rag").api_key == "s3cret");
  CHECK(c.sources.at("s").url == "http://fallback.example/x");
  CHECK(*c.sources.at("s").api_key == "pa$word$");
  CHECK(c.sources.at("s").auth_prefix == "Token ");
  CHECK(c.sources.at("s").headers.at("X-H") == "hv");
  CHECK(c.connectors.at("c").schedule.interval() == minutes(30));
  CHECK(c.connectors.at("c").tags == std::vector<std::string>{"t1", "fixed"});

  // Substitution happens before validation, so a bad expanded value is caught.
  CHECK(err("[hindsight]\nurl = \"${U}\"\n", env_of({{"U", "localhost"}})) ==
        "memconn.toml:2: hindsight.url: not an http(s) URL: \"localhost\"");
  CHECK(err("[hindsight]\nbank = \"${B\"\n") ==
        "memconn.toml:2: unterminated \"${\" (write \"$$\" for a literal '$')");
  CHECK(err("[hindsight]\nbank = \"${1X}\"\n") == "memconn.toml:2: bad environment variable name \"1X\" in \"${...}\"");
}

TEST_CASE("expand_env") {
  auto env = env_of({{"A", "x"}, {"E", ""}});
  CHECK(*expand_env("${A}-${A}", env) == "x-x");
  CHECK(*expand_env("${E}", env) == "");             // set but empty is fine without a default
  CHECK(*expand_env("${E:-d}", env) == "d");         // ... and takes the default with one
  CHECK(*expand_env("${U:-}", env) == "");
  CHECK(*expand_env("$$ $A $ {A} $", env) == "$ $A $ {A} $");
  CHECK(*expand_env("$${A}", env) == "${A}");
  CHECK(expand_env("${U}", env).error().message == "environment variable U is not set");
}

TEST_CASE("config: relative paths resolve against the config file's directory") {
  const char* text = "[state]\npath = \"state/s.json\"\n[hindsight]\napi_key_file = \"~/keys/h\"\n";
  auto a = parse_config(text, "/etc/memconn/config.toml", env_of({{"HOME", "/home/u"}}));
  REQUIRE(a.ok());
  CHECK(a->dir() == "/etc/memconn");
  CHECK(*a->state.path == "/etc/memconn/state/s.json");
  CHECK(*a->hindsight.api_key_file == "/home/u/keys/h");
  auto b = parse_config("[state]\npath = \"s.json\"\n", "conf/m.toml", env_of({}));
  CHECK(*b->state.path == "conf/s.json");
  auto c = parse_config("[state]\npath = \"/abs/s.json\"\n", "conf/m.toml", env_of({}));
  CHECK(*c->state.path == "/abs/s.json");
  CHECK(*ok("[state]\npath = \"s.json\"\n").state.path == "s.json");
  Config root_file;
  root_file.path = "/m.toml";
  CHECK(root_file.dir() == "/");
}

TEST_CASE("default_config_path precedence") {
  CHECK(default_config_path(env_of({{"MEMCONN_CONFIG", "/x.toml"}, {"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/h"}})) ==
        "/x.toml");
  CHECK(default_config_path(env_of({{"MEMCONN_CONFIG", ""}, {"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/h"}})) ==
        "/xdg/memconn/config.toml");
  CHECK(default_config_path(env_of({{"XDG_CONFIG_HOME", "rel"}, {"HOME", "/h"}})) == "/h/.config/memconn/config.toml");
  CHECK(default_config_path(env_of({})) == "memconn.toml");
}

TEST_CASE("load_config reads the file - missing files are config errors") {
  char tmpl[] = "/tmp/memconn-config-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  REQUIRE(write_file_atomic(dir + "/m.toml", "[defaults]\nworkers = 2\n[state]\npath = \"st.json\"\n").ok());
  auto c = load_config(dir + "/m.toml", env_of({}));
  REQUIRE(c.ok());
  CHECK(*c->defaults.workers == 2);
  CHECK(*c->state.path == dir + "/st.json");
  REQUIRE(write_file_atomic(dir + "/bad.toml", "\n\n[defaults]\nwokers = 2\n").ok());
  CHECK(load_config(dir + "/bad.toml", env_of({})).error().message ==
        dir + "/bad.toml:4: unknown key \"wokers\" in [defaults]");
  auto missing = load_config(dir + "/nope.toml", env_of({}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().exit_code == exit_code::kConfig);
  CHECK(missing.error().message == "cannot read " + dir + "/nope.toml: No such file or directory");

  REQUIRE(write_file_atomic(dir + "/key", "  abc123 \nsecond line\n").ok());
  CHECK(*read_api_key_file(dir + "/key") == "abc123");
  REQUIRE(write_file_atomic(dir + "/empty", "\n").ok());
  CHECK(read_api_key_file(dir + "/empty").error().message == "api key file " + dir + "/empty is empty");
  CHECK(read_api_key_file(dir + "/none").error().exit_code == exit_code::kConfig);
  REQUIRE(write_file_atomic(dir + "/crlf", "abc123\r\n").ok());
  CHECK(*read_api_key_file(dir + "/crlf") == "abc123");
  CHECK(*clean_api_key("sk-1\n", "env") == "sk-1");
  CHECK(*clean_api_key(" sk-1 \t\r\n", "env") == "sk-1");
  auto injected = clean_api_key("sk-1\r\nX-Evil: 1", "HINDSIGHT_API_KEY");
  REQUIRE_FALSE(injected.ok());
  CHECK(injected.error().exit_code == exit_code::kConfig);
  CHECK(injected.error().message.starts_with("HINDSIGHT_API_KEY: the API key contains a control character (byte 13"));
  CHECK(injected.error().message.find("sk-1") == std::string::npos);
  CHECK_FALSE(clean_api_key("a\x7f", "k").ok());
  [[maybe_unused]] int rc = std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("the shipped example config parses") {
  // Found next to this source file so the test works from any build directory.
  std::string path = (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "sample_data" / "memconn.example.toml").string();
  auto c = load_config(path, env_of({{"MEMORY_API_KEY", "mk"}}));
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  CHECK(*c->hindsight.url == "http://127.0.0.1:8888");
  CHECK(*c->hindsight.bank == "team");
  CHECK(*c->defaults.workers == 4);
  CHECK(*c->defaults.timeout == seconds(60));
  CHECK(*c->state.path == c->dir() + "/state.json");
  const auto& rag = c->targets.at("rag");
  CHECK(rag.kind == TargetKind::kLightrag);
  CHECK(rag.url == "http://127.0.0.1:9621");
  CHECK_FALSE(rag.api_key);
  const auto& bank = c->targets.at("bank");
  CHECK(bank.kind == TargetKind::kHindsight);
  CHECK(bank.url == "http://127.0.0.1:8888");
  CHECK(bank.bank == "team");
  const auto& pendant = c->sources.at("pendant");
  CHECK(pendant.kind == SourceKind::kMemoryApi);
  CHECK(*pendant.api_key == "mk");
  const auto& conn = c->connectors.at("pendant-to-rag");
  CHECK(conn.source == "pendant");
  CHECK(conn.target == "rag");
  CHECK(conn.schedule.interval() == hours(1));
  // Without the secret the example names the variable and its line.
  auto no_env = load_config(path, env_of({}));
  REQUIRE_FALSE(no_env.ok());
  CHECK(no_env.error().message.find("environment variable MEMORY_API_KEY is not set") != std::string::npos);
}

namespace {
// The shipped example with the commented block that starts at `header` uncommented (up to the
// next blank line).
std::string example_with_uncommented(const std::string& header) {
  std::string path = (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "sample_data" / "memconn.example.toml").string();
  auto text = read_whole_file(path);
  REQUIRE(text.ok());
  std::string s = *text;
  size_t start = s.find(header);
  REQUIRE(start != std::string::npos);
  size_t end = s.find("\n\n", start);
  std::string block = s.substr(start, end - start), out;
  size_t pos = 0;
  while (pos < block.size()) {
    size_t nl = block.find('\n', pos);
    std::string line = block.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (line.rfind("# ", 0) == 0) line = line.substr(2);
    out += line + "\n";
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  s.replace(start, end - start, out);
  return s;
}
}  // namespace

TEST_CASE("the commented api example in the shipped config parses once uncommented") {
  auto c = parse_config(example_with_uncommented("# [api]"), "/etc/memconn/config.toml",
                        env_of({{"MEMORY_API_KEY", "mk"}, {"MEMCONN_API_KEY", "k"}}));
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  CHECK(*c->api.listen == "127.0.0.1:8080");
  CHECK(*c->api.rate_limit == 50);
  CHECK(*c->api.max_connections == 512);
}

TEST_CASE("the commented http-json example in the shipped config parses once uncommented") {
  std::string path = "/etc/memconn/config.toml";
  auto c = parse_config(example_with_uncommented("# [sources.notes]"), path, env_of({{"MEMORY_API_KEY", "mk"}, {"NOTES_TOKEN", "nt"}}));
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  const auto& notes = c->sources.at("notes");
  CHECK(notes.kind == SourceKind::kHttpJson);
  CHECK(notes.paging == Paging::kCursor);
  CHECK(notes.items_path == "data.items");
  CHECK(notes.headers.at("X-Client") == "memconn");
}
