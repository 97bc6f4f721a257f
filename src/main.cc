// memconn entry point: process-wide setup, then CLI11 dispatches to one command.
#include "cli.h"
#include "exit_codes.h"
#include "http_client.h"
#include "signals.h"

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
    std::fprintf(stderr, "memconn: error: %s (try --help)\n", e.what());
    return memconn::exit_code::kUsage;
  }
  return ctx.exit_code;
}
