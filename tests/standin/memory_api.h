// The FR01 "Memory API" stand-in: GET /memory/{ctx}?limit=&range= with X-API-KEY, memories
// seeded from --memories files and --generate CTX:N, growable at runtime through
// POST /_standin/memories, editable through POST /_standin/memories/edit {"context", "id",
// "transcript", "updated_at"?} (same id and created_at, new text and updated_at). Behaviour
// follows Part 2 of lightrag-and-memory-api.md.
#pragma once

#include <simdjson.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api_server.h"
#include "backend.h"
#include "clock.h"

namespace standin::memory_api {

struct Memory {
  std::string id;
  SysTime created;
  std::string json;  // the memory object as served (fields pass through untouched)
  std::string transcript;
  bool audio = false, image = false;
};

class MemoryApiBackend : public Backend {
 public:
  // Seeds: JSON files {"<ctx>":[memory…]} and (ctx, n) generators, relative to `now`.
  bool load(const std::vector<std::string>& files, const std::vector<std::pair<std::string, int>>& generate,
            const Knobs& k, std::string& err);

  void register_routes(ApiServer& api) override;
  bool authorize(const httplib::Request& req, httplib::Response& res, const Knobs& k) override;
  void write_stats(JsonOut& j) override;
  void write_documents(JsonOut& j) override;
  void reset() override;
  void register_control(httplib::Server& svr, const Faults& faults) override;

 private:
  // Adds memories from a JSON array; ids/created_at are filled in when missing. A memory
  // may carry "transcript_json": raw JSON served as its transcript, to produce what strict
  // parsers reject (a lone surrogate escape).
  bool add_json(const std::string& ctx, simdjson::dom::array memories, SysTime now, std::string& err);
  std::vector<std::string> generate(const std::string& ctx, int n, SysTime now, bool spread_over_days, uint64_t seed);
  void list(const httplib::Request& req, httplib::Response& res, const Knobs& k);
  void media(const httplib::Request& req, httplib::Response& res, bool audio);
  void edit(const httplib::Request& req, httplib::Response& res, const Faults& faults);

  std::mutex mu_;
  std::map<std::string, std::vector<Memory>> contexts_;
  std::map<std::string, size_t> generated_;  // per context, so generated ids never repeat
  uint64_t fetches_ = 0, served_ = 0;
  uint64_t seed_ = 1;
  // FR01 offers range=all only "if supported": POST /_standin/memory-api {"range_all": false}
  // makes this server one that answers 400 to it.
  bool range_all_ = true;
};

}  // namespace standin::memory_api
