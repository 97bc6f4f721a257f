// `memconn state show|reset`: where the state of this configuration lives, and forgetting the
// progress of every input at once (ingest --reset-state forgets only its own inputs').
#pragma once
#include "config/settings.h"

namespace memconn {

struct StateOptions {
  bool all = false;  // reset: required, so that forgetting everything is always asked for
  bool wait_lock = false;
};

int run_state_show(const GlobalOptions& g, const StateOptions& o);
int run_state_reset(const GlobalOptions& g, const StateOptions& o);

}  // namespace memconn
