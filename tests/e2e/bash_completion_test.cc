// Issue 5: the committed bash completion (completions/memconn.bash), driven the way bash
// drives it: COMP_WORDS/COMP_CWORD set, the function called, COMPREPLY read back.
#include <doctest/doctest.h>

#include <algorithm>

#include "harness.h"
#include "shell_run.h"

using e2e::TempDir;

namespace {

// The candidates bash would offer for words (the last one is the word being completed).
// words[0] is the program; the connector helper runs it, so it is the real binary.
std::vector<std::string> complete(const std::vector<std::string>& words, const std::string& cwd = "") {
  std::string script = std::string("source ") + e2e::shell_quote(std::string(SOURCE_DIR) + "/completions/memconn.bash") + "\n";
  if (!cwd.empty()) script += "cd " + e2e::shell_quote(cwd) + "\n";
  script += "COMP_WORDS=(" + e2e::shell_quote(MEMCONN_BIN);
  for (size_t i = 1; i < words.size(); ++i) script += " " + e2e::shell_quote(words[i]);
  script += ")\nCOMP_CWORD=" + std::to_string(words.size() - 1) + "\n_memconn\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  auto r = e2e::run_shell("exec bash -c " + e2e::shell_quote(script));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK_MESSAGE(r.err.empty(), r.err);
  auto out = e2e::split_lines(r.out);
  std::erase(out, "");
  std::sort(out.begin(), out.end());
  return out;
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("bash completion: subcommands, options and option values from the command tree") {
  CHECK(complete({"memconn", "in"}) == Words{"ingest"});
  CHECK(complete({"memconn", "re"}) == Words{"recall", "reflect"});
  CHECK(complete({"memconn", "recall", "--budget", ""}) == Words{"high", "low", "mid"});
  CHECK(complete({"memconn", "ingest", "--form"}) == Words{"--format"});
  CHECK(complete({"memconn", "ingest", "-f", "j"}) == Words{"jsonl"});
  // --format=j: bash splits at '=', so the words are "--format" "=" "j".
  CHECK(complete({"memconn", "ingest", "--format", "=", "j"}) == Words{"jsonl"});
  CHECK(complete({"memconn", "reflect", "--tags-match", "any"}) == Words{"any", "any_strict"});
  CHECK(complete({"memconn", "--log-format", ""}) == Words{"json", "text"});
  CHECK(complete({"memconn", "dlq", "r"}) == Words{"retry"});
  // Global options apply after a subcommand too (CLI11 fallthrough), and a value is skipped
  // when working out where we are: "--bank team" does not make "team" an operand.
  CHECK(complete({"memconn", "--bank", "team", "dlq", "retry", "--wo"}) == Words{"--workers"});
  CHECK(complete({"memconn", "--bank", "in"}).empty());  // a free-text value: nothing to offer
  auto root_options = complete({"memconn", "--"});
  CHECK(std::find(root_options.begin(), root_options.end(), "--json") != root_options.end());
  CHECK(std::find(root_options.begin(), root_options.end(), "--format") == root_options.end());
  // The hidden plumbing is not offered.
  CHECK(complete({"memconn", "comp"}).empty());
}

TEST_CASE("bash completion: files for path arguments") {
  TempDir dir;
  dir.write("notes.txt", "x\n");
  dir.write("notes.jsonl", "{}\n");
  dir.write("sub/other.txt", "y\n");
  CHECK(complete({"memconn", "ingest", "no"}, dir.path()) == Words{"notes.jsonl", "notes.txt"});
  CHECK(complete({"memconn", "ingest", "notes.txt", "s"}, dir.path()) == Words{"sub"});  // inputs repeat
  CHECK(complete({"memconn", "--config", "notes.t"}, dir.path()) == Words{"notes.txt"});
  CHECK(complete({"memconn", "reflect", "q", "--schema", "notes.j"}, dir.path()) == Words{"notes.jsonl"});
  CHECK(complete({"memconn", "recall", "no"}, dir.path()).empty());  // a query is not a file
}

TEST_CASE("bash completion: connector names come from the config in effect") {
  TempDir dir;
  std::string config = dir.write("memconn.toml",
                                 "[targets.rag]\nkind = \"lightrag\"\nurl = \"http://127.0.0.1:9\"\n\n"
                                 "[sources.pendant]\nkind = \"memory-api\"\nurl = \"http://127.0.0.1:9\"\n"
                                 "context = \"c1\"\n\n"
                                 "[connectors.alpha]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"every 1h\"\n\n"
                                 "[connectors.beta]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"every 1h\"\n");
  auto names = e2e::run_memconn({"--config", config, "completion", "--connectors"});
  CHECK(names.exit_code == 0);
  CHECK(names.out == "alpha\nbeta\n");
  CHECK(complete({"memconn", "--config", config, "dlq", "list", "--connector", ""}) == Words{"alpha", "beta"});
  CHECK(complete({"memconn", "-c", config, "dlq", "list", "--connector", "b"}) == Words{"beta"});
  // No config, or a broken one: nothing offered, nothing printed, success.
  auto none = e2e::run_memconn({"--config", dir.file("missing.toml"), "completion", "--connectors"});
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());
  CHECK(none.err.empty());
  CHECK(complete({"memconn", "--config", dir.file("missing.toml"), "dlq", "list", "--connector", ""}).empty());
}

TEST_CASE("bash completion: the committed script is what the binary generates") {
  auto generated = e2e::run_memconn({"completion", "bash"});
  CHECK(generated.exit_code == 0);
  CHECK_MESSAGE(generated.out == e2e::read_file(std::string(SOURCE_DIR) + "/completions/memconn.bash"),
                "completions/memconn.bash is stale: run `make completions`");
  auto bad = e2e::run_memconn({"completion", "tcsh"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
}
