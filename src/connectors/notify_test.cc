#include "connectors/notify.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("alerts: sent when a run turns bad, changes how it is bad, or recovers - never twice for the same") {
  CHECK(alert_event("", "ok") == std::nullopt);
  CHECK(alert_event("ok", "ok") == std::nullopt);
  CHECK(alert_event("ok", "partial") == "partial");
  CHECK(alert_event("", "unreachable") == "unreachable");
  CHECK(alert_event("unreachable", "unreachable") == std::nullopt);  // still down: said once
  CHECK(alert_event("unreachable", "auth") == "auth");
  CHECK(alert_event("failed", "ok") == "recovered");
  CHECK(alert_event("failed", "interrupted") == std::nullopt);
  CHECK(alert_event("interrupted", "ok") == std::nullopt);
  ConnectorRunReport r;
  r.connector = "p2r";
  r.result = "auth";
  r.error = "source pendant: HTTP 401: Invalid API key (check the source's api_key)";
  auto body = alert_body("auth", "ok", r);
  CHECK(body.find(R"("event":"auth","connector":"p2r","result":"auth","previous_result":"ok")") != std::string::npos);
}
