// Commands as people type them, before CLI11 sees them: `memconn help [command...]` and
// `memconn version`, and the "did you mean" of an unknown command. Pure functions of the
// argument list and the command names, so they are tested without a process.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace memconn {

// The index of the first word that is not an option or a global option's value (argv[0]
// excluded), or nullopt.
std::optional<size_t> first_word(const std::vector<std::string>& args);
// `help` -> `--help`, `help ingest` -> `ingest --help`, `help dlq retry` -> `dlq retry --help`,
// `version` -> `--version`; anything else unchanged.
std::vector<std::string> rewrite_help_words(std::vector<std::string> args);
// The known name closest to `word` (at most two edits, or a prefix of one), or nullopt.
std::optional<std::string> closest_name(const std::string& word, const std::vector<std::string>& names);

}  // namespace memconn
