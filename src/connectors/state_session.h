// The state lock and the State loaded under it, for one run (or one pass) of connectors;
// every save goes through here, so nothing writes the state file without holding the lock.
#pragma once
#include <chrono>
#include <functional>
#include <string>

#include "base/result.h"
#include "config/command_setup.h"
#include "state/lock_file.h"
#include "state/state.h"

namespace memconn {

class StateSession {
 public:
  // Locks paths.lock (wait: block until free; else another holder is exit 75), then loads
  // the state (corrupt: exit 3).
  static Result<StateSession> open(const CommandPaths& paths, bool wait);
  // Waits for the lock by polling every `every` until it is free or stop() holds (then an
  // error with exit code 0 and an empty message: nobody is to be told). Unlike a blocking
  // flock, this returns promptly on SIGTERM whichever thread the signal was delivered to.
  static Result<StateSession> open_unless(const CommandPaths& paths, const std::function<bool()>& stop,
                                          std::chrono::milliseconds every = std::chrono::milliseconds(100));
  State& state() { return state_; }
  Status save() { return save_state(path_, state_); }

 private:
  StateSession(std::string path, FileLock lock, State state)
      : path_(std::move(path)), lock_(std::move(lock)), state_(std::move(state)) {}
  std::string path_;
  FileLock lock_;
  State state_;
};

}  // namespace memconn
