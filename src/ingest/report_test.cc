#include "ingest/report.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("the summary of the run that created the state file says where it is, later ones do not") {
  IngestReport r;
  r.result = "ok";
  r.state_file = "/h/.local/state/memconn/state.json";
  r.new_state = true;
  CHECK(ingest_summary(r).find("; progress kept in /h/.local/state/memconn/state.json (memconn state show lists every "
                               "path)") != std::string::npos);
  r.new_state = false;
  CHECK(ingest_summary(r).find("progress kept in") == std::string::npos);
}
