// Fault injection shared by all stand-in kinds. Decides, per API request, whether the
// request fails before processing (503/429), is slowed, has its answer held back, or loses
// its answer (drop), and owns the runtime-tunable knobs.
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

// What the fault knobs key off for one request.
struct RequestFacts {
  uint64_t n = 0;       // 1-based among the requests in fault_scope; 0 = out of scope
  uint64_t write = 0;   // 1-based among the writes (retain/insert POSTs); 0 = not a write
  bool reused = false;  // arrived on a keep-alive connection that served a request before
};

enum class DropStyle { Zero, Half };

struct FaultDecision {
  bool fail = false;         // 503 + Retry-After, nothing processed
  bool throttle = false;     // 429 + Retry-After, nothing processed
  bool drop = false;         // the answer is lost (see the fields below)
  DropStyle drop_style = DropStyle::Half;
  bool drop_before = false;  // cut before processing: nothing stored
  bool spared = false;       // chosen to drop, answered because the connection was fresh
  int slow_ms = 0;           // extra processing before the store
  int hang_ms = 0;           // answer held back after the store
};

class Faults {
 public:
  explicit Faults(Knobs initial);

  Knobs snapshot() const;
  // Applies all settings or none (a bad value leaves every knob unchanged).
  bool update(const std::vector<std::pair<std::string, std::string>>& settings, std::string& err);
  // The *_every knobs key off facts.n and the *_nth knobs off facts.write, so that tests
  // can predict exactly which request fails.
  FaultDecision decide(const RequestFacts& facts, const Knobs& k);

 private:
  mutable std::mutex mu_;
  Knobs knobs_;
  std::mt19937_64 rng_;
};

}  // namespace standin
