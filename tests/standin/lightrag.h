// The LightRAG server stand-in (API 0260, or the 1.5.x line with --lightrag-version new):
// text inserts with duplicate detection, track status, queries, X-API-Key auth.
// Behaviour follows Part 1 of /work/shared/specs/lightrag-and-memory-api.md.
#pragma once

#include "api_server.h"
#include "backend.h"
#include "lightrag_store.h"

namespace standin::lightrag {

class LightragBackend : public Backend {
 public:
  void register_routes(ApiServer& api) override;
  bool authorize(const httplib::Request& req, httplib::Response& res, const Knobs& k) override;
  void write_stats(JsonOut& j) override { store_.write_stats(j); }
  void write_documents(JsonOut& j) override { store_.write_documents(j); }
  void reset() override { store_.reset(); }

 private:
  void insert_text(const httplib::Request& req, httplib::Response& res, const Knobs& k);
  void insert_texts(const httplib::Request& req, httplib::Response& res, const Knobs& k);
  void query(const httplib::Request& req, httplib::Response& res, bool data_only);

  Store store_;
};

}  // namespace standin::lightrag
