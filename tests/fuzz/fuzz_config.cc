// The TOML config loader (config::parse_config): toml++ parsing, then validation and
// ${VAR} expansion of every value, on any text.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "config/config.h"

using namespace memconn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return "/home/fuzz";
    if (name == "KEY") return "secret";
    if (name == "EMPTY") return "";
    return std::nullopt;
  };
  for (bool secrets : {true, false}) {
    auto r = parse_config(text, "fuzz.toml", env, secrets);
    if (!r && (r.error().message.empty() || !r.error().message.starts_with("fuzz.toml"))) std::abort();
  }
  return 0;
}
