// One question to a memory server, shared by recall/reflect against Hindsight and against a
// connector's target: send with retries (-v logs each attempt: path, status, latency,
// attempt; never the host or a header), then print the answer on stdout — the server's JSON
// unchanged with --json, else rendered for a person — or one error line on stderr.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "cli/console.h"
#include "net/http_client.h"
#include "base/result.h"
#include "targets/target.h"

namespace memconn {

// --timeout of recall/reflect, when given, replaces http.timeout. A usage error if invalid.
Status apply_timeout_flag(const std::optional<std::string>& flag, HttpOptions& http);

// target_label names the server in errors (credentials in it are removed). json_command: with
// --json, the command ("recall"), whose envelope is added to the server's answer; empty: the
// answer rendered as text. Returns the exit code.
int ask_and_print(HttpClient& client, const HttpRequest& req, int retries, const std::string& json_command, Console& console,
                  const std::string& target_label, const Renderer& render, bool check_json = false);

}  // namespace memconn
