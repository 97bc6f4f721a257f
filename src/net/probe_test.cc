#include "net/probe.h"

#include <doctest/doctest.h>

#include <map>

using namespace memconn;

TEST_CASE("probe: URL host and port, credentials and paths ignored") {
  auto p = split_url("https://user:pw@[::1]:8443/x?y");
  REQUIRE(p);
  CHECK(p->scheme == "https");
  CHECK(p->host == "::1");
  CHECK(p->port == 8443);
  CHECK(split_url("http://example.org/api")->port == 80);
  CHECK(split_url("HTTPS://h")->port == 443);
  CHECK_FALSE(split_url("no-scheme"));
}

TEST_CASE("probe: the proxy libcurl would use, and NO_PROXY") {
  std::map<std::string, std::string> vars;
  auto env = [&](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  CHECK(proxy_for("https://h.example", env).variable.empty());
  vars["HTTP_PROXY"] = "http://p:3128";
  CHECK(proxy_for("http://h.example", env).variable.empty());  // libcurl ignores upper-case HTTP_PROXY
  vars["HTTPS_PROXY"] = "http://u:secret@p:3128";
  auto c = proxy_for("https://h.example", env);
  CHECK(c.variable == "HTTPS_PROXY");
  CHECK(c.proxy.find("secret") == std::string::npos);
  vars["NO_PROXY"] = "localhost,.example";
  CHECK(proxy_for("https://h.example", env).bypassed_by == "NO_PROXY");
  CHECK(proxy_for("https://other.org", env).bypassed_by.empty());
}
