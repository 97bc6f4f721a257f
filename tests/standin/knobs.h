// Every behaviour a test can tune, at start-up (flags) or at runtime (POST /_standin/config).
// One struct so that flags and config keys can never drift apart: the flag is the key
// with '-' for '_'.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock.h"

namespace standin {

class JsonOut;

struct Knobs {
  std::string api_key;          // empty = auth disabled
  // Processing time before the request takes effect: a retain or insert is stored at the END
  // of latency_ms (and of capacity_ms, slow_ms), so a request the client gave up on lands later.
  int latency_ms = 0;
  // Sleep after processing, before answering: a sync retain whose LLM extraction outlasts
  // the client's timeout (the work is stored; the answer comes too late).
  int answer_delay_ms = 0;
  // An LLM-bound server: capacity_slots requests served at once, capacity_ms each; up to
  // capacity_queue more wait (latency grows with the queue); beyond that 429 + Retry-After.
  int capacity_slots = 0;
  int capacity_queue = 0;
  int capacity_ms = 0;
  int fail_every = 0;           // every K-th API request -> 503 + Retry-After
  double fail_rate = 0;         // same, with probability P
  int throttle_every = 0;       // every K-th API request -> 429 + Retry-After
  double throttle_rate = 0;
  int retry_after = 1;          // seconds, for 503/429
  int drop_every = 0;           // every K-th API request is processed, then the connection is cut
  double drop_rate = 0;
  // Which API requests the timing and fault knobs touch (latency, answer delay, capacity,
  // slow body, gateway, fail/throttle/drop every/rate): "all", or only "writes" (retain and
  // insert POSTs), so that read-backs stay fast and clean as on a real LLM-bound server.
  // The *_every counters count the requests in scope.
  std::string fault_scope = "all";
  // How a dropped answer looks. "zero": the connection closes before any answer byte (a
  // server that crashed after its commit, a proxy or load balancer resetting): libcurl then
  // re-sends the request by itself when the connection was a reused keep-alive one. "half":
  // half the body, then the cut (curl error 18; never re-sent by libcurl). "auto": zero for
  // drop_nth, half for drop_every/drop_rate, whose tests were written against half.
  std::string drop_style = "auto";
  // "after": the request is stored, then its answer is lost (a lost acknowledgement).
  // "before": the connection is cut without processing (nothing stored).
  std::string drop_phase = "after";
  bool drop_reused_only = false;  // drop only on a connection that already served a request
  // Writes (retain/insert POSTs, counted from 1 in arrival order) chosen by number:
  std::vector<uint64_t> drop_nth;  // lose the answer (style, phase and reuse rule as above)
  std::vector<uint64_t> hang_nth;  // store, then hold the answer hang_ms (a kill -9 lands meanwhile)
  int hang_ms = 30000;
  std::vector<uint64_t> slow_nth;  // take slow_ms longer before storing (lands after later writes)
  int slow_ms = 0;
  // A gateway in front of the server: a request still being processed after this long is
  // answered 504 with the gateway's HTML page, while the server goes on and stores it.
  int gateway_timeout_ms = 0;
  uint64_t seed = 1;            // for the *_rate knobs
  int slow_body_ms = 0;         // trickle each response body over N ms
  std::string reject_marker;    // retain/insert items containing it -> 422, nothing stored
  bool respond_html = false;    // API routes answer 200 text/html
  bool respond_malformed = false;  // API routes answer 200 application/json, truncated
  // API routes answer 200 with a JSON body this many bytes long, generated while it is sent
  // (never held in memory): a broken or hostile server. Chunked (no Content-Length) when
  // huge_body_chunked is set, so only the client's receive callback can stop it.
  uint64_t huge_body_bytes = 0;
  bool huge_body_chunked = false;
  // Every API request answers this status with {"detail": status_detail}, nothing processed
  // (a server that is down in one way: wrong path behind a proxy, LLM provider failing).
  // A 3xx also gets a Location header, as a proxy redirecting to a login page would send.
  int status_always = 0;
  std::string status_detail = "stand-in: status_always";
  int op_ms = 300;              // async operation: pending -> processing -> done
  std::string fail_op_marker;   // async operations with an item containing it end failed
  // Hindsight (and LightRAG) losing work on its own (memconn verify): every K-th document a
  // retain or insert writes is silently not stored; documents containing empty_marker are stored with no memory units
  // (until reprocessed); async operations with an item containing stuck_op_marker stay
  // pending forever (a server killed mid-work).
  int drop_documents_every = 0;
  std::string empty_marker;
  std::string stuck_op_marker;
  bool worker_off = false;      // Hindsight /version reports features.worker false
  bool log = false;             // one stderr line per API request
  // LightRAG: "old" = API 0260 (200 "duplicated"), "new" = 1.5.x (409, 413 on --max-texts).
  std::string lightrag_version = "old";
  int max_texts = 0;
  // Memory API: the server clock used for ?range=; unset = real time.
  std::optional<SysTime> now;
};

// Sets knob `name` (flag or key spelling) from its textual value. Boolean knobs accept
// "true"/"false"/"1"/"0"; an empty value clears a string knob. Returns false with a
// reason in err for an unknown name or a bad value.
bool set_knob(Knobs& k, std::string_view name, std::string_view value, std::string& err);
// The current settings, as served by GET /_standin/config.
void write_knobs(JsonOut& j, const Knobs& k);
// True for knobs that take no value on the command line.
bool is_boolean_knob(std::string_view name);

}  // namespace standin
