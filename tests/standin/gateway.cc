#include "gateway.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace standin {

bool finished_within(std::function<void()> work, int timeout_ms) {
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
  };
  auto state = std::make_shared<State>();
  // Detached: the server behind the gateway is not told that the client is gone.
  std::thread([state, work = std::move(work)] {
    work();
    {
      std::lock_guard lock(state->mu);
      state->done = true;
    }
    state->cv.notify_all();
  }).detach();
  std::unique_lock lock(state->mu);
  return state->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return state->done; });
}

void gateway_timeout(httplib::Response& res) {
  res.status = 504;
  res.set_content(
      "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
      "<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
      "text/html");
}

}  // namespace standin
