#include "cli/query_request.h"

#include <simdjson.h>

#include <cctype>
#include <iostream>

#include "cli/console.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "base/json_writer.h"
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

namespace {

// The server's answer with the --json envelope: its keys first in the answer's own object, so
// every path into the answer stays as it was; an answer that is no object, or that has a key
// of the envelope's, goes under "answer".
std::string with_envelope(const std::string& command, const simdjson::dom::element& doc, std::string_view body) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().envelope(command, "ok", exit_code::kOk);
  simdjson::dom::object obj;
  bool own = !doc.get(obj);
  if (own)
    for (auto field : obj)
      if (field.key == "command" || field.key == "result" || field.key == "exit_code") own = false;
  if (!own) return s + ",\"answer\":" + std::string(body) + "}";
  size_t open = body.find('{');
  std::string_view rest = body.substr(open + 1);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
  return s + (rest.front() == '}' ? "" : ",") + std::string(rest);
}

}  // namespace

int ask_and_print(HttpClient& client, const HttpRequest& req, int retries, const std::string& json_command, Console& console,
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
  if (!json_command.empty()) {
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
    std::string body = resp.body;
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
    std::cout << with_envelope(json_command, doc, body) << "\n";
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
