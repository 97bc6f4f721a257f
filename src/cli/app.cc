#include "cli/app.h"

#include <iostream>

#include "cli/help_format.h"
#include "cli/version_info.h"

namespace memconn {

std::string exit_codes_help() {
  return "Exit codes:\n"
         "  0    everything done\n"
         "  1    finished, but some items are in the dead-letter file (or inputs were skipped)\n"
         "  2    usage error\n"
         "  3    bad config or state file\n"
         "  4    the server refused the credentials (401/403)\n"
         "  5    the URL answers, but not as the API (redirect, 404, 405, the same error for every item,\n"
         "       a reply longer than --max-response-bytes)\n"
         "  69   target unreachable after retries, or outage longer than --max-outage\n"
         "  73   the state folder or a state file cannot be created or written (the message says why)\n"
         "  75   another memconn run holds the state lock\n"
         "  130  interrupted (SIGINT); 143 terminated (SIGTERM)\n";
}

bool json_logs_requested(int argc, const char* const* argv) {
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--log-format=json") json = true;
    else if (a.starts_with("--log-format=")) json = false;
    else if (a == "--log-format" && i + 1 < argc) json = std::string_view(argv[++i]) == "json";
  }
  return json;
}

void add_tuning_options(CLI::App& sub, TuningFlags& t) {
  sub.add_option("-w,--workers", t.workers,
                 "Parallel senders, each with its own keep-alive connection, or auto (the default): grow while "
                 "the server keeps up, back off on 429/503/504 or climbing latency")
      ->type_name("N|auto");
  sub.add_option("--max-workers", t.max_workers, "With --workers auto (the default): the most requests in flight (default 32)");
  sub.add_option("-b,--batch-size", t.batch_size, "Items per request (default 10)");
  sub.add_option("--max-batch-bytes", t.max_batch_bytes, "Request body limit in bytes (default 1048576)");
  sub.add_option("--retries", t.retries, "Retries per request for retryable failures (default 5)");
  sub.add_option("--timeout", t.timeout, "Per-request timeout, e.g. 30s (default 300s: a sync retain waits for LLM extraction)");
  sub.add_option("--rate", t.rate, "Requests per second across all workers (default 0 = unlimited)");
  sub.add_option("--breaker-failures", t.breaker_failures,
                 "Consecutive outage failures that pause all workers (default 10)");
  sub.add_option("--same-failure-limit", t.same_failure_limit,
                 "Stop (exit 5, nothing dead-lettered) after this many items in a row fail the same way (default 10, 0 = off)");
  sub.add_option("--max-outage", t.max_outage, "Give up (exit 69, state saved) after an outage this long (default 5m)");
  sub.add_option("--drain-timeout", t.drain_timeout, "On Ctrl-C, wait this long for in-flight requests (default 10s)");
  add_response_cap_option(sub, t.max_response_bytes);
}

void add_line_limit_option(CLI::App& sub, std::optional<int64_t>& max_line_bytes) {
  sub.add_option("--max-line-bytes", max_line_bytes,
                 "A longer input line goes to the dead-letter file unread (default 8388608 = 8 MiB)")
      ->type_name("BYTES")
      ->check(CLI::Range(int64_t{1}, INT64_MAX));
}

void add_response_cap_option(CLI::App& sub, std::optional<int64_t>& max_response_bytes) {
  sub.add_option("--max-response-bytes", max_response_bytes,
                 "A server reply longer than this is an error (exit 5), never read into memory (default 67108864 = 64 MiB)")
      ->type_name("BYTES")
      ->check(CLI::Range(int64_t{1024}, INT64_MAX));
}

void build_cli(CLI::App& app, CliContext& ctx) {
  auto& g = ctx.global;
  // Before any subcommand is added: they inherit it.
  app.formatter(std::make_shared<WrappingFormatter>(help_width()));
  app.description("memconn: move large amounts of text into agent-memory servers (Hindsight, LightRAG) and ask them questions.");
  app.footer("Environment: HINDSIGHT_API_URL, HINDSIGHT_API_KEY, HINDSIGHT_BANK_ID, HINDSIGHT_CA_FILE, MEMCONN_CONFIG, XDG_CONFIG_HOME, NO_COLOR, TERM.\n" +
             exit_codes_help());
  app.require_subcommand(1);
  app.fallthrough();
  // Not CLI11's version flag: a bug report needs the commit and the system libraries too.
  app.add_flag_callback(
      "-V,--version", [] { std::cout << version_text() << std::flush; throw CLI::Success(); },
      "Print the version, git commit and library versions, then exit");
  app.add_option("-c,--config", g.config_path, "Config file (default $MEMCONN_CONFIG or $XDG_CONFIG_HOME/memconn/config.toml)")
      ->type_name("FILE");
  app.add_option("--url", g.url, "Hindsight API URL (env HINDSIGHT_API_URL; default http://localhost:8888)");
  app.add_option("--api-key-file", g.api_key_file, "File holding the API key (or env HINDSIGHT_API_KEY); keys are never printed")
      ->type_name("FILE");
  app.add_option("--ca-file", g.ca_file, "PEM CA bundle to verify the Hindsight server (env HINDSIGHT_CA_FILE, or [hindsight] ca_file)")
      ->type_name("FILE");
  app.add_option("--bank", g.bank, "Hindsight bank id (env HINDSIGHT_BANK_ID, or [hindsight] bank)");
  app.add_option("--state", g.state_path,
                 "State file (default $XDG_STATE_HOME/memconn/state.json, or beside a named --config; memconn state show)")
      ->type_name("FILE");
  app.add_flag("-v,--verbose", g.verbose, "Log one line per HTTP request to stderr (secrets redacted)");
  app.add_flag("-q,--quiet", g.quiet, "Print nothing but errors");
  app.add_flag("--json", g.json, "Print one JSON document on stdout");
  app.add_option("--log-format", g.log_format, "stderr messages as text or json lines")->check(CLI::IsMember({"text", "json"}));
  register_ingest(app, ctx);
  register_query(app, ctx);
  register_dlq(app, ctx);
  register_connectors(app, ctx);
  register_verify(app, ctx);
  register_doctor(app, ctx);
  register_serve(app, ctx);
  register_state(app, ctx);
  register_completion(app, ctx);
  // CLI11 shows a subcommand's own options only; the global ones that every example uses go
  // before or after the command, so each command's help names them.
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    std::string footer = sub->get_footer();
    sub->footer((footer.empty() ? "" : footer + "\n") +
                "Global options (before or after the command): --url URL, --bank ID, -c/--config FILE, --state FILE,\n"
                "  --api-key-file FILE, --ca-file FILE, --json, -q/--quiet, -v/--verbose, --log-format text|json\n"
                "  (memconn --help describes them).");
  }
}

}  // namespace memconn
