// Where a command's files are, decided in one place for every command: the config (--config,
// MEMCONN_CONFIG, XDG), the state (--state, [state] path, XDG state), and what lives beside
// the state (its lock, journal, file offsets, document index and dead letters). A command
// opens it in stages - the config only (list, doctor, recall), plus the lock (ingest, dlq
// retry, sync), plus the state - and every path it prints comes from here.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "base/result.h"
#include "config/config.h"
#include "config/settings.h"
#include "state/lock_file.h"
#include "state/state.h"

namespace memconn {

struct CommandPaths {
  std::string config;         // the config in effect (the default one may not exist)
  std::string config_origin;  // "--config", "MEMCONN_CONFIG" or "default"
  bool config_exists = false;
  std::string state, lock, journal, files, documents, dead_letter;
};

// What a command adds to the global options.
struct PathChoice {
  std::string shard_tag;    // "shard-K-of-N" (--shard): each shard its own state, lock, dead letters
  std::string dead_letter;  // --dead-letter; empty: named after the state file
};

// Asked of the file system while resolving; tests answer without a disk.
using FileProbe = std::function<bool(const std::string&)>;

// path with ".TAG" inserted before its extension: state.json -> state.shard-0-of-2.json.
std::string tagged_path(const std::string& path, const std::string& tag);
// Named after its state file, so two state files in one folder never share dead letters.
std::string dead_letter_path_for(const std::string& state_path);

// The config file a command reads, and who named it. An explicitly named one that does not
// exist is an error (exit 3): ignoring a typo would move the state and re-send everything.
Result<std::pair<std::string, std::string>> choose_config(const GlobalOptions& g, const EnvLookup& env,
                                                          const FileProbe& exists);
// Every path, from the options, the environment and the config loaded from paths.config.
CommandPaths resolve_paths(const GlobalOptions& g, const Config& cfg, const EnvLookup& env, const PathChoice& choice,
                           const std::string& config_origin, bool config_exists);

class CommandSetup {
 public:
  // Stage 1: the config (an absent default one is an empty config) and every path. A state
  // still beside the default config moves to the XDG state folder once, with a note.
  static Result<CommandSetup> open(const GlobalOptions& g, const EnvLookup& env, const PathChoice& choice = {},
                                   bool resolve_secrets = true);
  // Stage 2: the run lock beside the state (held by another run: exit 75, unless wait).
  Status lock(bool wait);
  bool locked() const { return lock_.has_value(); }
  // Stage 3: the state file (absent: empty; corrupt: exit 3).
  Result<State> load_state() const { return memconn::load_state(paths_.state); }

  const Config& config() const { return cfg_; }
  Config& config() { return cfg_; }
  const CommandPaths& paths() const { return paths_; }
  const EnvLookup& env() const { return env_; }

 private:
  CommandSetup(Config cfg, CommandPaths paths, EnvLookup env)
      : cfg_(std::move(cfg)), paths_(std::move(paths)), env_(std::move(env)) {}
  Config cfg_;
  CommandPaths paths_;
  EnvLookup env_;
  std::optional<FileLock> lock_;
};

}  // namespace memconn
