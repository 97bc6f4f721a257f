// memconn entry point: process-wide setup, then CLI11 dispatches to one command.
#include "cli/app.h"
#include "cli/console.h"
#include "base/exit_codes.h"
#include "net/http_client.h"
#include "base/signals.h"

int main(int argc, char** argv) {
  // Before any thread: libcurl's global state, and EPIPE instead of death on `| head`.
  memconn::http_global_init();
  memconn::ignore_sigpipe();
  CLI::App app{"memconn", "memconn"};
  memconn::CliContext ctx;
  memconn::build_cli(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version are successes on stdout; real usage errors exit 2 with one line.
    if (e.get_exit_code() == 0) return app.exit(e);
    auto format = memconn::json_logs_requested(argc, argv) ? memconn::LogFormat::Json : memconn::LogFormat::Text;
    memconn::Console(false, false, format).error(std::string(e.what()) + " (try --help)");
    return memconn::exit_code::kUsage;
  }
  return ctx.exit_code;
}
