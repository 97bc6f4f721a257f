// Wall-clock helpers. Every timestamp the stand-ins emit or accept goes through here so
// the ISO-8601 dialect is the same across Hindsight, LightRAG and the Memory API.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace standin {

using SysTime = std::chrono::system_clock::time_point;

// "2024-01-15T10:30:00Z" (UTC, second precision, like the spec examples).
std::string iso_utc(SysTime t);
// Python's datetime.isoformat() for an aware UTC value: "2025-12-18T14:30:00.123456+00:00".
std::string iso_utc_python(SysTime t);
// "20251218_143000", used in LightRAG track ids.
std::string compact_utc(SysTime t);

// Accepts what pydantic accepts for a datetime: YYYY-MM-DD, optionally followed by
// 'T' or ' ' and HH:MM[:SS[.frac]], optionally followed by Z or ±HH[:]MM.
// A missing zone is read as UTC.
std::optional<SysTime> parse_iso(std::string_view s);

}  // namespace standin
