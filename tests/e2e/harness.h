// End-to-end test harness: temp dirs, the memconn-standin server as a child process, and
// running the memconn binary with a clean environment, captured output and a deadline.
#pragma once

#include <simdjson.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace e2e {

// A string map whose operator[] also works on const objects (returning "" for a missing
// key), so that tests can read headers and metadata through const references.
class StringMap : public std::map<std::string, std::string> {
 public:
  using std::map<std::string, std::string>::map;
  using std::map<std::string, std::string>::operator[];
  const std::string& operator[](const std::string& key) const;
};

// A fresh directory under $TMPDIR (or /tmp), removed recursively on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name (no file is created).
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes content to path()/name, creating parent directories; returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// A parsed JSON document that owns its parser (elements stay valid as long as it lives).
class JsonDoc {
 public:
  explicit JsonDoc(std::string text);  // fails the current test on invalid JSON
  simdjson::dom::element root() const { return root_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
};

struct HttpResponse {
  long status = 0;         // 0 when the transfer failed
  std::string body{};
  std::string error{};     // libcurl's message on a transport error
  StringMap headers{};     // lower-case names
};

// GET /_standin/stats, flattened: "requests", "faults.503", "responses.200", ...
struct StandinStats {
  std::map<std::string, long long> values{};
  std::string raw{};
  // 0 for a key the stand-in did not report.
  long long operator[](const std::string& key) const;
  long long requests() const { return (*this)["requests"]; }
  long long retain_requests() const { return (*this)["retain_requests"]; }
  long long items_received() const { return (*this)["items_received"]; }
  long long unique_document_ids() const { return (*this)["unique_document_ids"]; }
  long long resent_items() const { return (*this)["resent_items"]; }
  long long documents() const { return (*this)["documents"]; }
  long long max_concurrent() const { return (*this)["max_concurrent"]; }
};

// One entry of GET /_standin/documents. Hindsight fills bank/context/timestamp/tags/
// metadata/content_hash; LightRAG fills file_source/track_id/status; Memory API is empty.
struct StoredDoc {
  std::string bank{}, document_id{}, content{}, content_hash{};
  std::optional<std::string> context{}, timestamp{};
  std::vector<std::string> tags{};
  StringMap metadata{};
  long long times_received = 0;  // Hindsight: writes that took effect (the document's sends)
  std::string file_source{}, track_id{}, status{};
  long long appends = 0;         // Hindsight: of those, appends onto stored text
};

// One entry of GET /_standin/requests (the last 200 API requests). Header names are lower-case.
struct SeenRequest {
  std::string method{}, path{}, target{}, body{};
  StringMap headers{};
  long long write = 0;                // 1-based number among retain/insert POSTs; 0 = not a write
  long long connection_requests = 0;  // requests on its connection so far; > 1 = a reused connection
  bool has_header(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
};

// memconn-standin as a child process. The destructor always stops and reaps it.
class Standin {
 public:
  // args: extra flags, e.g. {"--fail-every", "3"}; kind: hindsight | lightrag | memory-api.
  explicit Standin(std::vector<std::string> args = {}, std::string kind = "hindsight", int fixed_port = 0);
  ~Standin();
  Standin(const Standin&) = delete;
  Standin& operator=(const Standin&) = delete;

  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // Requests against the stand-in; path starts with '/'. get/post return the body and fail
  // the test on a transport error (any HTTP status is returned as is).
  std::string get(const std::string& path);
  std::string post(const std::string& path, const std::string& body);
  HttpResponse http(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::vector<std::string>& headers = {});

  StandinStats stats();
  std::vector<StoredDoc> documents();
  // One stored document (bank "" = any bank), or nullopt; its exact text and send count.
  std::optional<StoredDoc> document(const std::string& document_id, const std::string& bank = "");
  // document_id -> exact stored text, for one bank ("" = all banks).
  std::map<std::string, std::string> texts(const std::string& bank = "");
  std::vector<SeenRequest> requests();
  // POST /_standin/config with a JSON object, e.g. R"({"fail_rate":0,"reject_marker":""})".
  void config(const std::string& json);
  void reset();  // POST /_standin/reset: clears the store and the stats

  void kill9();     // SIGKILL + reap (an outage)
  int stop();       // SIGTERM + wait (10 s, then SIGKILL); returns the exit code
  void restart();   // stop if running, start again on the same port with the same flags
  // The stand-in's stderr so far (useful with --log).
  std::string stderr_text() const;

 private:
  void start(int port);

  std::vector<std::string> args_;
  std::string kind_;
  std::unique_ptr<TempDir> dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_;
};

// One libcurl easy handle kept across requests, so that they share a keep-alive connection
// as a memconn worker's do: libcurl's silent re-send of a request whose answer was lost
// happens only on a reused connection. Bodies go out with CURLOPT_POSTFIELDS, as memconn's.
class HttpSession {
 public:
  explicit HttpSession(std::string base_url);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  HttpResponse post(const std::string& path, const std::string& body);
  HttpResponse get(const std::string& path);
  // Of the last request: connections libcurl opened for it (0 = the kept one was reused),
  // and libcurl's informational lines (e.g. "Connection died, retrying a fresh connect").
  long new_connections() const { return connects_; }
  const std::string& curl_info() const { return info_; }

 private:
  HttpResponse perform(const std::string& method, const std::string& path, const std::string& body);

  std::string base_;
  void* curl_ = nullptr;  // CURL*
  long connects_ = 0;
  std::string info_;
};

struct RunResult {
  int exit_code = -1;     // valid when !signaled
  bool signaled = false;
  int signal = 0;
  std::string out{}, err{};
  long max_rss_kb = 0;    // with RunOptions::measure_rss: memconn's peak resident set, in KiB
};

// Sanitizer builds (CI's ASan and TSan trees) keep shadow memory and quarantines: their
// resident set says nothing about memconn's, so tests skip memory bounds there.
constexpr bool kSanitized =
#ifdef MEMCONN_SANITIZED
    true;
#else
    false;
#endif

// Every member has a default so that designated initializers ({.stdin_data = "..."}) can
// name only what they need without -Wmissing-field-initializers.
struct RunOptions {
  std::string stdin_data{};                   // empty = stdin is /dev/null
  // spawn_memconn only: stdin opened from this path instead (a FIFO the test keeps open,
  // like `tail -f app.log | memconn ingest -`).
  std::string stdin_path{};
  std::map<std::string, std::string> env{};   // added to the clean environment (overrides it)
  std::string cwd{};                          // empty = inherit
  double timeout_s = 60;                      // then kill -9 and fail the test
  bool measure_rss = false;                   // fill RunResult::max_rss_kb (through a small wrapper process)
};

// Runs memconn with args in a clean environment: only PATH, HOME and TMPDIR are inherited
// (never HINDSIGHT_* / MEMCONN_*); XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME and
// XDG_DATA_HOME point into a fresh per-run temp dir unless opts.env sets them.
RunResult run_memconn(const std::vector<std::string>& args, const RunOptions& opts = {});

// Starts memconn in the background (same environment rules), stdout/stderr to files.
pid_t spawn_memconn(const std::vector<std::string>& args, const RunOptions& opts, const std::string& out_path,
                    const std::string& err_path);
// Waits for a spawned process. Returns its exit code, 128+signal if it was killed by a
// signal, or -1 on timeout (the process is left running; kill it yourself).
int wait_exit(pid_t pid, double timeout_s);

std::string read_file(const std::string& path);  // "" if missing
// A top-level integer of a --json report, or -1 when it is missing (fails on invalid JSON).
long long report_value(const std::string& json, const char* key);
// The integer at a JSON pointer of d (fails the test when there is none).
int64_t num(const JsonDoc& d, const std::string& pointer);
// The ids in the array at a JSON pointer: each entry's "document_id" or "id", or the entry itself.
std::set<std::string> ids_at(const JsonDoc& d, const std::string& pointer);
bool file_exists(const std::string& path);
size_t count_lines(const std::string& path);     // a last line without '\n' counts too
// Writes n lines "<prefix><i>" (i = 0..n-1) to path; returns path.
std::string write_lines(const std::string& path, size_t n, const std::string& prefix = "line ");

// The stand-in as the Hindsight target of a run: what most tests put before the subcommand;
// and a command line with more words after it.
inline std::vector<std::string> hindsight_args(const Standin& s, const std::string& bank = "b1") {
  return {"--url", s.url(), "--bank", bank};
}
inline std::vector<std::string> args(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

// Polls until done() holds (true) or `seconds` pass (false): what a test waits for, instead
// of a sleep that a slow sanitizer start outlasts.
template <class F>
bool eventually(F done, double seconds = 30) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace e2e
