#include "serve/connector_store.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "config/config.h"

#include "state/atomic_file.h"

using namespace memconn;

namespace {
auto no_env = [](const std::string&) { return std::optional<std::string>(); };
}

TEST_CASE("connector store: files the config loader reads - connectors, pauses, removal") {
  auto dir = std::filesystem::temp_directory_path() / ("memconn-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string cfg_path = (dir / "memconn.toml").string();
  REQUIRE(write_file_atomic(cfg_path,
                            "[targets.rag]\nkind = \"lightrag\"\nurl = \"http://x\"\n"
                            "[sources.p]\nkind = \"memory-api\"\nurl = \"http://y\"\ncontext = \"c\"\n"
                            "[connectors.main]\nsource = \"p\"\ntarget = \"rag\"\nschedule = \"@daily\"\n")
              .ok());
  ConnectorStore store((dir / "connectors.d").string());
  REQUIRE(store.write("api1", "source = \"p\"\ntarget = \"rag\"\nschedule = \"every 1h\"\n").ok());
  REQUIRE(store.set_paused("main", true, "2026-03-01T00:00:00Z").ok());
  REQUIRE(store.set_paused("gone", true, "2026-03-01T00:00:00Z").ok());  // no such connector: ignored
  auto cfg = load_config(cfg_path, no_env);
  REQUIRE_MESSAGE(cfg.ok(), cfg.error().message);
  CHECK(cfg->connectors.size() == 2);
  CHECK(cfg->connectors.at("api1").file == store.toml_path("api1"));
  CHECK(cfg->connectors.at("main").file.empty());
  CHECK(cfg->connectors.at("main").paused);
  CHECK(cfg->connectors.at("main").paused_since == "2026-03-01T00:00:00Z");
  CHECK_FALSE(cfg->connectors.at("api1").paused);
  CHECK(store.read("api1")->value().find("every 1h") != std::string::npos);
  CHECK_FALSE(store.read("nope")->has_value());

  REQUIRE(store.set_paused("main", false, "").ok());
  REQUIRE(store.remove("api1").ok());
  REQUIRE(store.remove("api1").ok());  // absent: no error
  cfg = load_config(cfg_path, no_env);
  REQUIRE(cfg.ok());
  CHECK(cfg->connectors.size() == 1);
  CHECK_FALSE(cfg->connectors.at("main").paused);

  // Mistakes in a connectors.d file name the file and line; a name defined twice too.
  REQUIRE(store.write("bad", "source = \"p\"\ntarget = \"nope\"\nschedule = \"@daily\"\n").ok());
  cfg = load_config(cfg_path, no_env);
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.error().message == store.toml_path("bad") + ":2: connectors.bad.target: no target named \"nope\"");
  REQUIRE(store.remove("bad").ok());
  REQUIRE(store.write("main", "source = \"p\"\ntarget = \"rag\"\nschedule = \"@daily\"\n").ok());
  cfg = load_config(cfg_path, no_env);
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.error().message.find("connector \"main\" is also defined in " + cfg_path + ":8") != std::string::npos);
  REQUIRE(store.write("x y", "source = \"p\"\n").ok());
  std::filesystem::remove(store.toml_path("main"));
  cfg = load_config(cfg_path, no_env);
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.error().message.find("invalid connector name \"x y\"") != std::string::npos);
  std::filesystem::remove(store.toml_path("x y"));
  REQUIRE(write_file_atomic((dir / "connectors.d" / "broken.toml").string(), "source = \n").ok());
  CHECK_FALSE(load_config(cfg_path, no_env).ok());
  std::filesystem::remove_all(dir);
}
