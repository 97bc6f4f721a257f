// `memconn doctor`: one line per check of the configured Hindsight target and the local
// files (ok, warn or fail, with a hint for each failure), so an operator can tell in one
// screen why a run would not work.
#pragma once
#include "config/settings.h"

namespace memconn {

struct DoctorOptions {};

int run_doctor(const GlobalOptions& g, const DoctorOptions& o);

}  // namespace memconn
