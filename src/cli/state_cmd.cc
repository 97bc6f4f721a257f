#include "cli/state_cmd.h"

#include <filesystem>
#include <iostream>

#include "base/exit_codes.h"
#include "base/json_writer.h"
#include "cli/console.h"
#include "config/command_setup.h"
#include "state/reset.h"

namespace memconn {

int run_state_show(const GlobalOptions& g, const StateOptions&) {
  Console console = make_console(g);
  auto setup = CommandSetup::open(g, process_env());
  if (!setup) {
    console.error(setup.error().message);
    return setup.error().exit_code;
  }
  const CommandPaths* p = &setup->paths();
  std::error_code ec;
  auto exists = [&](const std::string& path) { return std::filesystem::exists(path, ec); };
  if (g.json) {
    std::string s;
    JsonWriter w(s);
    w.begin_object().envelope("state show", "ok", exit_code::kOk);
    w.key("config").value(p->config).key("config_exists").value(exists(p->config));
    w.key("state").value(p->state).key("state_exists").value(exists(p->state));
    w.key("dead_letter").value(p->dead_letter).key("lock").value(p->lock).key("files").value(p->files);
    w.key("documents").value(p->documents).key("journal").value(p->journal).end_object();
    std::cout << s << '\n';
    return exit_code::kOk;
  }
  auto line = [&](const char* what, const std::string& path) {
    std::cout << what << path << (exists(path) ? "" : "  (not yet)") << '\n';
  };
  line("config       ", p->config);
  line("state        ", p->state);
  line("dead letters ", p->dead_letter);
  line("file offsets ", p->files);
  line("documents    ", p->documents);
  line("lock         ", p->lock);
  return exit_code::kOk;
}

int run_state_reset(const GlobalOptions& g, const StateOptions& o) {
  Console console = make_console(g);
  if (!o.all) {
    console.error(
        "state reset forgets the progress of every input file: say --all (ingest FILE --reset-state forgets only "
        "FILE's)");
    return exit_code::kUsage;
  }
  auto setup = CommandSetup::open(g, process_env());
  if (!setup) {
    console.error(setup.error().message);
    return setup.error().exit_code;
  }
  if (auto st = setup->lock(o.wait_lock); !st) {
    console.error(st.error().message);
    return st.error().exit_code;
  }
  const CommandPaths* p = &setup->paths();
  auto n = reset_all_progress(p->state);
  if (!n) {
    console.error(n.error().message);
    return n.error().exit_code;
  }
  if (g.json) {
    std::string s;
    JsonWriter w(s);
    w.begin_object().envelope("state reset", "ok", exit_code::kOk);
    w.key("state").value(p->state).key("files_forgotten").value(static_cast<uint64_t>(n->files));
    w.key("conversations_forgotten").value(static_cast<uint64_t>(n->conversations)).end_object();
    std::cout << s << '\n';
  }
  console.info("forgot the progress of " + std::to_string(n->files) + " file" + (n->files == 1 ? "" : "s") +
               (n->conversations ? " and " + std::to_string(n->conversations) + " chat-export conversations" : "") +
               " in " + p->state + "; the next ingest sends them from the start (connectors keep their cursors)");
  return exit_code::kOk;
}

}  // namespace memconn
