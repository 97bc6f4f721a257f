// Issue 5, output conventions, for every subcommand the binary has: --help exits 0 and shows
// examples; --json prints exactly one JSON document on stdout; errors go to stderr and leave
// stdout empty; no ANSI escapes on stderr unless it is a terminal and NO_COLOR is unset; -q
// leaves nothing on stderr but errors. The list of subcommands comes from --help itself, and
// one that has no entry in recipes() below fails the test until it gets one.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "harness.h"
#include "shell_run.h"

using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;

namespace {

// Names listed under "Subcommands:" in a CLI11 help text.
std::vector<std::string> listed_subcommands(const std::string& help) {
  std::vector<std::string> names;
  bool in = false;
  for (const auto& line : e2e::split_lines(help)) {
    if (line == "Subcommands:") {
      in = true;
    } else if (in && line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else if (in && line.empty()) {
      in = false;
    }
  }
  return names;
}

// "dlq retry" -> {"dlq", "retry"}
std::vector<std::string> words(const std::string& path) {
  std::vector<std::string> out;
  for (size_t start = 0; start < path.size();) {
    auto sp = std::min(path.find(' ', start), path.size());
    out.push_back(path.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

// Every subcommand path ("dlq retry") reachable through --help, parents first.
std::vector<std::string> all_subcommands() {
  std::vector<std::string> paths, todo{""};
  while (!todo.empty()) {
    std::string path = todo.front();
    todo.erase(todo.begin());
    auto argv = words(path);
    argv.push_back("--help");
    RunResult r = e2e::run_memconn(argv);
    REQUIRE_MESSAGE(r.exit_code == 0, "memconn " << path << " --help: " << r.err);
    for (const auto& name : listed_subcommands(r.out)) {
      std::string child = path.empty() ? name : path + " " + name;
      paths.push_back(child);
      todo.push_back(child);
    }
  }
  return paths;
}

// Stand-ins and a config that every subcommand can run against: [hindsight] for
// ingest/recall/reflect/dlq, one connector (memory-api source -> Hindsight target) for
// list/sync/trigger/status, and a state file of its own.
struct World {
  Standin hindsight;
  Standin memories{{"--generate", "ctx1:5", "--api-key", "mk"}, "memory-api"};
  TempDir dir;
  std::string config, input;

  World() {
    config = dir.write("memconn.toml",
                       "[hindsight]\nurl = \"" + hindsight.url() + "\"\nbank = \"b1\"\n\n"
                       "[state]\npath = \"state.json\"\n\n"
                       "[targets.bank]\nkind = \"hindsight\"\nurl = \"" + hindsight.url() + "\"\nbank = \"b1\"\n\n"
                       "[sources.pendant]\nkind = \"memory-api\"\nurl = \"" + memories.url() +
                       "\"\napi_key = \"mk\"\ncontext = \"ctx1\"\n\n"
                       "[connectors.p2b]\nsource = \"pendant\"\ntarget = \"bank\"\nschedule = \"every 1h\"\n");
    input = dir.write("notes.txt", "the deploy went fine\nalice rolled back the cache\n");
  }
};

// How to run each subcommand successfully (arguments after `memconn --config CONFIG`), or
// std::nullopt for a group that only dispatches to its own subcommands.
using Recipe = std::function<std::optional<std::vector<std::string>>(const World&)>;
std::map<std::string, Recipe> recipes() {
  auto run = [](std::vector<std::string> args) -> Recipe { return [args](const World&) { return args; }; };
  auto group = [](const World&) -> std::optional<std::vector<std::string>> { return std::nullopt; };
  return {
      {"ingest", [](const World& w) { return std::optional<std::vector<std::string>>({{"ingest", w.input}}); }},
      {"recall", run({"recall", "deploy"})},
      {"reflect", run({"reflect", "what happened to the cache?"})},
      {"dlq", group},
      {"dlq list", run({"dlq", "list"})},
      {"dlq retry", run({"dlq", "retry"})},
      {"dlq purge", run({"dlq", "purge", "--older-than", "30d"})},
      {"list", run({"list"})},
      {"sync", run({"sync"})},
      {"trigger", run({"trigger", "p2b"})},
      {"status", run({"status"})},
      // An empty input is trivially complete on any bank (exit 0).
      {"verify", [](const World& w) { return std::optional<std::vector<std::string>>({{"verify", w.dir.write("empty.txt", "")}}); }},
      {"doctor", run({"doctor"})},
      // A service runs until it is stopped (serve_test.cc starts, drives and stops it): only
      // its failures are checked here.
      {"serve", run({"serve", "--listen", "127.0.0.1:0"})},
      {"state", group},
      {"state show", run({"state", "show"})},
      {"state reset", run({"state", "reset", "--all"})},
  };
}

std::vector<std::string> with_config(const World& w, std::vector<std::string> args) {
  args.insert(args.begin(), {"--config", w.config});
  return args;
}

bool has_escape(const std::string& s) { return s.find('\x1b') != std::string::npos; }

// How many JSON documents text holds (0 when it is not JSON at all).
size_t json_documents(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::document_stream docs;
  if (parser.parse_many(text).get(docs)) return 0;
  size_t n = 0;
  for (auto doc : docs) {
    if (doc.error()) return 0;
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("conventions: every subcommand's --help exits 0 on stdout with an Examples section") {
  auto paths = all_subcommands();
  REQUIRE(paths.size() >= 7);
  auto known = recipes();
  for (const auto& path : paths) {
    CAPTURE(path);
    CHECK_MESSAGE(known.count(path) == 1, "new subcommand `" << path << "`: add it to recipes() in " << __FILE__);
    auto argv = words(path);
    argv.push_back("--help");
    RunResult r = e2e::run_memconn(argv);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK_MESSAGE(r.out.find("\nExamples:\n") != std::string::npos, "no examples in: " << r.out);
  }
  RunResult top = e2e::run_memconn({"--help"});
  CHECK(top.exit_code == 0);
  CHECK(top.out.find("Exit codes:") != std::string::npos);
}

namespace {

// The envelope every --json document carries (man page, JSON OUTPUT): which command, its result
// word, and the exit status the process ends with.
void check_envelope(const std::string& path, const RunResult& r) {
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  REQUIRE_MESSAGE(!parser.parse(r.out).get(doc), "stdout: " << r.out);
  std::string_view command, result;
  int64_t code = -1;
  CHECK_MESSAGE(!doc["command"].get(command), "no \"command\" in: " << r.out);
  CHECK(command == path);
  CHECK_MESSAGE(!doc["result"].get(result), "no \"result\" in: " << r.out);
  CHECK_FALSE(result.empty());
  CHECK_MESSAGE(!doc["exit_code"].get(code), "no \"exit_code\" in: " << r.out);
  CHECK_MESSAGE(code == r.exit_code, "exit_code " << code << " in the JSON, " << r.exit_code << " from the process");
}

}  // namespace

TEST_CASE("conventions: --json prints exactly one JSON document with command, result and exit_code - -q prints nothing on stderr") {
  World w;
  auto paths = all_subcommands();
  auto known = recipes();
  for (const auto& path : paths) {
    CAPTURE(path);
    auto it = known.find(path);
    if (it == known.end()) continue;  // reported by the --help test
    auto args = it->second(w);
    if (!args || path == "serve") continue;  // serve runs until stopped: serve_test.cc checks its output
    auto json_args = with_config(w, *args);
    json_args.push_back("--json");
    RunResult r = e2e::run_memconn(json_args);
    CHECK_MESSAGE(r.exit_code == 0, "stderr: " << r.err);
    CHECK_MESSAGE(json_documents(r.out) == 1, "stdout: " << r.out);
    check_envelope(path, r);
    CHECK_FALSE(has_escape(r.err));

    auto quiet_args = with_config(w, *args);
    quiet_args.push_back("-q");
    RunResult q = e2e::run_memconn(quiet_args);
    CHECK(q.exit_code == 0);
    CHECK_MESSAGE(q.err.empty(), "-q still printed: " << q.err);
  }
}

TEST_CASE("conventions: a --json run that fails carries its real exit status in exit_code") {
  World w;
  w.hindsight.stop();
  std::string absent = w.dir.file("absent.txt");
  const std::vector<std::pair<std::string, std::vector<std::string>>> failing = {
      {"ingest", {"ingest", w.input, absent, "--retries", "0"}},  // the server is gone: 69
      {"verify", {"verify", w.input}},
      {"doctor", {"doctor"}},
      {"trigger", {"trigger", "p2b", "--full", "--retries", "0"}},  // the target is gone: 69
      {"recall", {"recall", "deploy"}},
  };
  for (const auto& run : failing) {
    const std::string& path = run.first;  // not a structured binding: CAPTURE's lambda takes it
    CAPTURE(path);
    auto json_args = with_config(w, run.second);
    json_args.push_back("--json");
    RunResult r = e2e::run_memconn(json_args);
    CHECK(r.exit_code != 0);
    if (!r.out.empty()) check_envelope(path, r);  // a command that stops before its report prints only the error
  }
}

TEST_CASE("conventions: errors go to stderr as one line each, stdout stays empty, no colour off a terminal") {
  World w;
  auto known = recipes();
  for (const auto& path : all_subcommands()) {
    CAPTURE(path);
    auto it = known.find(path);
    if (it == known.end()) continue;
    auto args = it->second(w);
    if (!args) {
      // A group without its subcommand is a usage error.
      RunResult r = e2e::run_memconn(words(path));
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      CHECK(e2e::split_lines(r.err).size() == 1);
      continue;
    }
    std::vector<std::string> broken{"--config", w.dir.file("missing.toml")};
    broken.insert(broken.end(), args->begin(), args->end());
    RunResult r = e2e::run_memconn(broken, {.env = {{"TERM", "xterm-256color"}}});
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK_MESSAGE(r.err.rfind("memconn: error: ", 0) == 0, r.err);
    CHECK(e2e::split_lines(r.err).size() == 1);
    CHECK_FALSE(has_escape(r.err));
  }
  RunResult usage = e2e::run_memconn({"ingest", "--no-such-option", "x"});
  CHECK(usage.exit_code == 2);
  CHECK(usage.out.empty());
  CHECK(e2e::split_lines(usage.err).size() == 1);
}

TEST_CASE("conventions: ingest prints nothing on stdout without --json - -q keeps errors only") {
  World w;
  RunResult plain = e2e::run_memconn(with_config(w, {"ingest", w.input}));
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.empty());
  CHECK(plain.err.find("ingest ok") != std::string::npos);  // the summary is for people: stderr

  RunResult quiet = e2e::run_memconn(with_config(w, {"-q", "ingest", w.input, w.dir.file("absent.txt")}));
  CHECK(quiet.exit_code == 1);
  CHECK(quiet.out.empty());
  auto lines = e2e::split_lines(quiet.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("memconn: error: ", 0) == 0);
  CHECK(lines[0].find("absent.txt") != std::string::npos);
}

TEST_CASE("conventions: colour only on a terminal, and never with NO_COLOR") {
  // `script` (util-linux) runs memconn on a pseudo-terminal; its stdout is what the terminal showed.
  std::string cmd = "script -qec " +
                    e2e::shell_quote(std::string(MEMCONN_BIN) + " recall q --bank b --config /nonexistent/memconn.toml") +
                    " /dev/null";
  auto tty = e2e::run_shell(cmd, {{"TERM", "xterm"}});
  CHECK(tty.exit_code == 3);
  CHECK_MESSAGE(tty.out.find("memconn: \x1b[31merror\x1b[0m: ") != std::string::npos, tty.out);

  auto no_color = e2e::run_shell(cmd, {{"TERM", "xterm"}, {"NO_COLOR", "1"}});
  CHECK(no_color.exit_code == 3);
  CHECK(no_color.out.find("memconn: error: ") != std::string::npos);
  CHECK_FALSE(has_escape(no_color.out));

  auto dumb = e2e::run_shell(cmd, {{"TERM", "dumb"}});
  CHECK(dumb.out.find("memconn: error: ") != std::string::npos);
  CHECK_FALSE(has_escape(dumb.out));
}

TEST_CASE("conventions: --version prints version, commit and library versions on stdout") {
  for (const char* flag : {"--version", "-V"}) {
    RunResult r = e2e::run_memconn({flag});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    auto lines = e2e::split_lines(r.out);
    REQUIRE(lines.size() >= 4);
    CHECK(lines[0].rfind("memconn ", 0) == 0);
    CHECK(lines[0].find(" (commit ") != std::string::npos);
    CHECK(r.out.find("\nlibcurl 7.") != std::string::npos);
    CHECK(r.out.find("\nsimdjson ") != std::string::npos);
    CHECK(r.out.find("\ntoml++ ") != std::string::npos);
  }
}
