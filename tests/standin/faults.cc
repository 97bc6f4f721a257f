#include "faults.h"

namespace standin {

Faults::Faults(Knobs initial) : knobs_(std::move(initial)), rng_(knobs_.seed) {}

Knobs Faults::snapshot() const {
  std::lock_guard lock(mu_);
  return knobs_;
}

bool Faults::update(const std::vector<std::pair<std::string, std::string>>& settings, std::string& err) {
  std::lock_guard lock(mu_);
  Knobs next = knobs_;
  for (const auto& [name, value] : settings)
    if (!set_knob(next, name, value, err)) return false;
  if (next.seed != knobs_.seed) rng_.seed(next.seed);
  knobs_ = std::move(next);
  return true;
}

FaultDecision Faults::decide(uint64_t n, const Knobs& k) {
  FaultDecision d;
  auto every = [n](int k_every) { return k_every > 0 && n % static_cast<uint64_t>(k_every) == 0; };
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::lock_guard lock(mu_);
  // Draw only for the rates that are set, so one knob's sequence does not depend on another.
  auto chance = [&](double p) { return p > 0 && unit(rng_) < p; };
  d.fail = every(k.fail_every) || chance(k.fail_rate);
  if (!d.fail) d.throttle = every(k.throttle_every) || chance(k.throttle_rate);
  if (!d.fail && !d.throttle) d.drop = every(k.drop_every) || chance(k.drop_rate);
  return d;
}

}  // namespace standin
