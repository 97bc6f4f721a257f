#include "serve/listen_address.h"

#include <doctest/doctest.h>

#include "serve/api_settings.h"

using namespace memconn;

TEST_CASE("listen address: IPv4, IPv6 in brackets, localhost - loopback or not - mistakes named") {
  auto a = parse_listen_address("127.0.0.1:8080");
  REQUIRE(a.ok());
  CHECK(a->loopback);
  CHECK(a->text() == "127.0.0.1:8080");
  CHECK(parse_listen_address("127.9.9.9:1")->loopback);
  CHECK_FALSE(parse_listen_address("0.0.0.0:8080")->loopback);
  CHECK_FALSE(parse_listen_address("10.1.2.3:80")->loopback);
  auto v6 = parse_listen_address("[::1]:0");
  REQUIRE(v6.ok());
  CHECK(v6->ipv6);
  CHECK(v6->loopback);
  CHECK(v6->url() == "http://[::1]:0");
  CHECK_FALSE(parse_listen_address("[::]:8080")->loopback);
  CHECK(parse_listen_address("localhost:9")->host == "127.0.0.1");
  CHECK(parse_listen_address("127.0.0.1").error().message ==
        "--listen \"127.0.0.1\": no :port (expected ADDR:PORT, e.g. 127.0.0.1:8080)");
  CHECK(parse_listen_address("::1:80").error().message.find("[brackets]") != std::string::npos);
  CHECK(parse_listen_address(":80").error().message.find("no address") != std::string::npos);
  CHECK(parse_listen_address("1.2.3.4:x").error().message.find("not a number") != std::string::npos);
  CHECK(parse_listen_address("1.2.3.4:70000").error().message.find("above 65535") != std::string::npos);
  CHECK(parse_listen_address("example.org:80").error().message.find("numeric") != std::string::npos);
  CHECK(parse_listen_address("[zz]:80").error().exit_code == 2);
}

TEST_CASE("api settings: a key is required beyond loopback - doctor's lines") {
  auto env = [](const std::string& n) -> std::optional<std::string> {
    if (n == "K") return std::string("0123456789abcdef0123");
    return std::nullopt;
  };
  auto cfg = parse_config("[api]\nlisten = \"0.0.0.0:8080\"\n", "m.toml", env);
  REQUIRE(cfg.ok());
  auto s = resolve_api_settings(*cfg, std::nullopt, env);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().exit_code == 2);
  CHECK(s.error().message.find("without an API key") != std::string::npos);
  CHECK(resolve_api_settings(*cfg, std::string("127.0.0.1:0"), env).ok());
  auto checks = check_api_settings(*cfg, env);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].level == ApiCheck::Level::Fail);

  cfg = parse_config("[api]\nlisten = \"0.0.0.0:8080\"\nkey = \"${K}\"\nrate_limit = 0\ncors_origins = [\"*\"]\n", "m.toml", env);
  REQUIRE(cfg.ok());
  s = resolve_api_settings(*cfg, std::nullopt, env);
  REQUIRE(s.ok());
  CHECK(s->key == "0123456789abcdef0123");
  CHECK(s->listen_origin == "m.toml:1: [api] listen");
  checks = check_api_settings(*cfg, env);
  std::map<std::string, ApiCheck::Level> by;
  for (const auto& c : checks) by[c.name] = c.level;
  CHECK(by["api.key"] == ApiCheck::Level::Ok);
  CHECK(by["api.tls"] == ApiCheck::Level::Warn);
  CHECK(by["api.rate_limit"] == ApiCheck::Level::Warn);
  CHECK(by["api.cors"] == ApiCheck::Level::Warn);
  for (const auto& c : checks) CHECK(c.detail.find("0123456789abcdef0123") == std::string::npos);

  cfg = parse_config("[api]\nkey = \"short\"\n", "m.toml", env);
  checks = check_api_settings(*cfg, env);
  CHECK(checks[1].name == "api.key");
  CHECK(checks[1].level == ApiCheck::Level::Warn);
  CHECK(check_api_settings(*parse_config("", "m.toml", env), env).empty());

  auto unset = parse_config("[api]\nkey = \"${NOPE}\"\n", "m.toml", env);
  REQUIRE(unset.ok());  // only serve needs the key: other commands do not fail for it
  auto no_key = resolve_api_settings(*unset, std::nullopt, env);
  REQUIRE_FALSE(no_key.ok());
  CHECK(no_key.error().message == "m.toml:1: [api] key: environment variable NOPE is not set");
  CHECK(no_key.error().exit_code == 3);

  auto bad = parse_config("[api]\ncors_origins = [\"https://a.example/path\"]\n", "m.toml", env);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("m.toml:2: api.cors_origins[0]") != std::string::npos);
  CHECK_FALSE(parse_config("[api]\nkey = \"a\"\nkey_file = \"f\"\n", "m.toml", env).ok());
  CHECK_FALSE(parse_config("[api]\nport = 1\n", "m.toml", env).ok());
}
