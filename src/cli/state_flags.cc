#include <memory>

#include "cli/app.h"
#include "cli/state_cmd.h"

namespace memconn {

void register_state(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<StateOptions>();
  auto* state = app.add_subcommand("state", "Where this configuration's state lives, and forgetting all of its progress");
  state->require_subcommand(1);
  state->footer("Examples:\n  memconn state show\n  memconn state reset --all\n");
  auto* show = state->add_subcommand("show", "Print the config, state, dead-letter, lock and index paths (--json too)");
  show->footer("Examples:\n  memconn state show\n  memconn --state /var/lib/memconn/s.json state show --json\n");
  show->callback([o, &ctx] { ctx.exit_code = run_state_show(ctx.global, *o); });
  auto* reset = state->add_subcommand("reset", "Forget the progress of every input file (needs --all)");
  reset->add_flag("--all", o->all, "Every file, document and conversation the state knows");
  reset->add_flag("--wait-lock", o->wait_lock, "Wait for another run on the same state instead of exiting 75");
  reset->footer(
      "ingest FILE --reset-state forgets only FILE's progress. Connectors keep their cursors\n"
      "(memconn trigger NAME --full re-reads one).\n\n"
      "Examples:\n  memconn state reset --all\n");
  reset->callback([o, &ctx] { ctx.exit_code = run_state_reset(ctx.global, *o); });
}

}  // namespace memconn
