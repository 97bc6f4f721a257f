#include "config/command_setup.h"

#include <doctest/doctest.h>

#include <map>

#include "base/exit_codes.h"

using namespace memconn;

namespace {

FileProbe only(std::string existing) {
  return [existing](const std::string& p) { return p == existing; };
}

Config config_at(const std::string& path) {
  Config c;
  c.path = path;
  return c;
}

}  // namespace

TEST_CASE("the config: --config, else MEMCONN_CONFIG (which must exist), else XDG") {
  GlobalOptions g;
  auto env = env_of({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/x"}});
  auto d = choose_config(g, env, only(""));
  REQUIRE(d);
  CHECK(d->first == "/x/memconn/config.toml");
  CHECK(d->second == "default");

  auto named = env_of({{"HOME", "/h"}, {"MEMCONN_CONFIG", "/cfg/nope.toml"}});
  auto missing = choose_config(g, named, only(""));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().exit_code == exit_code::kConfig);
  CHECK(missing.error().message ==
        "MEMCONN_CONFIG names /cfg/nope.toml, which does not exist (unset it to use the default "
        "/h/.config/memconn/config.toml)");
  auto there = choose_config(g, named, only("/cfg/nope.toml"));
  REQUIRE(there);
  CHECK(there->second == "MEMCONN_CONFIG");

  g.config_path = "/etc/m.toml";  // the flag wins; load_config names it if it is missing
  auto flag = choose_config(g, named, only(""));
  REQUIRE(flag);
  CHECK(flag->first == "/etc/m.toml");
  CHECK(flag->second == "--config");
}

TEST_CASE("the state: XDG state for the default config, beside a named one, --state and [state] path first") {
  GlobalOptions g;
  auto env = env_of({{"HOME", "/h"}, {"XDG_STATE_HOME", "/xs"}});
  auto p = resolve_paths(g, config_at("/h/.config/memconn/config.toml"), env, {}, "default", false);
  CHECK(p.state == "/xs/memconn/state.json");
  CHECK(p.lock == "/xs/memconn/state.json.lock");
  CHECK(p.journal == "/xs/memconn/state.json.journal");
  CHECK(p.files == "/xs/memconn/state.json.files");
  CHECK(p.documents == "/xs/memconn/state.json.docs");
  CHECK(p.dead_letter == "/xs/memconn/dead-letter.jsonl");
  CHECK(p.config == "/h/.config/memconn/config.toml");
  CHECK_FALSE(p.config_exists);

  // XDG_STATE_HOME must be absolute; without it, ~/.local/state.
  auto relative = env_of({{"HOME", "/h"}, {"XDG_STATE_HOME", "rel"}});
  CHECK(resolve_paths(g, config_at("/c/config.toml"), relative, {}, "default", true).state ==
        "/h/.local/state/memconn/state.json");

  // A named config is a deployment of its own: its state lives beside it.
  CHECK(resolve_paths(g, config_at("/srv/a/config.toml"), env, {}, "--config", true).state == "/srv/a/state.json");
  CHECK(resolve_paths(g, config_at("/srv/b/m.toml"), env, {}, "MEMCONN_CONFIG", true).state == "/srv/b/state.json");

  Config with_state = config_at("/srv/a/config.toml");
  with_state.state.path = "/var/lib/m/team.json";
  auto t = resolve_paths(g, with_state, env, {}, "--config", true);
  CHECK(t.state == "/var/lib/m/team.json");
  CHECK(t.dead_letter == "/var/lib/m/team.dead-letter.jsonl");  // two state files, two dead-letter files

  g.state_path = "/tmp/s.json";
  CHECK(resolve_paths(g, with_state, env, {}, "--config", true).state == "/tmp/s.json");
}

TEST_CASE("a shard keeps its own state, lock and dead letters - --dead-letter is taken as is") {
  GlobalOptions g;
  auto env = env_of({{"XDG_STATE_HOME", "/xs"}});
  PathChoice shard{"shard-1-of-4", ""};
  auto p = resolve_paths(g, config_at("/c/config.toml"), env, shard, "default", true);
  CHECK(p.state == "/xs/memconn/state.shard-1-of-4.json");
  CHECK(p.lock == "/xs/memconn/state.shard-1-of-4.json.lock");
  CHECK(p.dead_letter == "/xs/memconn/dead-letter.shard-1-of-4.jsonl");

  // An explicit --state is the shard's own already; its dead letters still take the tag.
  g.state_path = "/s/k1.json";
  auto e = resolve_paths(g, config_at("/c/config.toml"), env, shard, "default", true);
  CHECK(e.state == "/s/k1.json");
  CHECK(e.dead_letter == "/s/k1.dead-letter.shard-1-of-4.jsonl");

  PathChoice both{"shard-1-of-4", "/d/letters.jsonl"};
  CHECK(resolve_paths(g, config_at("/c/config.toml"), env, both, "default", true).dead_letter == "/d/letters.jsonl");
}

TEST_CASE("dead letters are named after their state file") {
  CHECK(dead_letter_path_for("/s/state.json") == "/s/dead-letter.jsonl");
  CHECK(dead_letter_path_for("/s/state.shard-0-of-2.json") == "/s/dead-letter.shard-0-of-2.jsonl");
  CHECK(dead_letter_path_for("/s/team.json") == "/s/team.dead-letter.jsonl");
  CHECK(tagged_path("/x/state", "shard-2-of-8") == "/x/state.shard-2-of-8");
}
