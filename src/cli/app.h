// The command-line surface: CLI11 binds options into plain structs and calls run_*
// functions that know nothing of CLI11. build_cli() is shared by main(), the man-page and
// completion generators, and their tests.
#pragma once
#include <CLI/CLI.hpp>

#include "config/settings.h"

namespace memconn {

struct CliContext {
  GlobalOptions global;
  int exit_code = 0;
};

void build_cli(CLI::App& app, CliContext& ctx);

// One registration function per subcommand, each in its own cli_*.cc file.
void register_ingest(CLI::App& app, CliContext& ctx);
void register_query(CLI::App& app, CliContext& ctx);
void register_dlq(CLI::App& app, CliContext& ctx);
void register_connectors(CLI::App& app, CliContext& ctx);  // list, sync, trigger, status
void register_completion(CLI::App& app, CliContext& ctx);
void register_verify(CLI::App& app, CliContext& ctx);
void register_doctor(CLI::App& app, CliContext& ctx);  // hidden: `memconn completion bash`
void register_serve(CLI::App& app, CliContext& ctx);
void register_state(CLI::App& app, CliContext& ctx);  // show, reset --all

// Shared option groups.
void add_tuning_options(CLI::App& sub, TuningFlags& t);
// --max-line-bytes: commands that read input lines (ingest, verify).
void add_line_limit_option(CLI::App& sub, std::optional<int64_t>& max_line_bytes);
// --max-response-bytes alone, for commands without the pipeline's tunables (recall, reflect).
void add_response_cap_option(CLI::App& sub, std::optional<int64_t>& max_response_bytes);
std::string exit_codes_help();
// True when argv asks for --log-format json: errors found while parsing argv (before the
// option is stored anywhere) must honour it too.
bool json_logs_requested(int argc, const char* const* argv);

}  // namespace memconn
