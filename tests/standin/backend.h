// What each stand-in kind (Hindsight, LightRAG, Memory API) plugs into the shared server:
// its API routes, its auth rule and its view of the stored data for /_standin/*.
#pragma once

#include <httplib.h>

#include "faults.h"
#include "json_out.h"
#include "knobs.h"

namespace standin {

class ApiServer;

class Backend {
 public:
  virtual ~Backend() = default;

  virtual void register_routes(ApiServer& api) = 0;
  // Called for every non-open API route; on refusal fills res and returns false.
  virtual bool authorize(const httplib::Request& req, httplib::Response& res, const Knobs& k) = 0;
  // Adds the backend's counters to the already-open /_standin/stats object.
  virtual void write_stats(JsonOut& j) = 0;
  // Writes the JSON array served by GET /_standin/documents.
  virtual void write_documents(JsonOut& j) = 0;
  virtual void reset() = 0;
  // Kind-specific control endpoints under /_standin/ (no auth, no faults); faults gives
  // the current runtime knobs.
  virtual void register_control(httplib::Server&, const Faults&) {}
};

}  // namespace standin
