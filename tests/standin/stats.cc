#include "stats.h"

namespace standin {

RequestNumbers ServerStats::begin_request(LoggedRequest entry, bool write) {
  int64_t now = in_flight_.fetch_add(1) + 1;
  int64_t peak = max_concurrent_.load();
  while (now > peak && !max_concurrent_.compare_exchange_weak(peak, now)) {
  }
  std::lock_guard lock(mu_);
  // The sequence numbers are taken under the lock so that they match the log order.
  RequestNumbers numbers;
  numbers.n = requests_.fetch_add(1) + 1;
  if (write) numbers.write = writes_.fetch_add(1) + 1;
  entry.write = numbers.write;
  log_.push_back(std::move(entry));
  if (log_.size() > kLogCapacity) log_.pop_front();
  return numbers;
}

void ServerStats::count_fault(const std::string& name) {
  std::lock_guard lock(mu_);
  ++faults_[name];
}

void ServerStats::count_status(int status) {
  std::lock_guard lock(mu_);
  ++statuses_[status];
}

void ServerStats::write_fields(JsonOut& j) const {
  std::lock_guard lock(mu_);
  auto status = [this](int s) {
    auto it = statuses_.find(s);
    return it == statuses_.end() ? uint64_t{0} : it->second;
  };
  j.field("requests", requests_.load());
  j.field("writes", writes_.load());
  j.field("in_flight", in_flight_.load());
  j.field("max_concurrent", max_concurrent_.load());
  // 503/429/dropped count injected faults only; 401/403/422 count every such answer, so a
  // test can assert that the client never produced a request the server rejects.
  j.key("faults").begin_object();
  j.field("503", injected_503_.load());
  j.field("429", injected_429_.load());
  j.field("dropped", dropped_.load());
  j.field("422", status(422));
  j.field("401", status(401));
  j.field("403", status(403));
  for (const auto& [name, count] : faults_) j.field(name, count);
  j.end_object();
  j.key("responses").begin_object();
  for (const auto& [code, count] : statuses_) j.field(std::to_string(code), count);
  j.end_object();
}

void ServerStats::write_request_log(JsonOut& j) const {
  std::lock_guard lock(mu_);
  j.begin_array();
  for (const auto& r : log_) {
    j.begin_object();
    j.field("method", r.method);
    j.field("path", r.path);
    j.field("target", r.target);
    j.key("headers").begin_object();
    for (const auto& [k, v] : r.headers) j.field(k, v);
    j.end_object();
    j.field("body", r.body);
    j.field("write", r.write).field("connection_requests", r.connection_requests);
    j.end_object();
  }
  j.end_array();
}

void ServerStats::reset() {
  std::lock_guard lock(mu_);
  requests_ = writes_ = 0;
  max_concurrent_ = in_flight_.load();
  injected_503_ = injected_429_ = dropped_ = 0;
  statuses_.clear();
  faults_.clear();
  log_.clear();
}

}  // namespace standin
