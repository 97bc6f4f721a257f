#include "targets/hindsight/api.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("bank URLs escape the bank id") {
  CHECK(bank_url({"http://h:8888/", "team a"}, "/memories") == "http://h:8888/v1/default/banks/team%20a/memories");
}

TEST_CASE("retain bodies concatenate pre-encoded items and add operation ids only when async") {
  Item a, b;
  a.json = R"({"content":"x","document_id":"1"})";
  b.json = R"({"content":"y","document_id":"2"})";
  std::vector<const Item*> items{&a, &b};
  CHECK(retain_body(items, false, "ignored") ==
        R"({"items":[{"content":"x","document_id":"1"},{"content":"y","document_id":"2"}],"async":false})");
  CHECK(retain_body(items, true, "op") ==
        R"({"items":[{"content":"x","document_id":"1"},{"content":"y","document_id":"2"}],"async":true,"operation_id":"op"})");
}

TEST_CASE("server error bodies become one readable line") {
  HttpResponse r;
  r.transport_ok = true;
  r.status = 422;
  r.body = R"({"detail":[{"loc":["body","items",0,"content"],"msg":"content cannot be empty","type":"value_error"}]})";
  CHECK(error_message(r) == "body.items.0.content: content cannot be empty");
  r.body = R"({"detail":"Invalid API key"})";
  CHECK(error_message(r) == "Invalid API key");
  r.body = "<html><body>Bad gateway</body></html>";
  r.content_type = "text/html";
  r.status = 502;
  CHECK(error_message(r) == "HTTP 502 with an HTML page instead of JSON");
  HttpResponse t;
  t.error = "Connection refused";
  CHECK(error_message(t) == "Connection refused");
}

TEST_CASE("operation status parsing reads progress") {
  OperationStatus s;
  REQUIRE(parse_operation_status(R"({"operation_id":"x","status":"processing","progress":{"stage":"s","processed":3,"total":9}})", s));
  CHECK(s.status == "processing");
  CHECK(s.processed == 3);
  CHECK(s.total == 9);
  CHECK(is_terminal("not_found"));
  CHECK_FALSE(is_terminal("pending"));
  CHECK_FALSE(parse_operation_status("<html>", s));
}
