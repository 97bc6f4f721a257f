// The e2e test binary's main lives here so that every *_test.cc only includes harness.h.
#define DOCTEST_CONFIG_IMPLEMENT
#include "harness.h"

#include <curl/curl.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

extern char** environ;

namespace e2e {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string temp_root() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

void process_setup() {
  static std::once_flag once;
  std::call_once(once, [] {
    // A child that exits without reading its stdin must not kill the test binary.
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
  });
}

std::string describe(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

struct ChildIo {
  int in = -1, out = -1, err = -1;  // -1 = /dev/null
};

// fork+exec with the given descriptors as 0/1/2. Everything the child needs is prepared
// before fork, so only async-signal-safe calls run between fork and exec.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>* env, const std::string& cwd,
            ChildIo io) {
  process_setup();
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  if (env) {
    for (const auto& e : *env) cenv.push_back(const_cast<char*>(e.c_str()));
    cenv.push_back(nullptr);
  }
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(devnull);
    FAIL("fork failed: " << std::strerror(errno));
  }
  if (pid == 0) {
    // Never outlive the test binary, even if it crashes.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(io.in >= 0 ? io.in : devnull, 0);
    dup2(io.out >= 0 ? io.out : devnull, 1);
    dup2(io.err >= 0 ? io.err : devnull, 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    if (env) execve(cargv[0], cargv.data(), cenv.data());
    else execv(cargv[0], cargv.data());
    _exit(127);
  }
  close(devnull);
  return pid;
}

// The clean environment of a memconn run; xdg is the per-run directory for XDG_* dirs.
std::vector<std::string> clean_env(const RunOptions& opts, const std::string& xdg) {
  std::map<std::string, std::string> env;
  for (const char* name : {"PATH", "HOME", "TMPDIR"})
    if (const char* v = std::getenv(name)) env[name] = v;
  for (const char* name : {"XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"}) {
    std::string dir = xdg + "/" + name;
    fs::create_directories(dir);
    env[name] = dir;
  }
  for (const auto& [k, v] : opts.env) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::vector<std::string> memconn_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv{MEMCONN_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// Per-run temp dirs of spawned processes, dropped when wait_exit reaps them.
std::mutex g_spawned_mu;
std::map<pid_t, std::unique_ptr<TempDir>> g_spawned_dirs;

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits up to timeout_s; true with *status when the child was reaped.
bool wait_for(pid_t pid, double timeout_s, int* status) {
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return false;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

size_t curl_append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t curl_header(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    (*static_cast<StringMap*>(out))[name] = value;
  }
  return size * n;
}

std::string str_field(simdjson::dom::element obj, const char* key) {
  std::string_view s;
  if (obj.at_key(key).get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return {};
}

std::optional<std::string> opt_str_field(simdjson::dom::element obj, const char* key) {
  std::string_view s;
  if (obj.at_key(key).get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------
const std::string& StringMap::operator[](const std::string& key) const {
  static const std::string kEmpty;
  auto it = find(key);
  return it == end() ? kEmpty : it->second;
}

// ---------------------------------------------------------------------------------------
TempDir::TempDir() {
  std::string tmpl = temp_root() + "/memconn-e2e-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) FAIL("mkdtemp(" << tmpl << ") failed: " << std::strerror(errno));
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  std::string p = file(name);
  fs::create_directories(fs::path(p).parent_path());
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << content;
  if (!f) FAIL("cannot write " << p);
  return p;
}

// ---------------------------------------------------------------------------------------
JsonDoc::JsonDoc(std::string text) : text_(std::move(text)), parser_(std::make_unique<simdjson::dom::parser>()) {
  auto err = parser_->parse(text_).get(root_);
  if (err) FAIL("invalid JSON (" << simdjson::error_message(err) << "): " << text_.substr(0, 500));
}

long long StandinStats::operator[](const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? 0 : it->second;
}

// ---------------------------------------------------------------------------------------
Standin::Standin(std::vector<std::string> args, std::string kind, int fixed_port)
    : args_(std::move(args)), kind_(std::move(kind)), dir_(std::make_unique<TempDir>()) {
  start(fixed_port);
}

Standin::~Standin() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status;
    wait_for(pid_, 10, &status);
  }
}

void Standin::start(int port) {
  std::vector<std::string> argv{STANDIN_BIN, "--kind", kind_, "--port", std::to_string(port)};
  argv.insert(argv.end(), args_.begin(), args_.end());
  std::string log = dir_->file("stderr.log");
  // Restarting on a fixed port can race the previous process' sockets; retry briefly.
  std::string why;
  for (int attempt = 0; attempt < 20; ++attempt) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) FAIL("pipe failed");
    int err_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_ = spawn(argv, nullptr, "", ChildIo{-1, out[1], err_fd});
    close(out[1]);
    close(err_fd);

    std::string line;
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos && Clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (poll(&p, 1, static_cast<int>(std::max<long long>(1, left))) <= 0) continue;
      char buf[256];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    const std::string prefix = "listening http://";
    auto nl = line.find('\n');
    if (nl != std::string::npos && line.starts_with(prefix)) {
      url_ = line.substr(0, nl).substr(std::string("listening ").size());
      port_ = std::atoi(url_.substr(url_.rfind(':') + 1).c_str());
      return;
    }
    int status = 0;
    kill(pid_, SIGKILL);
    wait_for(pid_, 10, &status);
    pid_ = -1;
    why = "stdout: '" + line + "', stderr: " + read_file(log);
    if (port == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("memconn-standin did not start (" << describe(argv) << "): " << why);
}

HttpResponse Standin::http(const std::string& method, const std::string& path, const std::string& body,
                           const std::vector<std::string>& headers) {
  process_setup();
  HttpResponse r;
  CURL* c = curl_easy_init();
  std::string url = url_ + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, curl_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_slist* list = nullptr;
  bool has_content_type = false;
  for (const auto& h : headers) {
    list = curl_slist_append(list, h.c_str());
    has_content_type = has_content_type || strncasecmp(h.c_str(), "content-type:", 13) == 0;
  }
  if (method != "GET" && !has_content_type) list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  if (method == "POST" || method == "PUT" || method == "PATCH" || !body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  if (method != "GET" && method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  else r.error = curl_easy_strerror(rc);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  return r;
}

std::string Standin::get(const std::string& path) {
  HttpResponse r = http("GET", path);
  if (r.status == 0) FAIL("GET " << url_ << path << " failed: " << r.error);
  return r.body;
}

std::string Standin::post(const std::string& path, const std::string& body) {
  HttpResponse r = http("POST", path, body);
  if (r.status == 0) FAIL("POST " << url_ << path << " failed: " << r.error);
  return r.body;
}

StandinStats Standin::stats() {
  StandinStats s;
  s.raw = get("/_standin/stats");
  JsonDoc doc(s.raw);
  simdjson::dom::object obj;
  if (doc.root().get_object().get(obj)) FAIL("stats is not an object: " << s.raw);
  for (auto [key, value] : obj) {
    int64_t n;
    simdjson::dom::object sub;
    if (value.get_int64().get(n) == simdjson::SUCCESS) {
      s.values[std::string(key)] = n;
    } else if (value.get_object().get(sub) == simdjson::SUCCESS) {
      for (auto [k2, v2] : sub)
        if (v2.get_int64().get(n) == simdjson::SUCCESS) s.values[std::string(key) + "." + std::string(k2)] = n;
    }
  }
  return s;
}

std::vector<StoredDoc> Standin::documents() {
  JsonDoc doc(get("/_standin/documents"));
  std::vector<StoredDoc> out;
  simdjson::dom::array arr;
  if (doc.root().get_array().get(arr)) FAIL("documents is not an array: " << doc.text().substr(0, 300));
  for (auto e : arr) {
    StoredDoc d;
    d.bank = str_field(e, "bank");
    d.document_id = str_field(e, "document_id");
    d.content = str_field(e, "content");
    d.content_hash = str_field(e, "content_hash");
    d.context = opt_str_field(e, "context");
    d.timestamp = opt_str_field(e, "timestamp");
    d.file_source = str_field(e, "file_source");
    d.track_id = str_field(e, "track_id");
    d.status = str_field(e, "status");
    int64_t n;
    if (e.at_key("times_received").get_int64().get(n) == simdjson::SUCCESS) d.times_received = n;
    if (e.at_key("appends").get_int64().get(n) == simdjson::SUCCESS) d.appends = n;
    simdjson::dom::array tags;
    if (e.at_key("tags").get_array().get(tags) == simdjson::SUCCESS)
      for (auto t : tags) {
        std::string_view s;
        if (t.get_string().get(s) == simdjson::SUCCESS) d.tags.emplace_back(s);
      }
    simdjson::dom::object md;
    if (e.at_key("metadata").get_object().get(md) == simdjson::SUCCESS)
      for (auto [k, v] : md) {
        std::string_view s;
        if (v.get_string().get(s) == simdjson::SUCCESS) d.metadata[std::string(k)] = std::string(s);
      }
    out.push_back(std::move(d));
  }
  return out;
}

std::optional<StoredDoc> Standin::document(const std::string& document_id, const std::string& bank) {
  for (auto& d : documents())
    if (d.document_id == document_id && (bank.empty() || d.bank == bank)) return std::move(d);
  return std::nullopt;
}

std::map<std::string, std::string> Standin::texts(const std::string& bank) {
  std::map<std::string, std::string> out;
  for (auto& d : documents())
    if (bank.empty() || d.bank == bank) out[d.document_id] = std::move(d.content);
  return out;
}

std::vector<SeenRequest> Standin::requests() {
  JsonDoc doc(get("/_standin/requests"));
  std::vector<SeenRequest> out;
  simdjson::dom::array arr;
  if (doc.root().get_array().get(arr)) FAIL("requests is not an array");
  for (auto e : arr) {
    SeenRequest r;
    r.method = str_field(e, "method");
    r.path = str_field(e, "path");
    r.target = str_field(e, "target");
    r.body = str_field(e, "body");
    int64_t n;
    if (e.at_key("write").get_int64().get(n) == simdjson::SUCCESS) r.write = n;
    if (e.at_key("connection_requests").get_int64().get(n) == simdjson::SUCCESS) r.connection_requests = n;
    simdjson::dom::object h;
    if (e.at_key("headers").get_object().get(h) == simdjson::SUCCESS)
      for (auto [k, v] : h) {
        std::string_view s;
        if (v.get_string().get(s) == simdjson::SUCCESS) r.headers[std::string(k)] = std::string(s);
      }
    out.push_back(std::move(r));
  }
  return out;
}

void Standin::config(const std::string& json) {
  HttpResponse r = http("POST", "/_standin/config", json);
  if (r.status != 200) FAIL("stand-in config " << json << " refused (" << r.status << " " << r.error << "): " << r.body);
}

void Standin::reset() {
  HttpResponse r = http("POST", "/_standin/reset", "{}");
  if (r.status != 200) FAIL("stand-in reset failed (" << r.status << " " << r.error << ")");
}

void Standin::kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  wait_for(pid_, 10, &status);
  pid_ = -1;
}

int Standin::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  if (!wait_for(pid_, 10, &status)) {
    kill(pid_, SIGKILL);
    wait_for(pid_, 10, &status);
    pid_ = -1;
    FAIL("memconn-standin ignored SIGTERM for 10 s");
  }
  pid_ = -1;
  return decode_status(status);
}

void Standin::restart() {
  int port = port_;
  if (pid_ > 0) stop();
  start(port);
}

std::string Standin::stderr_text() const { return read_file(dir_->file("stderr.log")); }

// ---------------------------------------------------------------------------------------
namespace {

int curl_debug(CURL*, curl_infotype type, char* data, size_t size, void* out) {
  if (type == CURLINFO_TEXT) static_cast<std::string*>(out)->append(data, size);
  return 0;
}

}  // namespace

HttpSession::HttpSession(std::string base_url) : base_(std::move(base_url)) {
  process_setup();
  curl_ = curl_easy_init();
}

HttpSession::~HttpSession() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse HttpSession::post(const std::string& path, const std::string& body) { return perform("POST", path, body); }

HttpResponse HttpSession::get(const std::string& path) { return perform("GET", path, ""); }

HttpResponse HttpSession::perform(const std::string& method, const std::string& path, const std::string& body) {
  CURL* c = static_cast<CURL*>(curl_);
  HttpResponse r;
  info_.clear();
  std::string url = base_ + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, curl_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  // The informational lines only reach the debug callback with VERBOSE on.
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, curl_debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &info_);
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Expect:");
  if (method == "POST") {
    list = curl_slist_append(list, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  else r.error = curl_easy_strerror(rc);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects_);
  // The handle outlives this call; what it points at does not.
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, nullptr);
  curl_slist_free_all(list);
  return r;
}

// ---------------------------------------------------------------------------------------
RunResult run_memconn(const std::vector<std::string>& args, const RunOptions& opts) {
  TempDir run_dir;
  std::vector<std::string> env = clean_env(opts, run_dir.path());
  std::vector<std::string> argv = memconn_argv(args);
  if (opts.measure_rss) {
    // A forked child's peak RSS includes the test binary's pages until exec: a freshly
    // exec'd copy of this binary forks memconn instead, so only memconn's own memory counts.
    argv.insert(argv.begin(), {std::filesystem::read_symlink("/proc/self/exe").string(), "--peak-rss-to",
                               run_dir.file("peak-rss")});
  }
  int in[2] = {-1, -1}, out[2], err[2];
  if ((!opts.stdin_data.empty() && pipe2(in, O_CLOEXEC) != 0) || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    FAIL("pipe failed");
  pid_t pid = spawn(argv, &env, opts.cwd, ChildIo{in[0], out[1], err[1]});
  if (in[0] >= 0) close(in[0]);
  close(out[1]);
  close(err[1]);
  for (int fd : {in[1], out[0], err[0]})
    if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

  RunResult r;
  std::string rss_file = run_dir.file("peak-rss");
  int fds[3] = {out[0], err[0], in[1]};
  std::string* sinks[2] = {&r.out, &r.err};
  size_t written = 0;
  auto deadline = Clock::now() + std::chrono::duration<double>(opts.timeout_s);
  int status = 0;
  bool exited = false;
  // Drain stdout/stderr and feed stdin together so no pipe can fill up and deadlock.
  while (fds[0] >= 0 || fds[1] >= 0 || !exited) {
    if (!exited) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      exited = w == pid;
    }
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      if (!exited) waitpid(pid, &status, 0);
      for (int fd : fds)
        if (fd >= 0) close(fd);
      FAIL("memconn timed out after " << opts.timeout_s << " s and was killed: " << describe(argv)
                                      << "\n--- stdout ---\n" << r.out.substr(0, 4000) << "\n--- stderr ---\n"
                                      << r.err.substr(0, 4000));
    }
    pollfd p[3];
    nfds_t n = 0;
    int which[3];
    for (int i = 0; i < 3; ++i) {
      if (fds[i] < 0) continue;
      p[n] = pollfd{fds[i], static_cast<short>(i < 2 ? POLLIN : POLLOUT), 0};
      which[n++] = i;
    }
    // After exit, read what is buffered and stop: a grandchild may still hold the pipes.
    int rc = poll(p, n, exited ? 0 : 20);
    if (rc <= 0) {
      if (exited) break;
      continue;
    }
    for (nfds_t k = 0; k < n; ++k) {
      int i = which[k];
      if (!p[k].revents) continue;
      if (i < 2) {
        char buf[65536];
        ssize_t got = read(fds[i], buf, sizeof buf);
        if (got > 0) sinks[i]->append(buf, static_cast<size_t>(got));
        else if (got == 0 || (errno != EAGAIN && errno != EINTR)) close(fds[i]), fds[i] = -1;
      } else {
        ssize_t put = write(fds[2], opts.stdin_data.data() + written, opts.stdin_data.size() - written);
        if (put > 0) written += static_cast<size_t>(put);
        if ((put < 0 && errno != EAGAIN && errno != EINTR) || written == opts.stdin_data.size())
          close(fds[2]), fds[2] = -1;
      }
    }
  }
  for (int fd : fds)
    if (fd >= 0) close(fd);
  if (WIFSIGNALED(status)) {
    r.signaled = true;
    r.signal = WTERMSIG(status);
  } else {
    r.exit_code = WEXITSTATUS(status);
  }
  if (opts.measure_rss) {
    std::string kib = read_file(rss_file);
    r.max_rss_kb = kib.empty() ? 0 : std::stol(kib);
    if (r.exit_code >= 128 && !kib.empty()) {  // the wrapper reports a signal as 128 + N
      r.signaled = true;
      r.signal = r.exit_code - 128;
    }
  }
  return r;
}

pid_t spawn_memconn(const std::vector<std::string>& args, const RunOptions& opts, const std::string& out_path,
                    const std::string& err_path) {
  auto run_dir = std::make_unique<TempDir>();
  std::vector<std::string> env = clean_env(opts, run_dir->path());
  std::string stdin_path = opts.stdin_path.empty() ? run_dir->write("stdin", opts.stdin_data) : opts.stdin_path;
  int in = open(stdin_path.c_str(), O_RDONLY | O_CLOEXEC);
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (in < 0 || out < 0 || err < 0) FAIL("cannot open output files " << out_path << " / " << err_path);
  pid_t pid = spawn(memconn_argv(args), &env, opts.cwd, ChildIo{in, out, err});
  close(in);
  close(out);
  close(err);
  std::lock_guard lock(g_spawned_mu);
  g_spawned_dirs[pid] = std::move(run_dir);
  return pid;
}

int wait_exit(pid_t pid, double timeout_s) {
  int status = 0;
  if (!wait_for(pid, timeout_s, &status)) return -1;
  std::lock_guard lock(g_spawned_mu);
  g_spawned_dirs.erase(pid);
  return decode_status(status);
}

// ---------------------------------------------------------------------------------------
std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return {};
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

size_t count_lines(const std::string& path) {
  std::string s = read_file(path);
  size_t n = 0;
  for (char c : s) n += c == '\n';
  if (!s.empty() && s.back() != '\n') ++n;
  return n;
}

std::string write_lines(const std::string& path, size_t n, const std::string& prefix) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  for (size_t i = 0; i < n; ++i) f << prefix << i << '\n';
  if (!f) FAIL("cannot write " << path);
  return path;
}

long long report_value(const std::string& json, const char* key) {
  JsonDoc doc(json);
  int64_t v = -1;
  if (doc.root()[key].get_int64().get(v)) return -1;
  return v;
}

int64_t num(const JsonDoc& d, const std::string& pointer) {
  int64_t n = -1;
  if (d.root().at_pointer(pointer).get_int64().get(n)) FAIL("no integer at " << pointer << " in " << d.text());
  return n;
}

std::set<std::string> ids_at(const JsonDoc& d, const std::string& pointer) {
  std::set<std::string> out;
  simdjson::dom::array arr;
  if (d.root().at_pointer(pointer).get_array().get(arr)) FAIL("no array at " << pointer << " in " << d.text());
  for (auto e : arr) {
    std::string_view sv;
    if (!e["document_id"].get_string().get(sv) || !e["id"].get_string().get(sv) || !e.get_string().get(sv))
      out.emplace(sv);
  }
  return out;
}

}  // namespace e2e

namespace {

// `e2e_tests --peak-rss-to FILE PROGRAM ARGS...`: runs PROGRAM, writes its peak resident set
// (KiB) to FILE, and exits as it did (128 + N for a signal).
int peak_rss_wrapper(int argc, char** argv) {
  if (argc < 4) return 127;
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execv(argv[3], argv + 3);
    _exit(127);
  }
  if (pid < 0) return 127;
  int status = 0;
  struct rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  std::ofstream(argv[2]) << usage.ru_maxrss << "\n";
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--peak-rss-to") return peak_rss_wrapper(argc, argv);
  return doctest::Context(argc, argv).run();
}
