#include "base/signals.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace memconn {

namespace {
// Written by the handler, read by the run loop: lock-free atomics are async-signal-safe.
std::atomic<int> g_signal{0};

void on_signal(int sig) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, sig)) _exit(128 + sig);  // second signal: abort now
}
}  // namespace

void install_stop_signals() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int stop_signal_received() { return g_signal.load(); }

bool sleep_unless_stopped(std::chrono::milliseconds d) {
  auto until = std::chrono::steady_clock::now() + d;
  for (;;) {
    if (stop_signal_received()) return false;
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
}

void ignore_sigpipe() { signal(SIGPIPE, SIG_IGN); }

}  // namespace memconn
