#include "faults.h"

#include <algorithm>

namespace standin {
namespace {

bool listed(const std::vector<uint64_t>& numbers, uint64_t n) {
  return n > 0 && std::binary_search(numbers.begin(), numbers.end(), n);
}

}  // namespace

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

FaultDecision Faults::decide(const RequestFacts& facts, const Knobs& k) {
  FaultDecision d;
  uint64_t n = facts.n;
  auto every = [n](int k_every) { return n > 0 && k_every > 0 && n % static_cast<uint64_t>(k_every) == 0; };
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::lock_guard lock(mu_);
  // Draw only for the rates that are set, and only for requests in scope, so one knob's
  // sequence depends neither on another knob nor on the requests outside the scope.
  auto chance = [&](double p) { return n > 0 && p > 0 && unit(rng_) < p; };
  d.fail = every(k.fail_every) || chance(k.fail_rate);
  if (!d.fail) d.throttle = every(k.throttle_every) || chance(k.throttle_rate);
  if (d.fail || d.throttle) return d;

  bool by_number = listed(k.drop_nth, facts.write);
  bool drop = by_number || every(k.drop_every) || chance(k.drop_rate);
  if (drop && k.drop_reused_only && !facts.reused) {
    d.spared = true;
  } else if (drop) {
    d.drop = true;
    d.drop_before = k.drop_phase == "before";
    bool zero = k.drop_style == "zero" || (k.drop_style == "auto" && by_number);
    d.drop_style = zero ? DropStyle::Zero : DropStyle::Half;
  }
  if (listed(k.slow_nth, facts.write)) d.slow_ms = k.slow_ms;
  if (listed(k.hang_nth, facts.write)) d.hang_ms = k.hang_ms;
  return d;
}

}  // namespace standin
