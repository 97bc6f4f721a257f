#include <doctest/doctest.h>

#include <vector>

#include "cli/app.h"

using namespace memconn;

namespace {
bool wants_json(std::vector<const char*> args) {
  args.insert(args.begin(), "memconn");
  return json_logs_requested(static_cast<int>(args.size()), args.data());
}
}  // namespace

TEST_CASE("json_logs_requested reads --log-format from raw argv, last one wins") {
  CHECK(wants_json({"--log-format", "json", "recall", "--bad"}));
  CHECK(wants_json({"recall", "--log-format=json"}));
  CHECK_FALSE(wants_json({"recall", "q"}));
  CHECK_FALSE(wants_json({"--log-format", "text"}));
  CHECK_FALSE(wants_json({"--log-format=json", "--log-format", "text"}));
  CHECK_FALSE(wants_json({"--log-format"}));                        // no value: not json
  CHECK_FALSE(wants_json({"ingest", "--", "--log-format=json"}));   // an operand after --
}
