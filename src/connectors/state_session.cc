#include "connectors/state_session.h"

#include <thread>

#include "base/exit_codes.h"

namespace memconn {

Result<StateSession> StateSession::open(const std::string& state_path, bool wait) {
  auto lock = FileLock::acquire(state_path + ".lock", wait);
  if (!lock) return lock.error();
  auto st = load_state(state_path);
  if (!st) return st.error();
  return StateSession(state_path, std::move(*lock), std::move(*st));
}

Result<StateSession> StateSession::open_unless(const std::string& state_path, const std::function<bool()>& stop,
                                               std::chrono::milliseconds every) {
  for (;;) {
    if (stop()) return Error{"", exit_code::kOk};
    auto s = open(state_path, false);
    if (s || s.error().exit_code != exit_code::kLocked) return s;
    std::this_thread::sleep_for(every);
  }
}

}  // namespace memconn
