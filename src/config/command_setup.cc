#include "config/command_setup.h"

#include <filesystem>
#include <iostream>

#include "base/exit_codes.h"
#include "state/atomic_file.h"
#include "state/doc_index.h"
#include "state/file_store.h"

namespace memconn {

namespace {

// $XDG_STATE_HOME/memconn, else ~/.local/state/memconn; nullopt without either.
std::optional<std::string> xdg_state_dir(const EnvLookup& env) {
  if (auto x = env("XDG_STATE_HOME"); x && !x->empty() && x->front() == '/') return *x + "/memconn";
  if (auto h = env("HOME"); h && !h->empty()) return *h + "/.local/state/memconn";
  return std::nullopt;
}

// Once: a default state still beside the default config (before XDG state) moves to the XDG
// state folder, with its file offsets, document index, journal and dead letters. Returns the
// one-line note to show, or nullopt when there was nothing to move.
std::optional<std::string> migrate_default_state(const GlobalOptions& g, const Config& cfg, const EnvLookup& env) {
  if (g.state_path || cfg.state.path) return std::nullopt;
  auto dir = xdg_state_dir(env);
  if (!dir) return std::nullopt;
  namespace fs = std::filesystem;
  fs::path old_dir = cfg.dir(), new_dir = *dir;
  std::error_code ec;
  if (!fs::exists(old_dir / "state.json", ec) || fs::exists(new_dir / "state.json", ec)) return std::nullopt;
  if (fs::equivalent(old_dir, new_dir, ec)) return std::nullopt;
  fs::create_directories(new_dir, ec);
  if (ec) return "note: cannot create " + new_dir.string() + " (" + ec.message() + "); the state stays in " + old_dir.string();
  fs::permissions(new_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  // The state file last: a run that finds it moved finds everything that goes with it.
  for (const char* name : {"state.json.files", "state.json.docs", "state.json.journal", "state.json.journal.old",
                           "dead-letter.jsonl", "state.json"}) {
    if (!fs::exists(old_dir / name, ec)) continue;
    fs::rename(old_dir / name, new_dir / name, ec);
    if (ec)
      return "note: cannot move the state from " + old_dir.string() + " to " + new_dir.string() + " (" + ec.message() +
             "); move it by hand, or keep it with [state] path";
  }
  fs::remove(old_dir / "state.json.lock", ec);
  return "note: the state moved from " + old_dir.string() + " to " + new_dir.string() +
         " (where XDG keeps state; memconn state show lists every path). This note is shown once.";
}

}  // namespace

std::string tagged_path(const std::string& path, const std::string& tag) {
  std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "." + tag + p.extension().string())).string();
}

std::string dead_letter_path_for(const std::string& state_path) {
  // state.json -> dead-letter.jsonl (as always), state.shard-0-of-2.json ->
  // dead-letter.shard-0-of-2.jsonl, team.json -> team.dead-letter.jsonl.
  auto p = std::filesystem::path(state_path);
  std::string stem = p.stem().string();
  std::string name = stem.rfind("state", 0) == 0 ? "dead-letter" + stem.substr(5) + ".jsonl" : stem + ".dead-letter.jsonl";
  return (p.parent_path() / name).string();
}

Result<std::pair<std::string, std::string>> choose_config(const GlobalOptions& g, const EnvLookup& env,
                                                          const FileProbe& exists) {
  // --config is read as given: a missing file is load_config's error, naming it.
  if (g.config_path) return std::pair<std::string, std::string>(*g.config_path, "--config");
  if (auto named = env("MEMCONN_CONFIG"); named && !named->empty()) {
    if (exists(*named)) return std::pair<std::string, std::string>(*named, "MEMCONN_CONFIG");
    auto without = [&](const std::string& k) -> std::optional<std::string> {
      if (k == "MEMCONN_CONFIG") return std::nullopt;
      return env(k);
    };
    return Error{"MEMCONN_CONFIG names " + *named + ", which does not exist (unset it to use the default " +
                     default_config_path(without) + ")",
                 exit_code::kConfig};
  }
  return std::pair<std::string, std::string>(default_config_path(env), "default");
}

CommandPaths resolve_paths(const GlobalOptions& g, const Config& cfg, const EnvLookup& env, const PathChoice& choice,
                           const std::string& config_origin, bool config_exists) {
  CommandPaths p;
  p.config = cfg.path;
  p.config_origin = config_origin;
  p.config_exists = config_exists;
  if (g.state_path) p.state = *g.state_path;
  else if (cfg.state.path) p.state = *cfg.state.path;
  // A named config (--config, MEMCONN_CONFIG) is a deployment of its own: its state lives
  // beside it. The default one's state lives where XDG puts state.
  else if (auto dir = xdg_state_dir(env); dir && config_origin == "default") p.state = *dir + "/state.json";
  else p.state = (std::filesystem::path(cfg.dir()) / "state.json").string();
  // Shards run side by side, so each needs its own state, lock and dead letters; an explicit
  // --state is taken as is, and then its dead letters take the shard in their name.
  const bool shard = !choice.shard_tag.empty();
  if (shard && !g.state_path) p.state = tagged_path(p.state, choice.shard_tag);
  p.dead_letter = choice.dead_letter.empty() ? dead_letter_path_for(p.state) : choice.dead_letter;
  if (shard && choice.dead_letter.empty() && g.state_path) p.dead_letter = tagged_path(p.dead_letter, choice.shard_tag);
  p.lock = p.state + ".lock";
  p.journal = p.state + ".journal";
  p.files = FileStore::dir_for(p.state);
  p.documents = DocIndex::dir_for(p.state);
  return p;
}

Result<CommandSetup> CommandSetup::open(const GlobalOptions& g, const EnvLookup& env, const PathChoice& choice,
                                        bool resolve_secrets) {
  auto chosen = choose_config(g, env, [](const std::string& path) { return file_exists(path); });
  if (!chosen) return chosen.error();
  const auto& [path, origin] = *chosen;
  Config cfg;
  bool exists = origin != "default" || file_exists(path);
  if (exists) {
    auto loaded = load_config(path, env, resolve_secrets);
    if (!loaded) return loaded.error();
    cfg = std::move(*loaded);
  } else {
    cfg.path = path;  // a state file from before XDG state lives beside where the config would be
  }
  if (origin == "default")
    if (auto note = migrate_default_state(g, cfg, env)) std::cerr << "memconn: " << *note << std::endl;
  auto paths = resolve_paths(g, cfg, env, choice, origin, exists);
  return CommandSetup(std::move(cfg), std::move(paths), env);
}

Status CommandSetup::lock(bool wait) {
  if (lock_) return ok_status();
  auto l = FileLock::acquire(paths_.lock, wait);
  if (!l) return l.error();
  lock_.emplace(std::move(*l));
  return ok_status();
}

}  // namespace memconn
