// The findings of `memconn doctor`: named checks (ok, warn, fail) with a hint each, and the
// network steps every server check begins with (URL, DNS, proxy, CA file, connect, TLS,
// clock). Targets and sources add their own checks through it; the command renders them.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/http_message.h"
#include "net/probe.h"

namespace memconn {

enum class CheckLevel { Ok, Warn, Fail };
const char* check_level_name(CheckLevel l);

struct Check {
  std::string name;
  CheckLevel level = CheckLevel::Ok;
  std::string detail, hint;
};

// Where each hint points: the settings of the thing being checked.
struct CheckHints {
  std::string url = "pass --url http(s)://HOST:PORT or set HINDSIGHT_API_URL";
  std::string ca = "--ca-file / HINDSIGHT_CA_FILE / [hindsight] ca_file";
  std::string key = "set the right key with --api-key-file, HINDSIGHT_API_KEY or [hindsight] api_key";
  std::string bank = "pass --bank, set HINDSIGHT_BANK_ID or [hindsight] bank";
  // The hints for a config table, e.g. "targets.lr": "fix url in [targets.lr]", ...
  static CheckHints for_section(const std::string& section);
};

class Checkup {
 public:
  using Env = std::function<std::optional<std::string>(const std::string&)>;
  explicit Checkup(Env env) : env_(std::move(env)) {}

  // name "" names the side being checked itself (inside a connector: "target").
  void add(const std::string& name, CheckLevel level, std::string detail, std::string hint = "");
  // Inside a connector checks are named "source.connect", "target.credentials": the prefix
  // and the hints of the side being checked; "" and the defaults outside.
  void enter(std::string prefix, CheckHints hints);
  void leave();
  bool inside() const { return !prefix_.empty(); }
  const CheckHints& hints() const { return hints_; }

  // URL, DNS, proxy and a readable CA file: the parts of the URL when all passed.
  std::optional<UrlParts> reach(const std::string& url, const std::string& ca_file, const std::string& ca_origin);
  // A request that got no HTTP answer: a TLS or a connect failure, with a hint.
  void transport_failure(const UrlParts& parts, const HttpResponse& resp, const std::string& url);
  // The first answer: connect (and TLS) went well.
  void connected(const UrlParts& parts, const HttpResponse& resp, const std::string& url, const std::string& ca_file,
                 const std::string& ca_origin);
  // The server's Date header against the local clock.
  void clock(const HttpResponse& resp);

  const std::vector<Check>& checks() const { return checks_; }
  bool failed() const;

 private:
  Env env_;
  std::vector<Check> checks_;
  std::string prefix_;  // "source." / "target." while checking a connector
  CheckHints hints_;
};

}  // namespace memconn
