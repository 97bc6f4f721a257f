// memconn-standin: HTTP stand-ins for Hindsight, LightRAG and the FR01 Memory API, with
// fault injection, for memconn's end-to-end tests, demo and benchmark.
#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "api_server.h"
#include "connections.h"
#include "hindsight.h"
#include "lightrag.h"
#include "memory_api.h"
#include "options.h"

namespace {

std::unique_ptr<standin::Backend> make_backend(const standin::Options& opt, std::string& err) {
  if (opt.kind == "hindsight") return std::make_unique<standin::hindsight::HindsightBackend>();
  if (opt.kind == "lightrag") return std::make_unique<standin::lightrag::LightragBackend>();
  if (opt.kind == "memory-api") {
    auto backend = std::make_unique<standin::memory_api::MemoryApiBackend>();
    if (!backend->load(opt.memories_files, opt.generate, opt.knobs, err)) return nullptr;
    return backend;
  }
  err = "--kind " + opt.kind + " is not available in this build";
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  standin::Options opt;
  std::string err;
  bool help = false;
  if (!standin::parse_options(argc, argv, opt, err, help)) {
    std::fprintf(stderr, "memconn-standin: %s\n%s", err.c_str(), standin::usage_text());
    return 2;
  }
  if (help) {
    std::fputs(standin::usage_text(), stdout);
    return 0;
  }

  // Block the stop signals before any thread exists so that only the waiter below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto backend = make_backend(opt, err);
  if (!backend) {
    std::fprintf(stderr, "memconn-standin: %s\n", err.c_str());
    return 2;
  }
  standin::Faults faults(opt.knobs);
  httplib::Server svr;
  // Each keep-alive connection holds a pool thread for its lifetime; leave ample room
  // beyond the 16+ concurrent clients of the benchmark.
  svr.new_task_queue = [] { return new httplib::ThreadPool(128); };
  svr.set_keep_alive_max_count(1000000000);
  svr.set_keep_alive_timeout(60);
  svr.set_read_timeout(60, 0);
  svr.set_write_timeout(60, 0);
  svr.set_tcp_nodelay(true);
  // httplib 0.11 listens with a backlog of 5: a burst of 16 connects would overflow it and
  // stall clients for a SYN retransmit (1 s). Remember the listening socket to widen it.
  int listen_fd = -1;
  svr.set_socket_options([&listen_fd](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });
  standin::ApiServer api(svr, faults, *backend);
  api.install();

  int port = opt.port;
  if (port == 0) port = svr.bind_to_any_port(opt.host);
  else if (!svr.bind_to_port(opt.host, port)) port = -1;
  if (port <= 0) {
    std::fprintf(stderr, "memconn-standin: cannot listen on %s:%d\n", opt.host.c_str(), opt.port);
    return 1;
  }
  if (listen_fd >= 0) listen(listen_fd, 4096);
  std::printf("listening http://%s:%d\n", opt.host.c_str(), port);
  std::fflush(stdout);

  std::atomic<bool> stopped{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    stopped = true;
    svr.stop();
    // Idle keep-alive connections would otherwise hold the pool (and exit) for the
    // keep-alive timeout.
    standin::shutdown_client_connections();
    std::this_thread::sleep_for(std::chrono::seconds(5));
    std::fprintf(stderr, "memconn-standin: connections did not drain, exiting anyway\n");
    std::fflush(nullptr);
    _exit(0);
  });
  waiter.detach();
  svr.listen_after_bind();
  if (!stopped) {
    std::fprintf(stderr, "memconn-standin: server loop ended unexpectedly\n");
    return 1;
  }
  std::fflush(nullptr);
  // The waiter may still be sleeping; do not let static destruction race it.
  _exit(0);
}
