// What `list`, `status` and the API's status endpoints show: each connector of the config
// with its state, its dead-letter count and whether a process is running it now. Read-only:
// no lock is taken (state writes are atomic renames), so it works while a run is going on.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "connectors/context.h"
#include "connectors/status.h"
#include "state/state.h"

namespace memconn {

struct ConnectorViews {
  State state;                      // the views point into it and into the context's config
  std::vector<ConnectorView> views;  // config order (sorted by name)
};

// only = "" for every connector, else that one (a usage error naming the configured ones if
// it is unknown). A corrupt state file is an error (exit 3).
Result<std::unique_ptr<ConnectorViews>> load_connector_views(const ConnectorContext& ctx, const std::string& only);

}  // namespace memconn
