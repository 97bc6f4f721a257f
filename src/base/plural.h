// Counts as people read them: "1 line", "2 lines", "1 retry", "3 retries". The human
// summaries use this; --json keeps its field names and bare numbers.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace memconn {

// n followed by the noun, singular when n == 1. plural defaults to singular + "s"; give it
// for the irregular ones ("entry", "entries").
std::string count_of(uint64_t n, std::string_view singular, std::string_view plural = {});

}  // namespace memconn
