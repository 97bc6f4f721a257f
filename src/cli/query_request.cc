#include "cli/query_request.h"

#include <simdjson.h>

#include <iostream>

#include "cli/console.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "net/request.h"

namespace memconn {

Status apply_timeout_flag(const std::optional<std::string>& flag, HttpOptions& http) {
  if (!flag) return ok_status();
  auto d = parse_duration(*flag);
  if (!d) return Error{"--timeout: " + d.error().message, exit_code::kUsage};
  if (d->count() <= 0) return Error{"--timeout must be greater than 0", exit_code::kUsage};
  http.timeout = *d;
  return ok_status();
}

int ask_and_print(HttpClient& client, const HttpRequest& req, int retries, bool json, Console& console,
                  const std::string& target_label, const Renderer& render, bool check_json) {
  std::string path = url_path_for_log(req.url);
  auto resp = perform_with_retries(client, req, retries, {}, [&](const HttpResponse& r, int attempt) {
    console.debug(req.method + " " + path + " " + (r.transport_ok ? std::to_string(r.status) : "error") + " " +
                  std::to_string(static_cast<int>(r.seconds * 1000)) + "ms attempt=" + std::to_string(attempt));
  });
  if (int code = exit_code_for(resp); code != exit_code::kOk) {
    if (resp.timed_out_after_sending) {
      console.error(url_without_credentials(target_label) + ": no answer within --timeout (" +
                    std::to_string(static_cast<long>(resp.seconds + 0.5)) +
                    " s) after the question was sent, asked at most twice: the server may be slow, not down (an "
                    "LLM composes the answer); raise --timeout");
      return code;
    }
    console.error(url_without_credentials(target_label) + ": " +
                  (resp.transport_ok ? "HTTP " + std::to_string(resp.status) + ": " : "") + error_message(resp));
    return code;
  }
  if (json) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(resp.body).get(doc)) {
      // Not the API answering (a proxy page, a cut-off body): like ingest, an unreachable target.
      console.error(url_without_credentials(target_label) + ": the server's answer is not valid JSON");
      return exit_code::kUnreachable;
    }
    // check_json: the answer's own status decides the exit code in both modes.
    if (check_json)
      if (auto text = render(resp.body); !text) {
        console.error(text.error().message);
        return text.error().exit_code;
      }
    std::cout << resp.body << (resp.body.ends_with("\n") ? "" : "\n");
    return exit_code::kOk;
  }
  auto text = render(resp.body);
  if (!text) {
    console.error(text.error().message);
    return text.error().exit_code;
  }
  std::cout << *text;
  return exit_code::kOk;
}

}  // namespace memconn
