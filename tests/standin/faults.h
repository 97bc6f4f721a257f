// Fault injection shared by all stand-in kinds. Decides, per API request, whether the
// request fails before processing (503/429) or loses its acknowledgement (drop), and owns
// the runtime-tunable knobs.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "knobs.h"

namespace standin {

struct FaultDecision {
  bool fail = false;      // 503 + Retry-After, nothing processed
  bool throttle = false;  // 429 + Retry-After, nothing processed
  bool drop = false;      // processed, then the connection is cut before the response
};

class Faults {
 public:
  explicit Faults(Knobs initial);

  Knobs snapshot() const;
  // Applies all settings or none (a bad value leaves every knob unchanged).
  bool update(const std::vector<std::pair<std::string, std::string>>& settings, std::string& err);
  // n is the 1-based sequence number of the API request; the *_every knobs key off it so
  // that tests can predict exactly which request fails.
  FaultDecision decide(uint64_t n, const Knobs& k);

 private:
  mutable std::mutex mu_;
  Knobs knobs_;
  std::mt19937_64 rng_;
};

}  // namespace standin
