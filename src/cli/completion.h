// Shell completion scripts generated from the CLI11 command tree, so a subcommand or option
// that someone adds is completed without anyone editing a script. Pure functions of the
// tree: `memconn completion SHELL` prints them, and the committed copies under completions/
// are checked against them (scripts/check-completions.sh).
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace memconn {

// What a shell can offer for an option's value or a positional argument.
enum class ValueKind {
  None,       // a flag: takes no value
  Text,       // free text: nothing to offer
  Choices,    // one of a fixed set (a CLI::IsMember check)
  File,       // a path (type name FILE or PATH, or a name ending in "file")
  Directory,  // a directory (type name DIR)
  Connector,  // a connector name from the config (type name CONNECTOR, or named "connector")
};

struct CompletionArg {
  std::vector<std::string> flags;  // "-w", "--workers"; empty for a positional
  std::string name;                // positional name, or the first long flag without dashes
  std::string help;
  ValueKind kind = ValueKind::None;
  std::vector<std::string> choices;  // for Choices
  bool repeatable = false;           // may be given more than once / takes several values
};

struct CompletionCommand {
  std::vector<std::string> path;  // {"dlq", "retry"}; empty for the program itself
  std::string help;
  std::vector<CompletionArg> options;      // its own options (ancestors' apply too: fallthrough)
  std::vector<CompletionArg> positionals;  // in order
  std::vector<CompletionCommand> subcommands;  // visible ones only (hidden: group "")

  std::string joined(char sep = ' ') const;  // "dlq retry"
};

// Every command of a tree, parents before children, with the options that apply to it: its
// own first, then its ancestors' that it does not shadow (CLI11's fallthrough hands options a
// subcommand does not know to its parent, so `memconn ingest --bank x` works).
struct FlatCommand {
  const CompletionCommand* cmd;
  std::vector<const CompletionArg*> options;
};
std::vector<FlatCommand> flatten(const CompletionCommand& root);

// The visible tree. Hidden subcommands (CLI11 group "") are left out: they are plumbing.
CompletionCommand completion_model(const CLI::App& app);

std::string bash_completion(const CLI::App& app);
std::string zsh_completion(const CLI::App& app);
std::string fish_completion(const CLI::App& app);

// The script for "bash", "zsh" or "fish"; empty for any other name.
std::string completion_script(const CLI::App& app, const std::string& shell);

}  // namespace memconn
