#include "knobs.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "json_out.h"

namespace standin {
namespace {

std::string normalise(std::string_view name) {
  std::string n(name);
  for (auto& c : n)
    if (c == '-') c = '_';
  return n;
}

template <class T>
bool parse_int(std::string_view v, T& out) {
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && p == v.data() + v.size();
}

bool parse_double(std::string_view v, double& out) {
  std::string s(v);
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

bool parse_bool(std::string_view v, bool& out) {
  if (v == "true" || v == "1" || v.empty()) return out = true, true;
  if (v == "false" || v == "0") return out = false, true;
  return false;
}

// "2,5" -> {2, 5}: request numbers counted from 1; "" clears the list.
bool parse_numbers(std::string_view v, std::vector<uint64_t>& out) {
  std::vector<uint64_t> numbers;
  while (!v.empty()) {
    auto comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    uint64_t n = 0;
    if (!parse_int(item, n) || n == 0) return false;
    numbers.push_back(n);
    v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
    if (comma != std::string_view::npos && v.empty()) return false;  // a trailing comma
  }
  std::sort(numbers.begin(), numbers.end());
  out = std::move(numbers);
  return true;
}

std::string numbers_text(const std::vector<uint64_t>& numbers) {
  std::string s;
  for (uint64_t n : numbers) s += (s.empty() ? "" : ",") + std::to_string(n);
  return s;
}

}  // namespace

bool is_boolean_knob(std::string_view name) {
  std::string n = normalise(name);
  return n == "respond_html" || n == "respond_malformed" || n == "log" || n == "worker_off" ||
         n == "huge_body_chunked" || n == "drop_reused_only";
}

bool set_knob(Knobs& k, std::string_view name, std::string_view value, std::string& err) {
  std::string n = normalise(name);
  auto integer = [&](int& field) {
    if (!parse_int(value, field) || field < 0) return err = n + ": expected a non-negative integer", false;
    return true;
  };
  auto rate = [&](double& field) {
    if (!parse_double(value, field) || field < 0 || field > 1) return err = n + ": expected a number in 0..1", false;
    return true;
  };
  auto boolean = [&](bool& field) {
    if (!parse_bool(value, field)) return err = n + ": expected true or false", false;
    return true;
  };
  if (n == "api_key") return k.api_key = value, true;
  if (n == "latency_ms") return integer(k.latency_ms);
  if (n == "answer_delay_ms") return integer(k.answer_delay_ms);
  if (n == "capacity_slots") return integer(k.capacity_slots);
  if (n == "capacity_queue") return integer(k.capacity_queue);
  if (n == "capacity_ms") return integer(k.capacity_ms);
  if (n == "fail_every") return integer(k.fail_every);
  if (n == "fail_rate") return rate(k.fail_rate);
  if (n == "throttle_every") return integer(k.throttle_every);
  if (n == "throttle_rate") return rate(k.throttle_rate);
  if (n == "retry_after") return integer(k.retry_after);
  if (n == "drop_every") return integer(k.drop_every);
  if (n == "drop_rate") return rate(k.drop_rate);
  auto one_of = [&](std::string& field, std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
      if (value == a) return field = value, true;
    err = n + ": expected one of";
    for (auto a : allowed) err += " " + std::string(a);
    return false;
  };
  auto numbers = [&](std::vector<uint64_t>& field) {
    if (!parse_numbers(value, field)) return err = n + ": expected request numbers from 1, comma-separated", false;
    return true;
  };
  if (n == "fault_scope") return one_of(k.fault_scope, {"all", "writes"});
  if (n == "drop_style") return one_of(k.drop_style, {"auto", "zero", "half"});
  if (n == "drop_phase") return one_of(k.drop_phase, {"after", "before"});
  if (n == "drop_reused_only") return boolean(k.drop_reused_only);
  if (n == "drop_nth") return numbers(k.drop_nth);
  if (n == "hang_nth") return numbers(k.hang_nth);
  if (n == "hang_ms") return integer(k.hang_ms);
  if (n == "slow_nth") return numbers(k.slow_nth);
  if (n == "slow_ms") return integer(k.slow_ms);
  if (n == "gateway_timeout_ms") return integer(k.gateway_timeout_ms);
  if (n == "seed") {
    if (!parse_int(value, k.seed)) return err = "seed: expected an unsigned integer", false;
    return true;
  }
  if (n == "slow_body_ms") return integer(k.slow_body_ms);
  if (n == "reject_marker") return k.reject_marker = value, true;
  if (n == "respond_html") return boolean(k.respond_html);
  if (n == "respond_malformed") return boolean(k.respond_malformed);
  if (n == "huge_body_bytes") {
    if (!parse_int(value, k.huge_body_bytes)) return err = "huge_body_bytes: expected a byte count", false;
    return true;
  }
  if (n == "huge_body_chunked") return boolean(k.huge_body_chunked);
  if (n == "status_always") {
    if (!integer(k.status_always)) return false;
    if (k.status_always != 0 && (k.status_always < 100 || k.status_always > 599))
      return err = "status_always: expected 0 or an HTTP status", false;
    return true;
  }
  if (n == "status_detail") return k.status_detail = value, true;
  if (n == "op_ms") return integer(k.op_ms);
  if (n == "fail_op_marker") return k.fail_op_marker = value, true;
  if (n == "log") return boolean(k.log);
  if (n == "drop_documents_every") return integer(k.drop_documents_every);
  if (n == "empty_marker") return k.empty_marker = value, true;
  if (n == "stuck_op_marker") return k.stuck_op_marker = value, true;
  if (n == "worker_off") return boolean(k.worker_off);
  if (n == "lightrag_version") {
    if (value != "old" && value != "new") return err = "lightrag_version: expected old or new", false;
    return k.lightrag_version = value, true;
  }
  if (n == "max_texts") return integer(k.max_texts);
  if (n == "now") {
    if (value.empty()) return k.now.reset(), true;
    auto t = parse_iso(value);
    if (!t) return err = "now: expected an ISO-8601 timestamp", false;
    return k.now = *t, true;
  }
  err = "unknown setting: " + n;
  return false;
}

void write_knobs(JsonOut& j, const Knobs& k) {
  j.begin_object();
  j.field("api_key", k.api_key);
  j.field("latency_ms", k.latency_ms);
  j.field("answer_delay_ms", k.answer_delay_ms);
  j.field("capacity_slots", k.capacity_slots);
  j.field("capacity_queue", k.capacity_queue);
  j.field("capacity_ms", k.capacity_ms);
  j.field("fail_every", k.fail_every);
  j.field("fail_rate", k.fail_rate);
  j.field("throttle_every", k.throttle_every);
  j.field("throttle_rate", k.throttle_rate);
  j.field("retry_after", k.retry_after);
  j.field("drop_every", k.drop_every);
  j.field("drop_rate", k.drop_rate);
  j.field("fault_scope", k.fault_scope);
  j.field("drop_style", k.drop_style);
  j.field("drop_phase", k.drop_phase);
  j.field("drop_reused_only", k.drop_reused_only);
  j.field("drop_nth", numbers_text(k.drop_nth));
  j.field("hang_nth", numbers_text(k.hang_nth));
  j.field("hang_ms", k.hang_ms);
  j.field("slow_nth", numbers_text(k.slow_nth));
  j.field("slow_ms", k.slow_ms);
  j.field("gateway_timeout_ms", k.gateway_timeout_ms);
  j.field("seed", k.seed);
  j.field("slow_body_ms", k.slow_body_ms);
  j.field("reject_marker", k.reject_marker);
  j.field("respond_html", k.respond_html);
  j.field("respond_malformed", k.respond_malformed);
  j.field("huge_body_bytes", k.huge_body_bytes);
  j.field("huge_body_chunked", k.huge_body_chunked);
  j.field("status_always", k.status_always);
  j.field("status_detail", k.status_detail);
  j.field("op_ms", k.op_ms);
  j.field("fail_op_marker", k.fail_op_marker);
  j.field("log", k.log);
  j.field("drop_documents_every", k.drop_documents_every);
  j.field("empty_marker", k.empty_marker);
  j.field("stuck_op_marker", k.stuck_op_marker);
  j.field("worker_off", k.worker_off);
  j.field("lightrag_version", k.lightrag_version);
  j.field("max_texts", k.max_texts);
  j.key("now");
  if (k.now) j.value(iso_utc(*k.now));
  else j.value(nullptr);
  j.end_object();
}

}  // namespace standin
