// The Hindsight 0.9.1 stand-in: routes under /v1/default/banks/{bank_id}/..., health and
// version, Bearer-key auth. Behaviour follows /work/shared/specs/hindsight.md.
#pragma once

#include <chrono>

#include "api_server.h"
#include "backend.h"
#include "hindsight_store.h"

namespace standin::hindsight {

class HindsightBackend : public Backend {
 public:
  void register_routes(ApiServer& api) override;
  bool authorize(const httplib::Request& req, httplib::Response& res, const Knobs& k) override;
  void write_stats(JsonOut& j) override { store_.write_stats(j); }
  void write_documents(JsonOut& j) override { store_.write_documents(j); }
  void reset() override { store_.reset(); }

 private:
  void retain(const httplib::Request& req, httplib::Response& res, const Knobs& k);
  void recall(const httplib::Request& req, httplib::Response& res);
  void reflect(const httplib::Request& req, httplib::Response& res);
  void operation(const httplib::Request& req, httplib::Response& res);
  void put_bank(const httplib::Request& req, httplib::Response& res);
  void register_repair_routes(ApiServer& api);  // hindsight_repair.cc

  Store store_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace standin::hindsight
