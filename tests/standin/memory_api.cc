#include "memory_api.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "http_reply.h"
#include "json_out.h"

namespace standin::memory_api {
namespace {

using namespace std::chrono_literals;

SysTime server_now(const Knobs& k) { return k.now.value_or(std::chrono::system_clock::now()); }

const char* const kSentences[] = {
    "Had a great team meeting today about the Q3 roadmap and the hiring plan.",
    "Met Anna at the cafe, we talked about the new onboarding guide.",
    "Reminder: call the dentist on Monday morning.",
    "Idea for the garden: plant tomatoes along the south fence.",
    "The deployment went fine, only the search index needed a rebuild.",
    "Notes from the book club: everyone liked the second half better.",
    "Walked along the river, the weather finally turned warm.",
    "Discussed the budget with Tom; travel costs need to go down.",
    "Grocery list: oat milk, coffee beans, apples and bread.",
    "Podcast idea: interview people who changed careers after forty.",
    "Kids' football practice moved to Thursday at five.",
    "Learned that the old bridge downtown was built in 1889."};

constexpr const char kIdChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string memory_id(std::mt19937_64& rng) {
  std::string id(20, 'x');
  for (auto& c : id) c = kIdChars[rng() % (sizeof kIdChars - 1)];
  return id;
}

std::string gcs_time(SysTime t) {
  std::string iso = iso_utc(t);  // 2024-01-19T07:28:08Z -> 2024-01-19 07:28:08
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

std::optional<std::chrono::hours> range_span(const std::string& r) {
  if (r == "day") return 24h;
  if (r == "week") return 24h * 7;
  if (r == "month") return 24h * 30;
  return std::nullopt;
}

}  // namespace

bool MemoryApiBackend::load(const std::vector<std::string>& files, const std::vector<std::pair<std::string, int>>& gen,
                            const Knobs& k, std::string& err) {
  seed_ = k.seed;
  SysTime now = server_now(k);
  for (const auto& path : files) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return err = "cannot read --memories " + path, false;
    std::stringstream ss;
    ss << f.rdbuf();
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (parser.parse(ss.str()).get_object().get(root)) return err = path + ": expected {\"<ctx>\": [memory, ...]}", false;
    for (auto [ctx, value] : root) {
      simdjson::dom::array arr;
      if (value.get_array().get(arr)) return err = path + ": context " + std::string(ctx) + " is not an array", false;
      std::lock_guard lock(mu_);
      if (!add_json(std::string(ctx), arr, now, err)) return err = path + ": " + err, false;
    }
  }
  std::lock_guard lock(mu_);
  for (const auto& [ctx, n] : gen) generate(ctx, n, now, true, k.seed);
  return true;
}

bool MemoryApiBackend::add_json(const std::string& ctx, simdjson::dom::array memories, SysTime now, std::string& err) {
  auto& list = contexts_[ctx];
  std::mt19937_64 rng(std::hash<std::string>{}(ctx) ^ list.size() ^ static_cast<uint64_t>(now.time_since_epoch().count()));
  for (auto m : memories) {
    simdjson::dom::object obj;
    if (m.get_object().get(obj)) return err = "every memory must be a JSON object", false;
    Memory mem;
    std::string_view s;
    mem.id = obj.at_key("id").get_string().get(s) ? memory_id(rng) : std::string(s);
    std::optional<SysTime> created;
    if (!obj.at_key("created_at").get_string().get(s)) {
      created = parse_iso(s);
      if (!created) return err = "memory " + mem.id + ": created_at is not ISO-8601", false;
    }
    mem.created = created.value_or(now);
    if (!obj.at_key("transcript").get_string().get(s)) mem.transcript = s;
    bool b;
    if (!obj.at_key("audio").get_bool().get(b)) mem.audio = b;
    if (!obj.at_key("image").get_bool().get(b)) mem.image = b;
    // Serve the object as given, adding only what a server always has (id, created_at).
    JsonOut j;
    j.begin_object();
    if (obj.at_key("id").error()) j.field("id", mem.id);
    if (obj.at_key("created_at").error()) j.field("created_at", iso_utc(mem.created));
    std::string body = simdjson::minify(m);
    if (!obj.at_key("transcript_json").get_string().get(s)) {
      // What a real server serves after a client cut an emoji in half: a transcript written
      // verbatim (e.g. "\"cut \\ud83d\"", a lone surrogate no strict parser accepts).
      std::string raw(s);
      JsonOut b;
      b.begin_object();
      for (auto [key, value] : obj) {
        if (key == "transcript") continue;
        if (key == "transcript_json") b.key("transcript").raw(raw);
        else b.key(key).raw(simdjson::minify(value));
      }
      b.end_object();
      body = b.take();
      mem.transcript = raw;
    }
    std::string fields = j.take();
    mem.json = fields.size() > 1 ? fields + (body.size() > 2 ? "," + body.substr(1) : "}") : body;
    list.push_back(std::move(mem));
  }
  return true;
}

std::vector<std::string> MemoryApiBackend::generate(const std::string& ctx, int n, SysTime now, bool spread_over_days,
                                                     uint64_t seed) {
  auto& list = contexts_[ctx];
  size_t& counter = generated_[ctx];
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i, ++counter) {
    // Deterministic per (seed, context, index): the same flags give the same memories.
    std::mt19937_64 rng(seed * 1000003 + std::hash<std::string>{}(ctx) + counter * 7919);
    Memory m;
    m.id = memory_id(rng);
    // Seeded memories spread over the last 20 days; runtime additions are the newest.
    auto age = spread_over_days ? std::chrono::seconds(rng() % (20 * 24 * 3600)) : std::chrono::seconds(n - i);
    m.created = std::chrono::time_point_cast<std::chrono::seconds>(now - age);
    m.transcript = counter % 7 == 3 ? "" : kSentences[rng() % std::size(kSentences)];
    m.audio = rng() % 3 != 0;
    m.image = rng() % 3 == 0;
    JsonOut j;
    j.begin_object().field("id", m.id).field("type", "memory").field("audio", m.audio).field("image", m.image);
    if (m.audio) j.field("gcs_uri", "gs://standin-bucket/uploads/" + ctx + "_" + gcs_time(m.created) + "_memory.mp3");
    if (m.image) j.field("gcs_uri_img", "gs://standin-bucket/uploads/image_" + ctx + "_" + m.id + ".jpeg");
    j.field("transcript", m.transcript);
    if (rng() % 2 == 0) {
      j.field("location_lat", 48.0 + static_cast<double>(rng() % 10000) / 10000.0);
      j.field("location_lon", 11.0 + static_cast<double>(rng() % 10000) / 10000.0);
    }
    j.field("created_at", iso_utc(m.created)).field("updated_at", iso_utc(m.created + std::chrono::minutes(2)));
    j.end_object();
    m.json = j.take();
    ids.push_back(m.id);
    list.push_back(std::move(m));
  }
  return ids;
}

bool MemoryApiBackend::authorize(const httplib::Request& req, httplib::Response& res, const Knobs& k) {
  if (k.api_key.empty() || req.get_header_value("X-API-KEY") == k.api_key) return true;
  reply_detail(res, 401, req.has_header("X-API-KEY") ? "Invalid API key" : "Missing X-API-KEY header");
  return false;
}

void MemoryApiBackend::list(const httplib::Request& req, httplib::Response& res, const Knobs& k) {
  std::string ctx = req.matches[1];
  long long limit = 10;
  if (req.has_param("limit")) {
    std::string v = req.get_param_value("limit");
    char* end = nullptr;
    limit = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end || limit < 1) return reply_detail(res, 400, "limit must be a positive integer");
  }
  std::string range = req.has_param("range") ? req.get_param_value("range") : "week";
  if (range != "all" && !range_span(range)) return reply_detail(res, 400, "range must be one of day, week, month, all");
  SysTime now = server_now(k);
  std::vector<const Memory*> rows;
  std::lock_guard lock(mu_);
  if (range == "all" && !range_all_) return reply_detail(res, 400, "range must be one of day, week, month");
  ++fetches_;
  auto it = contexts_.find(ctx);
  if (it == contexts_.end()) return reply_detail(res, 404, "Context '" + ctx + "' not found");
  for (const auto& m : it->second)
    if (range == "all" || m.created >= now - *range_span(range)) rows.push_back(&m);
  std::stable_sort(rows.begin(), rows.end(), [](const Memory* a, const Memory* b) { return a->created > b->created; });
  if (rows.size() > static_cast<size_t>(limit)) rows.resize(static_cast<size_t>(limit));
  served_ += rows.size();
  JsonOut j;
  j.begin_object().field("count", rows.size()).key("memories").begin_array();
  for (const Memory* m : rows) j.raw(m->json);
  j.end_array().end_object();
  reply_json(res, 200, j.take());
}

void MemoryApiBackend::media(const httplib::Request& req, httplib::Response& res, bool audio) {
  std::lock_guard lock(mu_);
  auto it = contexts_.find(req.matches[1]);
  if (it == contexts_.end()) return reply_detail(res, 404, "Context not found");
  for (const auto& m : it->second) {
    if (m.id != req.matches[2]) continue;
    if (audio ? !m.audio : !m.image) break;
    // Tiny valid-looking headers: an MP3 frame sync / a JPEG SOI+EOI.
    std::string body = audio ? std::string("\xFF\xFB\x90\x64", 4) + std::string(256, '\0') : std::string("\xFF\xD8\xFF\xD9", 4);
    res.status = 200;
    res.set_content(body, audio ? "audio/mpeg" : "image/jpeg");
    return;
  }
  reply_detail(res, 404, audio ? "Audio not found" : "Image not found");
}

void MemoryApiBackend::register_routes(ApiServer& api) {
  // A webhook sink for memconn's alerts (connectors' notify_url): answers 200, and the
  // request shows in /_standin/requests like any other.
  api.route("POST", "/hooks/memconn", [](const httplib::Request&, httplib::Response& res, const Knobs&) {
    reply_json(res, 200, R"({"ok":true})");
  }, true);
  api.route("GET", "/memory/([^/]+)", [this](const httplib::Request& req, httplib::Response& res, const Knobs& k) { list(req, res, k); });
  api.route("GET", "/memory/([^/]+)/([^/]+)/audio",
            [this](const httplib::Request& req, httplib::Response& res, const Knobs&) { media(req, res, true); });
  api.route("GET", "/memory/([^/]+)/([^/]+)/image",
            [this](const httplib::Request& req, httplib::Response& res, const Knobs&) { media(req, res, false); });
}

void MemoryApiBackend::register_control(httplib::Server& svr, const Faults& faults) {
  svr.Post("/_standin/memory-api", [this](const httplib::Request& req, httplib::Response& res) {
    simdjson::dom::parser parser;
    bool all;
    if (parser.parse(req.body)["range_all"].get_bool().get(all)) return reply_detail(res, 400, R"(expected {"range_all": true|false})");
    std::lock_guard lock(mu_);
    range_all_ = all;
    reply_json(res, 200, R"({"range_all":)" + std::string(all ? "true" : "false") + "}");
  });
  svr.Post("/_standin/memories/edit",
           [this, &faults](const httplib::Request& req, httplib::Response& res) { edit(req, res, faults); });
  svr.Post("/_standin/memories", [this, &faults](const httplib::Request& req, httplib::Response& res) {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    std::string_view ctx;
    if (parser.parse(req.body).get_object().get(obj) || obj.at_key("context").get_string().get(ctx) || ctx.empty())
      return reply_detail(res, 400, R"(expected {"context": "...", "memories": [...]} or {"context": "...", "generate": N})");
    // Runtime additions follow the server clock (--now, or "now" in /_standin/config).
    SysTime now = server_now(faults.snapshot());
    std::lock_guard lock(mu_);
    std::vector<std::string> ids;
    simdjson::dom::array arr;
    int64_t n = 0;
    size_t before = contexts_[std::string(ctx)].size();
    if (!obj.at_key("memories").get_array().get(arr)) {
      std::string err;
      if (!add_json(std::string(ctx), arr, now, err)) return reply_detail(res, 400, err);
      for (size_t i = before; i < contexts_[std::string(ctx)].size(); ++i) ids.push_back(contexts_[std::string(ctx)][i].id);
    } else if (!obj.at_key("generate").get_int64().get(n) && n >= 0) {
      ids = generate(std::string(ctx), static_cast<int>(n), now, false, seed_);
    } else {
      return reply_detail(res, 400, "give \"memories\" (array) or \"generate\" (non-negative integer)");
    }
    JsonOut j;
    j.begin_object().field("context", ctx).field("added", ids.size()).field("total", contexts_[std::string(ctx)].size());
    j.key("ids").begin_array();
    for (const auto& id : ids) j.value(id);
    j.end_array().end_object();
    reply_json(res, 200, j.take());
  });
}

// An edit as the owner's app makes it: same id and created_at, new transcript, updated_at
// moved to the server's now (or the given time).
void MemoryApiBackend::edit(const httplib::Request& req, httplib::Response& res, const Faults& faults) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  std::string_view ctx, id, transcript, updated;
  if (parser.parse(req.body).get_object().get(obj) || obj.at_key("context").get_string().get(ctx) ||
      obj.at_key("id").get_string().get(id) || obj.at_key("transcript").get_string().get(transcript))
    return reply_detail(res, 400, R"(expected {"context": "...", "id": "...", "transcript": "...", "updated_at"?: "..."})");
  std::string when = obj.at_key("updated_at").get_string().get(updated) ? iso_utc(server_now(faults.snapshot()))
                                                                         : std::string(updated);
  std::lock_guard lock(mu_);
  auto c = contexts_.find(std::string(ctx));
  if (c == contexts_.end()) return reply_detail(res, 404, "Context '" + std::string(ctx) + "' not found");
  for (auto& m : c->second) {
    if (m.id != id) continue;
    simdjson::dom::parser p2;
    simdjson::dom::object old;
    if (p2.parse(m.json).get_object().get(old)) return reply_detail(res, 500, "stored memory is not an object");
    JsonOut j;
    j.begin_object();
    for (auto [key, value] : old)
      if (key != "transcript" && key != "updated_at") j.key(key).raw(simdjson::minify(value));
    j.field("transcript", transcript).field("updated_at", when).end_object();
    m.json = j.take();
    m.transcript = transcript;
    JsonOut r;
    r.begin_object().field("context", ctx).field("id", id).field("updated_at", when).end_object();
    return reply_json(res, 200, r.take());
  }
  reply_detail(res, 404, "Memory '" + std::string(id) + "' not found");
}

void MemoryApiBackend::write_stats(JsonOut& j) {
  std::lock_guard lock(mu_);
  size_t total = 0;
  for (const auto& [ctx, list] : contexts_) total += list.size();
  j.field("contexts", contexts_.size()).field("memories", total).field("fetch_requests", fetches_);
  j.field("memories_served", served_);
}

void MemoryApiBackend::write_documents(JsonOut& j) {
  std::lock_guard lock(mu_);
  j.begin_array();
  for (const auto& [ctx, list] : contexts_)
    for (const auto& m : list) {
      j.begin_object().field("bank", ctx).field("document_id", m.id).field("content", m.transcript);
      j.field("created_at", iso_utc(m.created)).key("memory").raw(m.json).end_object();
    }
  j.end_array();
}

void MemoryApiBackend::reset() {
  std::lock_guard lock(mu_);
  contexts_.clear();
  generated_.clear();
  fetches_ = served_ = 0;
  range_all_ = true;
}

}  // namespace standin::memory_api
