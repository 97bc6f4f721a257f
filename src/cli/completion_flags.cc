// `memconn completion bash|zsh|fish`: prints a completion script generated from the very
// command tree that parses the command line. Hidden (CLI11 group ""): it is plumbing that
// packages and the docs point to, not something to discover in --help.
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "cli/completion.h"
#include "config/command_setup.h"
#include "base/exit_codes.h"

namespace memconn {

namespace {

struct CompletionOptions {
  std::string shell;
  bool connectors = false;
};

// The connector names of the config in effect, one per line. Runs on every TAB, so it is
// silent and successful whatever is wrong: a broken config must not spray errors into the
// user's prompt (the next real command reports it properly).
int print_connectors(const GlobalOptions& g) {
  auto setup = CommandSetup::open(g, process_env());
  if (!setup) return exit_code::kOk;
  for (const auto& [name, connector] : setup->config().connectors) std::cout << name << '\n';
  return exit_code::kOk;
}

}  // namespace

void register_completion(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<CompletionOptions>();
  auto* sub = app.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish) on stdout");
  sub->group("");
  sub->add_option("shell", o->shell, "bash, zsh or fish")->check(CLI::IsMember({"bash", "zsh", "fish"}));
  sub->add_flag("--connectors", o->connectors,
                "Print the connector names of the config, one per line (used by the scripts; silent on errors)");
  sub->footer(
      "Examples:\n"
      "  source <(memconn completion bash)\n"
      "  memconn completion zsh > \"${fpath[1]}/_memconn\"\n"
      "  memconn completion fish > ~/.config/fish/completions/memconn.fish\n");
  const CLI::App& root = app;
  sub->callback([o, &root, &ctx] {
    if (o->connectors) {
      ctx.exit_code = print_connectors(ctx.global);
      return;
    }
    if (o->shell.empty()) throw CLI::ValidationError("completion", "name a shell: bash, zsh or fish");
    std::cout << completion_script(root, o->shell);
    ctx.exit_code = exit_code::kOk;
  });
}

}  // namespace memconn
