// Transport-level counters and the recent-request log behind /_standin/stats and
// /_standin/requests. Backends add their own counters (items, documents) separately.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "json_out.h"

namespace standin {

struct LoggedRequest {
  std::string method, path, target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  uint64_t write = 0;                // 1-based write number (retain/insert POSTs); 0 = not a write
  uint64_t connection_requests = 0;  // requests on its connection so far, this one included
};

// The sequence numbers begin_request hands out.
struct RequestNumbers {
  uint64_t n = 0;      // among all API requests
  uint64_t write = 0;  // among the writes; 0 = not a write
};

class ServerStats {
 public:
  static constexpr size_t kLogCapacity = 200;

  // Counts and logs an API request (a write when `write`); fills entry.write and returns
  // the request's 1-based sequence numbers.
  RequestNumbers begin_request(LoggedRequest entry, bool write);
  void end_request() { in_flight_.fetch_sub(1); }
  void count_status(int status);
  void count_injected_503() { injected_503_.fetch_add(1); }
  void count_injected_429() { injected_429_.fetch_add(1); }
  void count_dropped() { dropped_.fetch_add(1); }
  // Other injected faults, reported under "faults" by name: gateway_504, drop_spared, slowed, held.
  void count_fault(const std::string& name);

  // Writes the transport fields into an already-open JSON object.
  void write_fields(JsonOut& j) const;
  void write_request_log(JsonOut& j) const;
  void reset();

 private:
  std::atomic<uint64_t> requests_{0}, writes_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> max_concurrent_{0};
  std::atomic<uint64_t> injected_503_{0}, injected_429_{0}, dropped_{0};
  mutable std::mutex mu_;
  std::map<int, uint64_t> statuses_;
  std::map<std::string, uint64_t> faults_;
  std::deque<LoggedRequest> log_;
};

}  // namespace standin
