// memconn entry point: process-wide setup, then CLI11 dispatches to one command.
#include "cli/app.h"
#include "cli/console.h"
#include "cli/words.h"
#include "base/exit_codes.h"
#include "net/http_client.h"
#include "base/signals.h"

#include <algorithm>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  // Before any thread: libcurl's global state, and EPIPE instead of death on `| head`.
  memconn::http_global_init();
  memconn::ignore_sigpipe();
  CLI::App app{"memconn", "memconn"};
  memconn::CliContext ctx;
  memconn::build_cli(app, ctx);
  // `memconn help ingest`, `memconn version`: words people type, rewritten to the flags.
  std::vector<std::string> args = memconn::rewrite_help_words(std::vector<std::string>(argv, argv + argc));
  std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);  // CLI11 takes them last first
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    // Help and version are successes on stdout; real usage errors exit 2 with one line.
    if (e.get_exit_code() == 0) return app.exit(e);
    auto format = memconn::json_logs_requested(argc, argv) ? memconn::LogFormat::Json : memconn::LogFormat::Text;
    std::string message = std::string(e.what()) + " (try --help)";
    // A word where a command should be that names none: say which it is, and the likely one.
    if (auto at = memconn::first_word(args)) {
      std::vector<std::string> names;
      for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
      if (std::find(names.begin(), names.end(), args[*at]) == names.end()) {
        message = "unknown command \"" + args[*at] + "\"";
        if (auto near = memconn::closest_name(args[*at], names)) message += " (did you mean " + *near + "?)";
        message += "; memconn help lists the commands";
      }
    }
    if (std::string(e.what()) == "A subcommand is required" && !memconn::first_word(args))
      message = "a command is required, e.g. memconn ingest notes.txt --bank team; memconn help lists them";
    memconn::Console(false, false, format).error(message);
    return memconn::exit_code::kUsage;
  }
  return ctx.exit_code;
}
