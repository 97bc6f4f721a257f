// The API's half of the config: connectors.d/ beside the config file, which the config
// loader reads (config/config.h). NAME.toml is a connector the API created; NAME.paused marks
// connector NAME paused (its content is the time it was paused). Every write is atomic
// (temp file, fsync, rename), so a crash leaves the old file or the new, never half of one.
#pragma once
#include <optional>
#include <string>

#include "base/result.h"

namespace memconn {

class ConnectorStore {
 public:
  explicit ConnectorStore(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  std::string toml_path(const std::string& name) const { return dir_ + "/" + name + ".toml"; }
  std::string paused_path(const std::string& name) const { return dir_ + "/" + name + ".paused"; }

  // The current NAME.toml, or nullopt when there is none (to put back after a failed change).
  Result<std::optional<std::string>> read(const std::string& name) const;
  Status write(const std::string& name, const std::string& toml) const;
  // Removes NAME.toml and NAME.paused (absent files are no error).
  Status remove(const std::string& name) const;
  // since: the time to record ("" when resuming, which removes the marker).
  Status set_paused(const std::string& name, bool paused, const std::string& since) const;

 private:
  std::string dir_;
};

}  // namespace memconn
