// `memconn doctor [--connector NAME]`: one line per check of the configured Hindsight target
// (or of a connector's source and target) and the local files (ok, warn or fail, with a hint for each failure), so an operator can tell in one
// screen why a run would not work.
#pragma once
#include <string>

#include "config/settings.h"

namespace memconn {

struct DoctorOptions {
  std::string connector;  // check this connector's source and target instead of the Hindsight settings
};

int run_doctor(const GlobalOptions& g, const DoctorOptions& o);

}  // namespace memconn
