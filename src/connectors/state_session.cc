#include "connectors/state_session.h"

#include <thread>

#include "base/exit_codes.h"

namespace memconn {

Result<StateSession> StateSession::open(const CommandPaths& paths, bool wait) {
  auto lock = FileLock::acquire(paths.lock, wait);
  if (!lock) return lock.error();
  auto st = load_state(paths.state);
  if (!st) return st.error();
  return StateSession(paths.state, std::move(*lock), std::move(*st));
}

Result<StateSession> StateSession::open_unless(const CommandPaths& paths, const std::function<bool()>& stop,
                                               std::chrono::milliseconds every) {
  for (;;) {
    if (stop()) return Error{"", exit_code::kOk};
    auto s = open(paths, false);
    if (s || s.error().exit_code != exit_code::kLocked) return s;
    std::this_thread::sleep_for(every);
  }
}

}  // namespace memconn
