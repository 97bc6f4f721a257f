#include "serve/api.h"

#include <chrono>

#include "base/json_writer.h"
#include "connectors/connector_views.h"
#include "connectors/status.h"
#include "serve/api_error.h"
#include "serve/connector_request.h"
#include "serve/openapi.h"
#include "serve/service.h"

namespace memconn {

namespace {

using namespace std::placeholders;

ApiResponse json(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse from_field_error(const FieldError& e) { return api_error(e.status, e.code, e.message, e.field); }

// The hostname part of a Host header: "127.0.0.1:8080" -> "127.0.0.1", "[::1]:80" -> "::1".
std::string host_name(std::string h) {
  if (h.starts_with("[")) return h.substr(1, h.find(']') - 1);
  return h.substr(0, h.find(':'));
}

bool loopback_host(const std::string& host) {
  auto h = host_name(host);
  return h == "localhost" || h == "::1" || h.starts_with("127.");
}

bool allowed_origin(const std::vector<std::string>& origins, const std::string& origin) {
  for (const auto& o : origins)
    if (o == "*" || o == origin) return true;
  return false;
}

// Paths are logged without their query string, and nothing of headers or bodies: the key and
// connector templates never reach a log.
bool quiet_route(const std::string& path) { return path == "/api/v1/health" || path == "/metrics"; }

}  // namespace

Api::Api(Service* service) : service_(service) {
  if (service_) {
    key_ = std::make_unique<ApiKey>(service_->settings().key);
    limiter_ = std::make_unique<ClientRateLimiter>(service_->settings().rate_limit, service_->settings().rate_burst);
  }
  auto bind = [this](auto fn) { return [this, fn](const ApiRequest& r, const RouteParams& p) { return (this->*fn)(r, p); }; };
  router_.add("GET", "/api/v1/health", true, bind(&Api::health));
  router_.add("GET", "/api/v1/openapi.json", true, [](const ApiRequest&, const RouteParams&) {
    return json(200, std::string(openapi_document()));
  });
  router_.add("GET", "/metrics", false, bind(&Api::metrics));
  router_.add("GET", "/api/v1/connectors", false, bind(&Api::list));
  router_.add("POST", "/api/v1/connectors", false, bind(&Api::create));
  router_.add("GET", "/api/v1/connectors/{name}", false, bind(&Api::get));
  router_.add("PUT", "/api/v1/connectors/{name}", false, bind(&Api::replace));
  router_.add("DELETE", "/api/v1/connectors/{name}", false, bind(&Api::remove));
  router_.add("POST", "/api/v1/connectors/{name}/trigger", false, bind(&Api::trigger));
  router_.add("POST", "/api/v1/connectors/{name}/pause", false,
              [this](const ApiRequest& r, const RouteParams& p) { return pause(r, p, true); });
  router_.add("POST", "/api/v1/connectors/{name}/resume", false,
              [this](const ApiRequest& r, const RouteParams& p) { return pause(r, p, false); });
  router_.add("GET", "/api/v1/connectors/{name}/status", false, bind(&Api::status));
  router_.add("GET", "/api/v1/connectors/{name}/history", false, bind(&Api::history));
}

ApiResponse Api::handle(const ApiRequest& req) {
  auto started = std::chrono::steady_clock::now();
  ApiResponse r;
  try {
    r = dispatch(req);
  } catch (const std::exception& e) {
    // Nothing a client sends may take the service down; this is a bug, said as one.
    r = api_error(500, "internal", std::string("internal error: ") + e.what());
  }
  const auto& s = service_->settings();
  std::string origin = req.header("origin");
  if (!origin.empty() && allowed_origin(s.cors_origins, origin)) {
    r.headers.emplace_back("Access-Control-Allow-Origin", origin);
    r.headers.emplace_back("Vary", "Origin");
  }
  service_->metrics().request_answered(r.status);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  char took[32];
  std::snprintf(took, sizeof took, "%.1f ms", ms);
  std::string line = "api: " + req.method + " " + req.path + " " + std::to_string(r.status) + " " + took + " from " + req.client;
  auto& console = *service_->context()->console;
  if (quiet_route(req.path) && r.status < 400) console.debug(line);
  else console.info(line);
  return r;
}

ApiResponse Api::dispatch(const ApiRequest& req) {
  const auto& s = service_->settings();
  std::string origin = req.header("origin");
  // A browser sends Origin on cross-site requests: one from a page the operator did not
  // allow is refused before it can do anything (a form POST needs no preflight).
  if (!origin.empty() && !allowed_origin(s.cors_origins, origin))
    return api_error(403, "forbidden_origin", "requests from origin " + origin + " are not allowed (see [api] cors_origins)");
  // Without a key the API is for this machine only: a Host that is not loopback means a
  // browser was pointed here through a name that resolves to 127.0.0.1 (DNS rebinding).
  if (!key_->required() && !loopback_host(req.header("host")))
    return api_error(403, "forbidden_host", "without an API key only loopback host names are served");

  auto m = router_.match(req.method, req.path);
  if (req.method == "OPTIONS" && (m.route || !m.allowed.empty())) {
    std::string allow;
    for (const auto* mm : {&m.allowed}) for (const auto& a : *mm) allow += (allow.empty() ? "" : ", ") + a;
    if (m.route) allow = req.method;
    ApiResponse r;
    r.status = 204;
    r.content_type.clear();
    r.headers.emplace_back("Allow", allow + ", OPTIONS");
    if (!origin.empty()) {  // a CORS preflight from an allowed origin
      r.headers.emplace_back("Access-Control-Allow-Methods", allow);
      r.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
      r.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    return r;
  }
  bool open = m.route && m.route->open;
  if (!open) {
    auto d = limiter_->take(req.client);
    if (!d.allowed) {
      auto r = api_error(429, "rate_limited", "too many requests from " + req.client + "; retry after " +
                                                  std::to_string(d.retry_after.count()) + " s");
      r.headers.emplace_back("Retry-After", std::to_string(d.retry_after.count()));
      return r;
    }
  }
  if (!m.route) {
    if (m.allowed.empty()) return api_error(404, "not_found", "no such endpoint: " + req.path);
    std::string allow;
    for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
    auto r = api_error(405, "method_not_allowed", req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")");
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  if (!open && !key_->accepts(req.header("authorization"))) {
    auto r = api_error(401, "unauthorized",
                       req.header("authorization").empty() ? "this endpoint needs Authorization: Bearer <key>"
                                                           : "the API key is wrong");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"memconn\"");
    return r;
  }
  if (req.body_too_large)
    return api_error(413, "payload_too_large", "the request body is larger than " + std::to_string(s.max_body) + " bytes");
  if (!req.body.empty()) {
    std::string ct = req.header("content-type");
    if (!ct.starts_with("application/json"))
      return api_error(415, "unsupported_media_type", "send the body as Content-Type: application/json");
  }
  return m.route->handler(req, m.params);
}

ApiResponse Api::health(const ApiRequest&, const RouteParams&) {
  auto v = service_->scheduler().view();
  std::string state = v.stopping ? "stopping" : v.running.empty() ? "idle" : "running";
  std::string b;
  JsonWriter w(b);
  w.begin_object().key("status").value(v.stopping ? "stopping" : "ok").key("version").value(MEMCONN_VERSION);
  w.key("scheduler").begin_object().key("state").value(state).key("queued").value(static_cast<uint64_t>(v.queued.size()));
  w.end_object().end_object();
  return json(v.stopping ? 503 : 200, b);
}

ApiResponse Api::metrics(const ApiRequest&, const RouteParams&) {
  auto ctx = service_->context();
  auto views = load_connector_views(*ctx, "");
  if (!views) return api_error(500, "internal", views.error().message);
  ApiResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = service_->metrics().render((*views)->views, service_->scheduler().view());
  return r;
}

ApiResponse Api::list(const ApiRequest&, const RouteParams&) {
  auto ctx = service_->context();
  auto views = load_connector_views(*ctx, "");
  if (!views) return api_error(500, "internal", views.error().message);
  auto sched = service_->scheduler().view();
  auto now = ctx->clock->now();
  std::string b;
  JsonWriter w(b);
  w.begin_object().key("connectors").begin_array();
  for (const auto& v : (*views)->views) {
    std::string c = connector_json(*v.connector);
    c.pop_back();  // extend the object with what the schedule and state say
    auto d = next_due(*v.connector, v.state, now);
    c += ",\"next_due\":" + (d ? json_quote(format_iso8601(*d)) : std::string("null"));
    c += std::string(",\"running\":") + (sched.running == v.connector->name || v.running ? "true" : "false") + "}";
    w.raw(c);
  }
  w.end_array().end_object();
  return json(200, b);
}

ApiResponse Api::get(const ApiRequest&, const RouteParams& p) {
  auto ctx = service_->context();
  auto it = ctx->cfg.connectors.find(p["name"]);
  if (it == ctx->cfg.connectors.end()) return api_error(404, "not_found", "no connector named \"" + p["name"] + "\"");
  return json(200, connector_json(it->second));
}

ApiResponse Api::create(const ApiRequest& req, const RouteParams&) {
  auto parsed = parse_connector_body(req.body, "");
  if (auto* e = std::get_if<FieldError>(&parsed)) return from_field_error(*e);
  const auto& f = std::get<ConnectorFields>(parsed);
  std::optional<FieldError> invalid;
  bool exists = false;
  const auto& store = service_->store();
  auto st = service_->change(
      [&](const ConnectorContext& ctx) -> Status {
        if (ctx.cfg.connectors.count(f.name)) {
          exists = true;
          return Error{"", 0};
        }
        if ((invalid = validate_connector(f, ctx.cfg))) return Error{"", 0};
        return store.write(f.name, connector_toml(f));
      },
      [&] { (void)store.remove(f.name); });
  if (exists) return api_error(409, "conflict", "a connector named \"" + f.name + "\" exists", "name");
  if (invalid) return from_field_error(*invalid);
  if (!st) return api_error(422, "invalid_connector", st.error().message);
  auto ctx = service_->context();
  auto r = json(201, connector_json(ctx->cfg.connectors.at(f.name)));
  r.headers.emplace_back("Location", "/api/v1/connectors/" + f.name);
  return r;
}

ApiResponse Api::replace(const ApiRequest& req, const RouteParams& p) {
  const std::string& name = p["name"];
  auto parsed = parse_connector_body(req.body, name);
  if (auto* e = std::get_if<FieldError>(&parsed)) {
    if (!service_->context()->cfg.connectors.count(name)) return api_error(404, "not_found", "no connector named \"" + name + "\"");
    return from_field_error(*e);
  }
  const auto& f = std::get<ConnectorFields>(parsed);
  std::optional<ApiResponse> refused;
  std::optional<std::string> old;
  const auto& store = service_->store();
  auto st = service_->change(
      [&](const ConnectorContext& ctx) -> Status {
        auto it = ctx.cfg.connectors.find(name);
        if (it == ctx.cfg.connectors.end()) refused = api_error(404, "not_found", "no connector named \"" + name + "\"");
        else if (it->second.file.empty())
          refused = api_error(409, "conflict", "connector \"" + name + "\" is defined in " + ctx.cfg.path + "; change it there");
        else if (auto e = validate_connector(f, ctx.cfg)) refused = from_field_error(*e);
        if (refused) return Error{"", 0};
        auto prev = store.read(name);
        if (!prev) return prev.error();
        old = *prev;
        return store.write(name, connector_toml(f));
      },
      [&] {
        if (old) (void)store.write(name, *old);
      });
  if (refused) return *refused;
  if (!st) return api_error(422, "invalid_connector", st.error().message);
  return json(200, connector_json(service_->context()->cfg.connectors.at(name)));
}

ApiResponse Api::remove(const ApiRequest&, const RouteParams& p) {
  const std::string& name = p["name"];
  std::optional<ApiResponse> refused;
  std::optional<std::string> old;
  const auto& store = service_->store();
  auto st = service_->change(
      [&](const ConnectorContext& ctx) -> Status {
        auto it = ctx.cfg.connectors.find(name);
        if (it == ctx.cfg.connectors.end()) refused = api_error(404, "not_found", "no connector named \"" + name + "\"");
        else if (it->second.file.empty())
          refused = api_error(409, "conflict", "connector \"" + name + "\" is defined in " + ctx.cfg.path + "; remove it there");
        if (refused) return Error{"", 0};
        auto prev = store.read(name);
        if (!prev) return prev.error();
        old = *prev;
        return store.remove(name);
      },
      [&] {
        if (old) (void)store.write(name, *old);
      });
  if (refused) return *refused;
  if (!st) return api_error(500, "internal", st.error().message);
  ApiResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

ApiResponse Api::trigger(const ApiRequest&, const RouteParams& p) {
  const std::string& name = p["name"];
  auto ctx = service_->context();
  auto it = ctx->cfg.connectors.find(name);
  if (it == ctx->cfg.connectors.end()) return api_error(404, "not_found", "no connector named \"" + name + "\"");
  if (it->second.paused)
    return api_error(409, "paused", "connector \"" + name + "\" is paused; resume it first (POST /api/v1/connectors/" + name + "/resume)");
  std::string status;
  switch (service_->scheduler().trigger(name)) {
    case TriggerOutcome::kQueued: status = "queued"; break;
    case TriggerOutcome::kAlreadyQueued: status = "already_queued"; break;
    // A trigger sent twice (a retry, a second click) asks for what is happening already: the
    // same 202, saying so, and the run is not started twice.
    case TriggerOutcome::kAlreadyRunning: status = "already_running"; break;
    case TriggerOutcome::kUnknown: return api_error(404, "not_found", "no connector named \"" + name + "\"");
    case TriggerOutcome::kStopping: return api_error(503, "shutting_down", "the service is stopping");
  }
  std::string b;
  JsonWriter(b).begin_object().key("connector").value(name).key("status").value(status).end_object();
  return json(202, b);
}

ApiResponse Api::pause(const ApiRequest&, const RouteParams& p, bool paused) {
  const std::string& name = p["name"];
  bool unknown = false;
  std::string since;
  const auto& store = service_->store();
  auto st = service_->change(
      [&](const ConnectorContext& ctx) -> Status {
        auto it = ctx.cfg.connectors.find(name);
        if (it == ctx.cfg.connectors.end()) {
          unknown = true;
          return Error{"", 0};
        }
        if (it->second.paused == paused) return ok_status();  // nothing to change: the same answer again
        since = paused ? format_iso8601(std::chrono::floor<std::chrono::seconds>(ctx.clock->now())) : "";
        return store.set_paused(name, paused, since);
      },
      [&] { (void)store.set_paused(name, !paused, since); });
  if (unknown) return api_error(404, "not_found", "no connector named \"" + name + "\"");
  if (!st) return api_error(500, "internal", st.error().message);
  const auto& c = service_->context()->cfg.connectors.at(name);
  std::string b;
  JsonWriter w(b);
  w.begin_object().key("connector").value(name).key("paused").value(c.paused).key("paused_since");
  if (c.paused) w.value(c.paused_since);
  else w.null();
  w.end_object();
  return json(200, b);
}

ApiResponse Api::status(const ApiRequest&, const RouteParams& p) {
  auto ctx = service_->context();
  if (!ctx->cfg.connectors.count(p["name"])) return api_error(404, "not_found", "no connector named \"" + p["name"] + "\"");
  auto views = load_connector_views(*ctx, p["name"]);
  if (!views) return api_error(500, "internal", views.error().message);
  return json(200, status_json((*views)->views, ctx->clock->now(), ctx->paths));
}

ApiResponse Api::history(const ApiRequest&, const RouteParams& p) {
  auto ctx = service_->context();
  if (!ctx->cfg.connectors.count(p["name"])) return api_error(404, "not_found", "no connector named \"" + p["name"] + "\"");
  auto views = load_connector_views(*ctx, p["name"]);
  if (!views) return api_error(500, "internal", views.error().message);
  return json(200, history_json((*views)->views.at(0)));
}

}  // namespace memconn
