#include "config/config.h"

#include "config/connector_template.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <toml++/toml.h>

#include "state/atomic_file.h"
#include "base/duration.h"
#include "base/exit_codes.h"

namespace memconn {

namespace {

using std::chrono::milliseconds;

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }
int line_of(const toml::key& k) { return static_cast<int>(k.source().begin.line); }

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "nothing";
  }
}

bool valid_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

// RFC 7230 token: what an HTTP header name may contain.
bool valid_header_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool is_dotted_path(std::string_view s) {
  if (s.empty()) return true;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if ((dot == std::string_view::npos ? s.size() : dot) == start) return false;  // empty segment
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string join_path(const std::string& dir, const std::string& p) {
  if (p.empty() || p.front() == '/') return p;
  if (dir == ".") return p;
  return dir.back() == '/' ? dir + p : dir + "/" + p;
}

// Collects every problem with its line; the caller reports the earliest. toml++ iterates
// tables in key order, not file order, so "first found" would jump around the file.
class Reader {
 public:
  Reader(const EnvLookup& env, std::string dir, bool resolve_secrets)
      : env_(env), dir_(std::move(dir)), resolve_secrets_(resolve_secrets) {}

  struct Problem {
    int line;
    std::string message;
  };
  std::vector<Problem> problems;

  void error(int line, std::string message) { problems.push_back({line, std::move(message)}); }

  void unknown(const toml::key& k, std::string_view where) {
    error(line_of(k), "unknown key \"" + std::string(k.str()) + "\" in " + std::string(where));
  }

  void wrong_type(const toml::node& n, const std::string& what, std::string_view expected) {
    error(line_of(n), what + ": expected " + std::string(expected) + ", got " + type_name(n));
  }

  std::optional<std::string> str(const toml::node& n, const std::string& what) {
    const auto* s = n.as_string();
    if (!s) {
      wrong_type(n, what, "a string");
      return std::nullopt;
    }
    auto r = expand_env(s->get(), env_);
    if (!r.ok()) {
      error(line_of(n), r.error().message);
      return std::nullopt;
    }
    return *r;
  }

  std::optional<std::string> nonempty(const toml::node& n, const std::string& what) {
    auto s = str(n, what);
    if (s && s->empty()) {
      error(line_of(n), what + ": must not be empty");
      return std::nullopt;
    }
    return s;
  }

  // Empty after expansion means "no key": `api_key = "${KEY:-}"` makes a key optional.
  // Without resolve_secrets (list, status: commands that talk to no server) an unset
  // ${VAR} in a key is no error: the key is simply not known.
  std::optional<std::string> secret(const toml::node& n, const std::string& what) {
    if (!resolve_secrets_)
      if (const auto* raw = n.as_string(); raw && !expand_env(raw->get(), env_).ok()) return std::nullopt;
    auto s = str(n, what);
    if (s && s->empty()) return std::nullopt;
    return s;
  }

  std::optional<std::string> path(const toml::node& n, const std::string& what) {
    auto s = nonempty(n, what);
    if (!s) return s;
    if (s->rfind("~/", 0) == 0) {
      if (auto home = env_("HOME"); home && !home->empty()) return *home + s->substr(1);
    }
    return join_path(dir_, *s);
  }

  std::optional<std::string> url(const toml::node& n, const std::string& what) {
    auto s = str(n, what);
    if (!s) return s;
    std::string u = *s;
    std::string lower = u;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    size_t host = lower.rfind("http://", 0) == 0 ? 7 : lower.rfind("https://", 0) == 0 ? 8 : 0;
    bool ok = host != 0 && host < u.size() && u[host] != '/' &&
              std::none_of(u.begin(), u.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
    if (!ok) {
      error(line_of(n), what + ": not an http(s) URL: \"" + u + "\"");
      return std::nullopt;
    }
    // Callers append paths ("/documents/texts"); a trailing slash would double it.
    while (u.size() > host + 1 && u.back() == '/') u.pop_back();
    return u;
  }

  std::optional<int64_t> integer(const toml::node& n, const std::string& what, int64_t lo, int64_t hi) {
    const auto* i = n.as_integer();
    if (!i) {
      wrong_type(n, what, "an integer");
      return std::nullopt;
    }
    int64_t v = i->get();
    if (v < lo || v > hi) {
      std::string range = hi == INT64_MAX ? ">= " + std::to_string(lo) : std::to_string(lo) + ".." + std::to_string(hi);
      error(line_of(n), what + ": must be " + range + ", got " + std::to_string(v));
      return std::nullopt;
    }
    return v;
  }

  std::optional<int> small_int(const toml::node& n, const std::string& what, int lo, int hi) {
    auto v = integer(n, what, lo, hi);
    if (!v) return std::nullopt;
    return static_cast<int>(*v);
  }

  std::optional<double> number(const toml::node& n, const std::string& what, double lo) {
    double v;
    if (const auto* i = n.as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      v = f->get();
    } else {
      wrong_type(n, what, "a number");
      return std::nullopt;
    }
    if (!std::isfinite(v) || v < lo) {
      error(line_of(n), what + ": must be a finite number >= " + std::to_string(static_cast<int64_t>(lo)));
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const toml::node& n, const std::string& what) {
    const auto* b = n.as_boolean();
    if (!b) {
      wrong_type(n, what, "a boolean");
      return std::nullopt;
    }
    return b->get();
  }

  // "30s"-style string, or an integer number of seconds.
  std::optional<milliseconds> duration(const toml::node& n, const std::string& what, bool allow_zero) {
    milliseconds d;
    if (const auto* i = n.as_integer()) {
      if (i->get() < 0 || i->get() > INT64_MAX / 1000) {
        error(line_of(n), what + ": must be a non-negative number of seconds");
        return std::nullopt;
      }
      d = std::chrono::seconds(i->get());
    } else if (n.is_string()) {
      auto s = str(n, what);
      if (!s) return std::nullopt;
      auto r = parse_duration(*s);
      if (!r.ok()) {
        error(line_of(n), what + ": " + r.error().message);
        return std::nullopt;
      }
      d = *r;
    } else {
      wrong_type(n, what, "a duration like \"30s\"");
      return std::nullopt;
    }
    if (!allow_zero && d.count() == 0) {
      error(line_of(n), what + ": must be greater than 0");
      return std::nullopt;
    }
    return d;
  }

  std::optional<std::string> one_of(const toml::node& n, const std::string& what,
                                    std::initializer_list<std::string_view> choices) {
    auto s = str(n, what);
    if (!s) return s;
    if (std::find(choices.begin(), choices.end(), *s) != choices.end()) return s;
    std::string list;
    for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
    error(line_of(n), what + ": \"" + *s + "\" is not one of " + list);
    return std::nullopt;
  }

  std::optional<std::string> dotted(const toml::node& n, const std::string& what, bool allow_empty) {
    auto s = allow_empty ? str(n, what) : nonempty(n, what);
    if (s && !is_dotted_path(*s)) {
      error(line_of(n), what + ": empty segment in dotted path \"" + *s + "\"");
      return std::nullopt;
    }
    return s;
  }

  std::optional<std::vector<std::string>> strings(const toml::node& n, const std::string& what) {
    const auto* a = n.as_array();
    if (!a) {
      wrong_type(n, what, "an array of strings");
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::node& e = *a->get(i);
      std::string ew = what + "[" + std::to_string(i) + "]";
      auto s = nonempty(e, ew);
      if (!s) return std::nullopt;
      out.push_back(*s);
    }
    return out;
  }

  std::optional<std::map<std::string, std::string>> headers(const toml::node& n, const std::string& what) {
    const auto* t = n.as_table();
    if (!t) {
      wrong_type(n, what, "a table of strings");
      return std::nullopt;
    }
    std::map<std::string, std::string> out;
    for (auto&& [k, v] : *t) {
      std::string name(k.str());
      std::string hw = what + "." + name;
      if (!valid_header_name(name)) {
        error(line_of(k), hw + ": not a valid HTTP header name");
        continue;
      }
      auto s = str(v, hw);
      if (!s) continue;
      if (s->find_first_of("\r\n") != std::string::npos) {
        error(line_of(v), hw + ": header values must not contain line breaks");
        continue;
      }
      out[name] = *s;
    }
    return out;
  }

  // Section tables; a scalar where a table belongs is a type error, not an unknown key.
  const toml::table* table(const toml::node& n, const std::string& what) {
    const auto* t = n.as_table();
    if (!t) wrong_type(n, what, "a table");
    return t;
  }

 private:
  const EnvLookup& env_;
  std::string dir_;
  bool resolve_secrets_;
};

// Assigns when the reader produced a value; leaves the default (or nullopt) otherwise.
template <typename T, typename U>
void set(T& field, std::optional<U> v) {
  if (v) field = std::move(*v);
}

void not_both_keys(Reader& r, const toml::table& t, const std::string& where) {
  if (t.contains("api_key") && t.contains("api_key_file")) {
    r.error(line_of(*t.get("api_key_file")), where + ": set api_key or api_key_file, not both");
  }
}

void read_hindsight(Reader& r, const toml::table& t, HindsightSection& out) {
  out.line = line_of(t);
  for (auto&& [k, v] : t) {
    std::string key(k.str()), what = "hindsight." + key;
    if (key == "url") out.url = r.url(v, what);
    else if (key == "api_key") out.api_key = r.secret(v, what);
    else if (key == "api_key_file") out.api_key_file = r.path(v, what);
    else if (key == "bank") out.bank = r.nonempty(v, what);
    else if (key == "ca_file") out.ca_file = r.path(v, what);
    else r.unknown(k, "[hindsight]");
  }
  not_both_keys(r, t, "hindsight");
}

void read_defaults(Reader& r, const toml::table& t, Defaults& out) {
  out.line = line_of(t);
  for (auto&& [k, v] : t) {
    std::string key(k.str()), what = "defaults." + key;
    if (key == "workers") out.workers = r.small_int(v, what, 1, 256);
    else if (key == "batch_size") out.batch_size = r.small_int(v, what, 1, 1000);
    else if (key == "max_batch_bytes") out.max_batch_bytes = r.integer(v, what, 1024, INT64_MAX);
    else if (key == "timeout") out.timeout = r.duration(v, what, false);
    else if (key == "connect_timeout") out.connect_timeout = r.duration(v, what, false);
    else if (key == "retries") out.retries = r.small_int(v, what, 0, 100);
    else if (key == "rate") out.rate = r.number(v, what, 0);
    else if (key == "breaker_failures") out.breaker_failures = r.small_int(v, what, 0, 1'000'000);
    else if (key == "same_failure_limit") out.same_failure_limit = r.small_int(v, what, 0, 1'000'000);
    else if (key == "max_outage") out.max_outage = r.duration(v, what, true);
    else if (key == "drain_timeout") out.drain_timeout = r.duration(v, what, true);
    else if (key == "max_response_bytes") out.max_response_bytes = r.integer(v, what, 1024, INT64_MAX);
    else if (key == "max_line_bytes") out.max_line_bytes = r.integer(v, what, 1, INT64_MAX);
    else r.unknown(k, "[defaults]");
  }
}

void read_state(Reader& r, const toml::table& t, StateSection& out) {
  out.line = line_of(t);
  for (auto&& [k, v] : t) {
    std::string key(k.str());
    if (key == "path") out.path = r.path(v, "state.path");
    else r.unknown(k, "[state]");
  }
}

// An origin as browsers send it: scheme://host[:port], nothing after. "*" allows any.
bool valid_origin(std::string_view o) {
  if (o == "*") return true;
  size_t host = o.rfind("http://", 0) == 0 ? 7 : o.rfind("https://", 0) == 0 ? 8 : 0;
  if (host == 0 || host >= o.size()) return false;
  return std::all_of(o.begin() + static_cast<std::ptrdiff_t>(host), o.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == ':' || c == '[' || c == ']';
  });
}

void read_api(Reader& r, const toml::table& t, ApiSection& out) {
  out.line = line_of(t);
  for (auto&& [k, v] : t) {
    std::string key(k.str()), what = "api." + key;
    if (key == "listen") out.listen = r.nonempty(v, what);
    else if (key == "key") {
      // Kept unexpanded: only serve needs it (resolve_api_settings expands it), so a
      // `sync` from cron does not fail for want of the API's variable.
      if (const auto* s = v.as_string()) out.key = s->get();
      else r.wrong_type(v, what, "a string");
    } else if (key == "key_file") out.key_file = r.path(v, what);
    else if (key == "rate_limit") out.rate_limit = r.number(v, what, 0);
    else if (key == "rate_burst") out.rate_burst = r.small_int(v, what, 1, 100000);
    else if (key == "max_connections") out.max_connections = r.small_int(v, what, 8, 100000);
    else if (key == "idle_timeout") out.idle_timeout = r.duration(v, what, false);
    else if (key == "cors_origins") {
      if (auto list = r.strings(v, what)) {
        for (size_t i = 0; i < list->size(); ++i)
          if (!valid_origin((*list)[i]))
            r.error(line_of(v), what + "[" + std::to_string(i) + "]: \"" + (*list)[i] +
                                    "\" is not an origin (scheme://host[:port], no path) or \"*\"");
        out.cors_origins = std::move(*list);
      }
    } else r.unknown(k, "[api]");
  }
  if (t.contains("key") && t.contains("key_file"))
    r.error(line_of(*t.get("key_file")), "api: set key or key_file, not both");
}

void require(Reader& r, const toml::table& t, const std::string& where, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (!t.contains(key)) r.error(line_of(t), where + ": missing required key \"" + key + "\"");
  }
}

}  // namespace

const char* target_kind_name(TargetKind k) {
  switch (k) {
    case TargetKind::kHindsight: return "hindsight";
    case TargetKind::kLightrag: return "lightrag";
  }
  return "unknown";
}

namespace {

void read_target(Reader& r, const std::string& name, const toml::table& t, TargetConfig& out) {
  std::string where = "targets." + name;
  out.name = name;
  out.line = line_of(t);
  std::optional<std::string> kind;
  if (const auto* kn = t.get("kind")) kind = r.one_of(*kn, where + ".kind", {"hindsight", "lightrag"});
  for (size_t i = 0; kind && i < kTargetKindCount; ++i)
    if (*kind == target_kind_name(static_cast<TargetKind>(i))) out.kind = static_cast<TargetKind>(i);
  // Keys of the other kind are mistakes, not extras: a lightrag target has no bank.
  auto only = [&](const toml::key& k, std::string_view for_kind) {
    if (kind && *kind != for_kind) {
      r.error(line_of(k), where + "." + std::string(k.str()) + ": only for " + std::string(for_kind) + " targets");
      return false;
    }
    return true;
  };
  for (auto&& [k, v] : t) {
    std::string key(k.str()), what = where + "." + key;
    if (key == "kind") continue;  // read above
    if (key == "url") set(out.url, r.url(v, what));
    else if (key == "api_key") out.api_key = r.secret(v, what);
    else if (key == "api_key_file") out.api_key_file = r.path(v, what);
    else if (key == "ca_file") set(out.ca_file, r.path(v, what));
    else if (key == "bank") {
      if (only(k, "hindsight")) set(out.bank, r.nonempty(v, what));
    } else if (key == "query_mode") {
      if (only(k, "lightrag")) out.query_mode = r.one_of(v, what, {"local", "global", "hybrid", "naive", "mix", "bypass"});
    } else {
      r.unknown(k, "[" + where + "]");
    }
  }
  require(r, t, where, {"kind", "url"});
  if (kind == "hindsight") require(r, t, where, {"bank"});
  not_both_keys(r, t, where);
}

void read_source(Reader& r, const std::string& name, const toml::table& t, SourceConfig& out) {
  std::string where = "sources." + name;
  out.name = name;
  out.line = line_of(t);
  std::optional<std::string> kind;
  if (const auto* kn = t.get("kind")) kind = r.one_of(*kn, where + ".kind", {"memory-api", "http-json"});
  if (kind) out.kind = *kind == "memory-api" ? SourceKind::kMemoryApi : SourceKind::kHttpJson;
  auto only = [&](const toml::key& k, std::string_view for_kind) {
    if (kind && *kind != for_kind) {
      r.error(line_of(k), where + "." + std::string(k.str()) + ": only for " + std::string(for_kind) + " sources");
      return false;
    }
    return true;
  };
  for (auto&& [k, v] : t) {
    std::string key(k.str()), what = where + "." + key;
    if (key == "kind") continue;  // read above
    if (key == "url") set(out.url, r.url(v, what));
    else if (key == "api_key") out.api_key = r.secret(v, what);
    else if (key == "api_key_file") out.api_key_file = r.path(v, what);
    else if (key == "timeout") out.timeout = r.duration(v, what, false);
    else if (key == "ca_file") set(out.ca_file, r.path(v, what));
    else if (key == "max_records") {
      if (auto n = r.integer(v, what, 1, 100'000'000)) out.max_records = *n;
    } else if (key == "context") {
      if (only(k, "memory-api")) set(out.context, r.nonempty(v, what));
    } else if (key == "limit") {
      if (only(k, "memory-api")) set(out.limit, r.small_int(v, what, 1, 10000));
    } else if (key == "items_path" || key == "id_field" || key == "text_field" || key == "time_field" ||
               key == "paging" || key == "page_param" || key == "page_size_param" || key == "page_size" ||
               key == "first_page" || key == "offset_param" || key == "cursor_field" || key == "cursor_param" ||
               key == "since_param" || key == "auth_header" || key == "auth_prefix" || key == "headers") {
      if (!only(k, "http-json")) continue;
      if (key == "items_path") set(out.items_path, r.dotted(v, what, true));
      else if (key == "id_field") set(out.id_field, r.dotted(v, what, false));
      else if (key == "text_field") set(out.text_field, r.dotted(v, what, false));
      else if (key == "time_field") set(out.time_field, r.dotted(v, what, true));
      else if (key == "paging") {
        if (auto p = r.one_of(v, what, {"none", "page", "offset", "cursor"})) {
          out.paging = *p == "page" ? Paging::kPage : *p == "offset" ? Paging::kOffset
                     : *p == "cursor" ? Paging::kCursor : Paging::kNone;
        }
      } else if (key == "page_param") set(out.page_param, r.nonempty(v, what));
      else if (key == "page_size_param") set(out.page_size_param, r.nonempty(v, what));
      else if (key == "page_size") set(out.page_size, r.small_int(v, what, 1, 10000));
      else if (key == "first_page") set(out.first_page, r.small_int(v, what, 0, 1'000'000));
      else if (key == "offset_param") set(out.offset_param, r.nonempty(v, what));
      else if (key == "cursor_field") set(out.cursor_field, r.dotted(v, what, false));
      else if (key == "cursor_param") set(out.cursor_param, r.nonempty(v, what));
      else if (key == "since_param") set(out.since_param, r.str(v, what));
      else if (key == "auth_header") {
        auto h = r.nonempty(v, what);
        if (h && !valid_header_name(*h)) r.error(line_of(v), what + ": not a valid HTTP header name");
        else set(out.auth_header, h);
      } else if (key == "auth_prefix") set(out.auth_prefix, r.str(v, what));
      else if (key == "headers") set(out.headers, r.headers(v, what));
    } else {
      r.unknown(k, "[" + where + "]");
    }
  }
  require(r, t, where, {"kind", "url"});
  if (kind == "memory-api") require(r, t, where, {"context"});
  not_both_keys(r, t, where);
}

void read_connector(Reader& r, const std::string& name, const toml::table& t, ConnectorConfig& out) {
  std::string where = "connectors." + name;
  out.name = name;
  out.line = line_of(t);
  std::optional<std::string> transform;
  for (auto&& [k, v] : t) {
    std::string key(k.str()), what = where + "." + key;
    if (key == "source") set(out.source, r.nonempty(v, what));
    else if (key == "target") set(out.target, r.nonempty(v, what));
    else if (key == "schedule") {
      if (auto s = r.str(v, what)) {
        auto sch = Schedule::parse(*s);
        if (sch.ok()) out.schedule = *sch;
        else r.error(line_of(v), what + ": " + sch.error().message);
      }
    } else if (key == "transform") {
      transform = r.one_of(v, what, {"standard", "template"});
      if (transform) out.transform = *transform == "template" ? TransformKind::kTemplate : TransformKind::kStandard;
    } else if (key == "template") {
      // Checked here so an unknown placeholder is a file:line error at load, not a run failure.
      if (auto text = r.nonempty(v, what)) {
        if (auto t = parse_connector_template(*text); !t) r.error(line_of(v), what + ": " + t.error().message);
        else out.template_text = *text;
      }
    }
    else if (key == "tags") set(out.tags, r.strings(v, what));
    else if (key == "context") out.context = r.str(v, what);
    else if (key == "enabled") set(out.enabled, r.boolean(v, what));
    else if (key == "overlap") set(out.overlap, r.duration(v, what, true));
    else if (key == "notify_url") set(out.notify_url, r.url(v, what));
    else if (key == "first_range") set(out.first_range, r.one_of(v, what, {"all", "month", "week", "day"}));
    else r.unknown(k, "[" + where + "]");
  }
  require(r, t, where, {"source", "target", "schedule"});
  // Only judge the pair when transform itself was valid (or absent = standard); otherwise
  // its own error already says what is wrong.
  const toml::node* tn = t.get("transform");
  const toml::node* tmpl = t.get("template");
  if (!tn || transform) {
    bool is_template = out.transform == TransformKind::kTemplate;
    if (is_template && !tmpl) r.error(line_of(*tn), where + ": transform = \"template\" needs a template");
    if (!is_template && tmpl) r.error(line_of(*tmpl), where + ".template: only used with transform = \"template\"");
  }
}

// [targets], [sources], [connectors]: a table of named tables.
template <typename T, typename ReadOne>
void read_named(Reader& r, const toml::node& n, const std::string& section, std::string_view noun,
                std::map<std::string, T>& out, ReadOne read_one) {
  const toml::table* t = r.table(n, section);
  if (!t) return;
  for (auto&& [k, v] : *t) {
    std::string name(k.str());
    if (!valid_name(name)) {
      r.error(line_of(k), "invalid " + std::string(noun) + " name \"" + name +
                              "\" (use letters, digits, '_', '.' and '-')");
      continue;
    }
    const toml::table* one = r.table(v, section + "." + name);
    if (!one) continue;
    T item;
    read_one(r, name, *one, item);
    out.emplace(name, std::move(item));
  }
}

// The names a connector's table refers to exist in cfg (ct: its table, for the lines).
void check_connector_references(Reader& r, const toml::table& ct, const ConnectorConfig& c, const Config& cfg) {
  const std::string& name = c.name;
  if (const auto* s = ct.get("source"); s && s->is_string() && !c.source.empty() && !cfg.sources.count(c.source)) {
    r.error(line_of(*s), "connectors." + name + ".source: no source named \"" + c.source + "\"");
  }
  // The range is the Memory API's; an http-json source pages or filters by since_param.
  if (const auto* f = ct.get("first_range"); f && cfg.sources.count(c.source) &&
                                                cfg.sources.at(c.source).kind != SourceKind::kMemoryApi) {
    r.error(line_of(*f), "connectors." + name + ".first_range: only for memory-api sources (source \"" + c.source +
                             "\" is http-json)");
  }
  if (const auto* g = ct.get("target"); g && g->is_string() && !c.target.empty() && !cfg.targets.count(c.target)) {
    r.error(line_of(*g), "connectors." + name + ".target: no target named \"" + c.target + "\"");
  }
}

void check_references(Reader& r, const toml::table& root, Config& cfg) {
  const toml::table* conns = root["connectors"].as_table();
  for (const auto& [name, c] : cfg.connectors) {
    const toml::table* ct = conns ? (*conns)[name].as_table() : nullptr;
    if (ct) check_connector_references(r, *ct, c, cfg);
  }
}

std::string with_location(const std::string& file, int line, const std::string& message) {
  return file + ":" + std::to_string(line > 0 ? line : 1) + ": " + message;
}

}  // namespace

std::string Config::connectors_dir() const { return join_path(dir(), "connectors.d"); }

std::string Config::dir() const {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Result<std::string> expand_env(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '$' || i + 1 >= text.size() || (text[i + 1] != '$' && text[i + 1] != '{')) {
      out += c;
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Error{"unterminated \"${\" (write \"$$\" for a literal '$')", exit_code::kConfig};
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    std::optional<std::string_view> fallback;
    if (auto sep = body.find(":-"); sep != std::string_view::npos) {
      fallback = body.substr(sep + 2);
      body = body.substr(0, sep);
    }
    bool ok_name = !body.empty() && !(body[0] >= '0' && body[0] <= '9') &&
                   std::all_of(body.begin(), body.end(), [](char ch) {
                     return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                            ch == '_';
                   });
    if (!ok_name) {
      return Error{"bad environment variable name \"" + std::string(body) + "\" in \"${...}\"", exit_code::kConfig};
    }
    std::optional<std::string> value = env(std::string(body));
    if (fallback) {
      out += (value && !value->empty()) ? *value : std::string(*fallback);
    } else if (value) {
      out += *value;
    } else {
      return Error{"environment variable " + std::string(body) + " is not set", exit_code::kConfig};
    }
    i = close;
  }
  return out;
}

Result<Config> parse_config(std::string_view toml_text, const std::string& path_for_messages, const EnvLookup& env,
                            bool resolve_secrets) {
  Config cfg;
  cfg.path = path_for_messages;

  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view(path_for_messages));
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return Error{path_for_messages + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) + ": " +
                     std::string(e.description()),
                 exit_code::kConfig};
  }

  Reader r(env, cfg.dir(), resolve_secrets);
  for (auto&& [k, v] : root) {
    std::string key(k.str());
    if (key == "hindsight") {
      if (const auto* t = r.table(v, key)) read_hindsight(r, *t, cfg.hindsight);
    } else if (key == "defaults") {
      if (const auto* t = r.table(v, key)) read_defaults(r, *t, cfg.defaults);
    } else if (key == "state") {
      if (const auto* t = r.table(v, key)) read_state(r, *t, cfg.state);
    } else if (key == "api") {
      if (const auto* t = r.table(v, key)) read_api(r, *t, cfg.api);
    } else if (key == "targets") {
      read_named(r, v, key, "target", cfg.targets, read_target);
    } else if (key == "sources") {
      read_named(r, v, key, "source", cfg.sources, read_source);
    } else if (key == "connectors") {
      read_named(r, v, key, "connector", cfg.connectors, read_connector);
    } else if (v.is_table()) {
      r.error(line_of(k), "unknown table [" + key + "]");
    } else {
      r.error(line_of(k), "unknown key \"" + key + "\" at top level");
    }
  }
  check_references(r, root, cfg);

  if (!r.problems.empty()) {
    auto first = std::min_element(r.problems.begin(), r.problems.end(),
                                  [](const auto& a, const auto& b) { return a.line < b.line; });
    return Error{with_location(path_for_messages, first->line, first->message), exit_code::kConfig};
  }
  return cfg;
}

Status add_connector_file(Config& cfg, std::string_view toml_text, const std::string& name,
                          const std::string& path_for_messages, const EnvLookup& env, bool resolve_secrets) {
  if (!valid_name(name))
    return Error{with_location(path_for_messages, 1, "invalid connector name \"" + name +
                                                         "\" in the file name (use letters, digits, '_', '.' and '-')"),
                 exit_code::kConfig};
  if (auto it = cfg.connectors.find(name); it != cfg.connectors.end())
    return Error{with_location(path_for_messages, 1, "connector \"" + name + "\" is also defined in " +
                                                         (it->second.file.empty() ? cfg.path : it->second.file) + ":" +
                                                         std::to_string(it->second.line)),
                 exit_code::kConfig};
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view(path_for_messages));
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return Error{path_for_messages + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) + ": " +
                     std::string(e.description()),
                 exit_code::kConfig};
  }
  Reader r(env, cfg.dir(), resolve_secrets);
  ConnectorConfig c;
  read_connector(r, name, root, c);
  c.line = 1;  // the file is the table
  check_connector_references(r, root, c, cfg);
  if (!r.problems.empty()) {
    auto first = std::min_element(r.problems.begin(), r.problems.end(),
                                  [](const auto& a, const auto& b) { return a.line < b.line; });
    return Error{with_location(path_for_messages, first->line, first->message), exit_code::kConfig};
  }
  c.file = path_for_messages;
  cfg.connectors.emplace(name, std::move(c));
  return ok_status();
}

namespace {

// connectors.d: NAME.toml first (sorted, so errors are reproducible), then NAME.paused.
Status load_connectors_dir(Config& cfg, const EnvLookup& env, bool resolve_secrets) {
  namespace fs = std::filesystem;
  const std::string dir = cfg.connectors_dir();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return ok_status();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    auto name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (e.path().extension() == ".toml" || e.path().extension() == ".paused") files.push_back(e.path());
  }
  if (ec) return Error{dir + ": " + ec.message(), exit_code::kConfig};
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    if (f.extension() != ".toml") continue;
    auto text = read_whole_file(f.string());
    if (!text) return Error{text.error().message, exit_code::kConfig};
    if (auto st = add_connector_file(cfg, *text, f.stem().string(), f.string(), env, resolve_secrets); !st) return st;
  }
  for (const auto& f : files) {
    if (f.extension() != ".paused") continue;
    // A marker whose connector is gone (removed from the config by hand) pauses nothing.
    auto it = cfg.connectors.find(f.stem().string());
    if (it == cfg.connectors.end()) continue;
    auto text = read_whole_file(f.string());
    if (!text) return Error{text.error().message, exit_code::kConfig};
    it->second.paused = true;
    it->second.paused_since = text->substr(0, text->find('\n'));
  }
  return ok_status();
}

}  // namespace

Result<Config> load_config(const std::string& path, const EnvLookup& env, bool resolve_secrets) {
  auto text = read_whole_file(path);
  if (!text.ok()) return Error{text.error().message, exit_code::kConfig};
  auto cfg = parse_config(*text, path, env, resolve_secrets);
  if (!cfg) return cfg;
  if (auto st = load_connectors_dir(*cfg, env, resolve_secrets); !st) return st.error();
  return cfg;
}

std::string default_config_path(const EnvLookup& env) {
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto v = env(name);
    if (v && !v->empty()) return v;
    return std::nullopt;
  };
  if (auto p = get("MEMCONN_CONFIG")) return *p;
  // The XDG spec says relative values are invalid and must be ignored.
  if (auto x = get("XDG_CONFIG_HOME"); x && x->front() == '/') return *x + "/memconn/config.toml";
  if (auto h = get("HOME")) return *h + "/.config/memconn/config.toml";
  return "memconn.toml";
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

Result<std::string> read_api_key_file(const std::string& path) {
  auto text = read_whole_file(path);
  if (!text.ok()) return Error{text.error().message, exit_code::kConfig};
  std::string_view first_line = *text;
  first_line = first_line.substr(0, first_line.find('\n'));  // a file's key is its first line
  auto key = clean_api_key(first_line, "api key file " + path);
  if (!key) return key;
  if (key->empty()) return Error{"api key file " + path + " is empty", exit_code::kConfig};
  return key;
}

Result<std::string> clean_api_key(std::string_view s, const std::string& where) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f)
      return Error{where + ": the API key contains a control character (byte " + std::to_string(c) + " at position " +
                       std::to_string(i + 1) + "); it would break or inject an HTTP header",
                   exit_code::kConfig};
  }
  return std::string(s);
}

#define MEMCONN_STR2(x) #x
#define MEMCONN_STR(x) MEMCONN_STR2(x)
std::string toml_library_version() {
  return MEMCONN_STR(TOML_LIB_MAJOR) "." MEMCONN_STR(TOML_LIB_MINOR) "." MEMCONN_STR(TOML_LIB_PATCH);
}

}  // namespace memconn
