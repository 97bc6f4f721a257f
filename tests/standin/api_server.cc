#include "api_server.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <thread>

#include "connections.h"
#include "gateway.h"
#include "http_reply.h"
#include "response_shaping.h"

namespace standin {
namespace {

constexpr const char* kHtmlPage =
    "<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n"
    "<body><h1>It works!</h1><p>This is not the API you are looking for (memconn-standin --respond-html).</p>"
    "</body></html>\n";
constexpr const char* kMalformedJson = "{\"success\": true, \"bank_id\": \"trunc";

LoggedRequest log_entry(const httplib::Request& req) {
  LoggedRequest e;
  e.method = req.method;
  e.path = req.path;
  e.target = req.target;
  // Lower-cased names, repeated headers joined, so tests can look headers up directly.
  for (const auto& [name, value] : req.headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "remote_addr" || lower == "remote_port" || lower == "local_addr" || lower == "local_port") continue;
    auto it = std::find_if(e.headers.begin(), e.headers.end(), [&](const auto& h) { return h.first == lower; });
    if (it == e.headers.end()) e.headers.emplace_back(lower, value);
    else it->second += ", " + value;
  }
  e.body = req.body;
  return e;
}

// /_standin/config values arrive as JSON; knobs take text.
bool json_to_text(simdjson::dom::element v, std::string& out) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING: out = std::string(v.get_string().value()); return true;
    case simdjson::dom::element_type::BOOL: out = v.get_bool().value() ? "true" : "false"; return true;
    case simdjson::dom::element_type::NULL_VALUE: out.clear(); return true;
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: out = simdjson::minify(v); return true;
    default: return false;
  }
}

}  // namespace

ApiServer::ApiServer(httplib::Server& svr, Faults& faults, Backend& backend)
    : svr_(svr), faults_(faults), backend_(backend) {}

void ApiServer::route(const std::string& method, const std::string& pattern, ApiHandler handler, bool open) {
  add(method, pattern, std::move(handler), open, false);
}

void ApiServer::write_route(const std::string& pattern, ApiHandler handler) {
  add("POST", pattern, std::move(handler), false, true);
}

void ApiServer::add(const std::string& method, const std::string& pattern, ApiHandler handler, bool open, bool write) {
  known_routes_.emplace_back(method, std::regex(pattern));
  auto r = std::make_shared<Route>(Route{std::regex(pattern), std::move(handler), open, write});
  auto h = [this, r](const httplib::Request& req, httplib::Response& res) { handle(*r, req, res); };
  if (method == "GET") svr_.Get(pattern, h);
  else if (method == "POST") svr_.Post(pattern, h);
  else if (method == "PUT") svr_.Put(pattern, h);
  else if (method == "PATCH") svr_.Patch(pattern, h);
  else if (method == "DELETE") svr_.Delete(pattern, h);
}

void ApiServer::handle(const Route& route, const httplib::Request& req, httplib::Response& res) {
  Knobs k = faults_.snapshot();
  Connection conn = current_connection();
  LoggedRequest entry = log_entry(req);
  entry.connection_requests = conn.requests;
  RequestNumbers numbers = stats_.begin_request(std::move(entry), route.write);
  bool in_scope = k.fault_scope == "all" || route.write;
  RequestFacts facts;
  facts.n = k.fault_scope == "all" ? numbers.n : numbers.write;
  facts.write = numbers.write;
  facts.reused = conn.reused();
  if (k.log)
    std::fprintf(stderr, "standin: #%llu %s %s%s\n", static_cast<unsigned long long>(numbers.n), req.method.c_str(),
                 req.target.c_str(), conn.reused() ? " (reused connection)" : "");

  Delivery delivery = Delivery::Answer;
  if (in_scope && k.gateway_timeout_ms > 0) {
    // The request object is httplib's and dies with this call; the server behind the
    // gateway works on a copy, whose path matches are taken again from the copy.
    auto copy = std::make_shared<httplib::Request>(req);
    std::regex_match(copy->path, copy->matches, route.pattern);
    auto inner = std::make_shared<httplib::Response>();
    auto inner_delivery = std::make_shared<Delivery>(Delivery::Answer);
    bool in_time = finished_within(
        [this, &route, copy, inner, inner_delivery, k, facts, in_scope] {
          *inner_delivery = process(route, *copy, *inner, k, facts, in_scope);
        },
        k.gateway_timeout_ms);
    if (in_time) {
      res = std::move(*inner);
      delivery = *inner_delivery;
    } else {
      stats_.count_fault("gateway_504");
      gateway_timeout(res);
    }
  } else {
    delivery = process(route, req, res, k, facts, in_scope);
  }
  // The status the client was meant to get (a lost answer's too); behind a timed-out gateway
  // that is the 504, not the server's own answer.
  if (res.status != -1) stats_.count_status(res.status);
  {
    // Like uvicorn: every answer carries a Date header (memconn doctor's clock check).
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    char date[64];
    gmtime_r(&now, &tm);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    res.set_header("Date", date);
  }
  if (delivery == Delivery::DropZero) {
    // Nothing reaches the client: httplib's write of the answer fails on the cut socket.
    cut_connection(conn.fd);
  } else if (delivery == Delivery::DropHalf) {
    lose_ack(req, res);
  } else if (in_scope && k.slow_body_ms > 0) {
    trickle(res, k.slow_body_ms);
  }
}

ApiServer::Delivery ApiServer::process(const Route& route, const httplib::Request& req, httplib::Response& res,
                                       const Knobs& k, const RequestFacts& facts, bool in_scope) {
  struct InFlight {
    ServerStats& s;
    ~InFlight() { s.end_request(); }
  } in_flight{stats_};
  auto sleep_ms = [](int ms) {
    if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  };
  if (in_scope) sleep_ms(k.latency_ms);

  FaultDecision d = faults_.decide(facts, k);
  if (d.fail || d.throttle) {
    res.set_header("Retry-After", std::to_string(k.retry_after));
    if (d.fail) {
      stats_.count_injected_503();
      reply_detail(res, 503, "Service temporarily unavailable (stand-in fault injection), retry later");
    } else {
      stats_.count_injected_429();
      reply_detail(res, 429, "Too many requests (stand-in fault injection), retry later");
    }
    return Delivery::Answer;
  }
  if (k.status_always != 0) {
    if (k.status_always >= 300 && k.status_always < 400) res.set_header("Location", "/login");
    reply_detail(res, k.status_always, k.status_detail);
    return Delivery::Answer;
  }
  if (k.huge_body_bytes > 0) {
    huge_body(res, k.huge_body_bytes, k.huge_body_chunked);
    return Delivery::Answer;
  }
  if (k.respond_html || k.respond_malformed) {
    res.status = 200;
    if (k.respond_html) res.set_content(kHtmlPage, "text/html; charset=utf-8");
    else res.set_content(kMalformedJson, "application/json");
    return Delivery::Answer;
  }
  if (!route.open && !backend_.authorize(req, res, k)) return Delivery::Answer;
  struct Slot {
    Capacity* c = nullptr;
    ~Slot() {
      if (c) c->leave();
    }
  } slot;
  if (in_scope && k.capacity_slots > 0) {
    if (!capacity_.enter(k.capacity_slots, k.capacity_queue)) {
      res.set_header("Retry-After", std::to_string(k.retry_after));
      stats_.count_injected_429();
      reply_detail(res, 429, "Too many requests: the queue is full (stand-in capacity mode)");
      return Delivery::Answer;
    }
    slot.c = &capacity_;
    sleep_ms(k.capacity_ms);
  }
  if (d.slow_ms > 0) {
    stats_.count_fault("slowed");
    sleep_ms(d.slow_ms);
  }
  Delivery lost = d.drop_style == DropStyle::Zero ? Delivery::DropZero : Delivery::DropHalf;
  if (d.drop && d.drop_before) {
    // Cut before the server did anything: nothing stored.
    stats_.count_dropped();
    return lost;
  }
  if (d.spared) stats_.count_fault("drop_spared");
  // The store happens here, at the end of all processing time.
  route.handler(req, res, k);
  if (in_scope) sleep_ms(k.answer_delay_ms);
  if (d.hang_ms > 0) {
    stats_.count_fault("held");
    sleep_ms(d.hang_ms);
  }
  if (res.status == -1) res.status = 200;
  if (d.drop) {
    stats_.count_dropped();
    return lost;
  }
  return Delivery::Answer;
}

void ApiServer::not_found(const httplib::Request& req, httplib::Response& res) {
  // FastAPI: 405 when the path exists under another method, else 404.
  for (const auto& [method, re] : known_routes_) {
    if (method != req.method && std::regex_match(req.path, re)) {
      reply_detail(res, 405, "Method Not Allowed");
      return;
    }
  }
  reply_detail(res, 404, "Not Found");
}

void ApiServer::install_control() {
  svr_.Get("/_standin/stats", [this](const httplib::Request&, httplib::Response& res) {
    JsonOut j;
    j.begin_object();
    stats_.write_fields(j);
    backend_.write_stats(j);
    j.end_object();
    reply_json(res, 200, j.take());
  });
  svr_.Get("/_standin/documents", [this](const httplib::Request&, httplib::Response& res) {
    JsonOut j;
    backend_.write_documents(j);
    reply_json(res, 200, j.take());
  });
  svr_.Get("/_standin/requests", [this](const httplib::Request&, httplib::Response& res) {
    JsonOut j;
    stats_.write_request_log(j);
    reply_json(res, 200, j.take());
  });
  svr_.Get("/_standin/config", [this](const httplib::Request&, httplib::Response& res) {
    JsonOut j;
    write_knobs(j, faults_.snapshot());
    reply_json(res, 200, j.take());
  });
  svr_.Post("/_standin/config", [this](const httplib::Request& req, httplib::Response& res) {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    if (parser.parse(req.body).get_object().get(obj)) {
      reply_detail(res, 400, "expected a JSON object of settings");
      return;
    }
    std::vector<std::pair<std::string, std::string>> settings;
    for (auto [key, value] : obj) {
      std::string text;
      if (!json_to_text(value, text)) {
        reply_detail(res, 400, std::string(key) + ": expected a string, number, boolean or null");
        return;
      }
      settings.emplace_back(std::string(key), std::move(text));
    }
    std::string err;
    if (!faults_.update(settings, err)) {
      reply_detail(res, 400, err);
      return;
    }
    JsonOut j;
    write_knobs(j, faults_.snapshot());
    reply_json(res, 200, j.take());
  });
  svr_.Post("/_standin/reset", [this](const httplib::Request&, httplib::Response& res) {
    backend_.reset();
    stats_.reset();
    reply_json(res, 200, "{\"reset\":true}");
  });
  backend_.register_control(svr_, faults_);
}

void ApiServer::install() {
  // Every request, control endpoints included, counts toward its connection's reuse.
  svr_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    note_request(req.remote_port, req.local_port);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  install_control();
  backend_.register_routes(*this);
  // Fallbacks go last: httplib tries routes in registration order.
  auto fallback = std::make_shared<Route>(Route{
      std::regex(".*"), [this](const httplib::Request& req, httplib::Response& res, const Knobs&) { not_found(req, res); },
      true, false});
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    auto h = [this, fallback](const httplib::Request& req, httplib::Response& res) {
      if (req.path.starts_with("/_standin/")) {
        reply_detail(res, 404, "Unknown stand-in control endpoint");
        return;
      }
      handle(*fallback, req, res);
    };
    std::string m = method;
    if (m == "GET") svr_.Get(".*", h);
    else if (m == "POST") svr_.Post(".*", h);
    else if (m == "PUT") svr_.Put(".*", h);
    else if (m == "PATCH") svr_.Patch(".*", h);
    else svr_.Delete(".*", h);
  }
}

}  // namespace standin
