#include "net/checkup.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "net/http_client.h"

namespace memconn {

const char* check_level_name(CheckLevel l) {
  return l == CheckLevel::Ok ? "ok" : l == CheckLevel::Warn ? "warn" : "fail";
}

CheckHints CheckHints::for_section(const std::string& section) {
  CheckHints h;
  h.url = "fix url in [" + section + "]";
  h.ca = "ca_file in [" + section + "]";
  h.key = "set the right api_key / api_key_file in [" + section + "]";
  h.bank = "fix bank in [" + section + "]";
  return h;
}

void Checkup::add(const std::string& name, CheckLevel level, std::string detail, std::string hint) {
  std::string full = name.empty() ? prefix_.substr(0, prefix_.empty() ? 0 : prefix_.size() - 1) : prefix_ + name;
  checks_.push_back(Check{std::move(full), level, std::move(detail), std::move(hint)});
}

void Checkup::enter(std::string prefix, CheckHints hints) {
  prefix_ = std::move(prefix);
  hints_ = std::move(hints);
}

void Checkup::leave() {
  prefix_.clear();
  hints_ = CheckHints{};
}

bool Checkup::failed() const {
  return std::any_of(checks_.begin(), checks_.end(), [](const Check& c) { return c.level == CheckLevel::Fail; });
}

std::optional<UrlParts> Checkup::reach(const std::string& url, const std::string& ca_file, const std::string& ca_origin) {
  auto parts = split_url(url);
  if (!parts) {
    add("url", CheckLevel::Fail, parts.error().message, hints_.url);
    return std::nullopt;
  }
  auto addrs = resolve_host(parts->host);
  if (!addrs) {
    add("dns", CheckLevel::Fail, addrs.error().message, "check the host name (" + hints_.url + "), or DNS");
    return std::nullopt;
  }
  std::string list;
  for (const auto& a : *addrs) list += (list.empty() ? "" : ", ") + a;
  add("dns", CheckLevel::Ok, parts->host + " -> " + list);
  auto proxy = proxy_for(url, env_);
  if (proxy.variable.empty()) add("proxy", CheckLevel::Ok, "none (direct connection)");
  else if (!proxy.bypassed_by.empty())
    add("proxy", CheckLevel::Ok, proxy.variable + " set, but " + proxy.bypassed_by + " excludes " + parts->host);
  else add("proxy", CheckLevel::Ok, "via " + proxy.proxy + " (" + proxy.variable + ")");
  if (!ca_file.empty() && ::access(ca_file.c_str(), R_OK) != 0) {
    add("tls", CheckLevel::Fail, "CA file " + ca_file + " (from " + ca_origin + ") cannot be read",
        "point " + hints_.ca + " at a readable PEM bundle");
    return std::nullopt;
  }
  return *parts;
}

void Checkup::transport_failure(const UrlParts& parts, const HttpResponse& resp, const std::string& url) {
  auto proxy = proxy_for(url, env_);
  bool tls = parts.scheme == "https" &&
             (resp.error.find("SSL") != std::string::npos || resp.error.find("certificate") != std::string::npos);
  // A plain-HTTP server is no CA problem: the error names the fix, the hint where the URL is set.
  add(tls ? "tls" : "connect", CheckLevel::Fail, resp.error,
      resp.plain_http ? hints_.url
      : tls           ? "a private CA? set " + hints_.ca
          : "is the server running and reachable at " + url_without_credentials(url) + "? (proxy: " +
                (proxy.variable.empty() ? std::string("none") : proxy.variable) + ")");
}

void Checkup::connected(const UrlParts& parts, const HttpResponse& resp, const std::string& url,
                        const std::string& ca_file, const std::string& ca_origin) {
  add("connect", CheckLevel::Ok, "HTTP " + std::to_string(resp.status) + " from " + url_without_credentials(url) +
                                     " in " + std::to_string(static_cast<int>(resp.seconds * 1000)) + " ms");
  if (parts.scheme == "https")
    add("tls", CheckLevel::Ok,
        "certificate verified with " +
            (ca_file.empty() ? std::string("the system CA store") : ca_file + " (from " + ca_origin + ")"));
}

void Checkup::clock(const HttpResponse& resp) {
  std::tm tm{};
  if (resp.date.empty() || !strptime(resp.date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
    add("clock", CheckLevel::Warn, "the server sent no Date header: skew unknown");
    return;
  }
  double skew = std::difftime(std::time(nullptr), timegm(&tm));
  std::string s = std::to_string(static_cast<long>(std::lround(skew))) + " s";
  if (std::fabs(skew) > 60)
    add("clock", CheckLevel::Warn, "local clock differs from the server's by " + s,
        "sync the clock (NTP): schedules and time windows use it");
  else add("clock", CheckLevel::Ok, "within " + s + " of the server");
}

}  // namespace memconn
