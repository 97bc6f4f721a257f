// man/memconn.1 is written by hand, but checked against the binary's own sources of truth:
// the CLI11 tree (every subcommand, recursively, and every option name), the environment
// variables named in the top-level help, exit_codes_help(), the --json report of ingest and
// the default file names. Adding a subcommand or option without documenting it fails here.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "base/exit_codes.h"
#include "cli/app.h"
#include "engine/run_control.h"
#include "ingest/report.h"
#include "config/command_setup.h"
#include "config/settings.h"

using namespace memconn;

namespace {

std::string man_path() {
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "man" / "memconn.1").string();
}

// Roff source to plain text: "\-" is a dash, font switches and zero-width escapes vanish.
std::string plain(std::string line) {
  static const std::vector<std::pair<std::string, std::string>> escapes = {
      {"\\-", "-"}, {"\\fB", ""}, {"\\fI", ""}, {"\\fR", ""}, {"\\fP", ""}, {"\\&", ""}, {"\\(aq", "'"}, {"\\e", "\\"}};
  for (const auto& [from, to] : escapes)
    for (size_t at = line.find(from); at != std::string::npos; at = line.find(from, at + to.size()))
      line.replace(at, from.size(), to);
  return line;
}

std::string unquote(std::string s) {
  while (!s.empty() && (s.front() == '"' || s.front() == ' ')) s.erase(0, 1);
  while (!s.empty() && (s.back() == '"' || s.back() == ' ')) s.pop_back();
  return s;
}

struct Block {
  std::string text;                  // plain text of every line
  std::vector<std::string> tp_heads;  // plain text of each line that follows a .TP
};

// Sections (.SH) and subsections (.SS), each with its text up to the next heading.
struct ManPage {
  std::map<std::string, Block> sections, subsections;
  std::string all;

  explicit ManPage(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::string line;
    Block* current = nullptr;
    bool after_tp = false;
    while (std::getline(in, line)) {
      if (line.rfind(".\\\"", 0) == 0) continue;  // roff comment
      std::string p = plain(line);
      all += p + "\n";
      if (line.rfind(".SH ", 0) == 0) {
        current = &sections[unquote(p.substr(4))];
      } else if (line.rfind(".SS ", 0) == 0) {
        current = &subsections[unquote(p.substr(4))];
      } else if (current) {
        current->text += p + "\n";
        if (after_tp) current->tp_heads.push_back(p);
      }
      after_tp = line == ".TP";
    }
  }
};

// name occurs as a whole token: "-h" is not found inside "--help" or "-hx".
bool mentions(const std::string& text, const std::string& name) {
  auto part_of_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    bool left = at == 0 || !part_of_name(text[at - 1]);
    bool right = at + name.size() >= text.size() || !part_of_name(text[at + name.size()]);
    if (left && right) return true;
  }
  return false;
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::Option* opt : app.get_options()) {
    for (const auto& s : opt->get_snames()) out.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) out.push_back("--" + l);
  }
  // Option groups are unnamed subcommands whose options belong to app.
  for (const CLI::App* group : app.get_subcommands([](const CLI::App* s) { return s->get_name().empty(); })) {
    auto more = option_names(*group);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

// Every named subcommand below app, hidden ones included, as "dlq retry" paths.
void walk(const CLI::App& app, const std::string& path, std::vector<std::pair<std::string, const CLI::App*>>& out) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
    std::string p = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    out.emplace_back(p, sub);
    walk(*sub, p, out);
  }
}

struct Cli {
  CLI::App app{"memconn", "memconn"};
  CliContext ctx;
  Cli() { build_cli(app, ctx); }
};

void collect_keys(simdjson::dom::element e, std::set<std::string>& keys) {
  simdjson::dom::object obj;
  if (e.get_object().get(obj)) return;
  for (auto [k, v] : obj) {
    keys.insert(std::string(k));
    if (k != "resumed_from") collect_keys(v, keys);  // resumed_from is keyed by input name
  }
}

}  // namespace

TEST_CASE("man page: every subcommand has a .SS section documenting each of its options") {
  Cli cli;
  ManPage man(man_path());
  for (const auto& name : option_names(cli.app)) {
    CHECK_MESSAGE(mentions(man.sections["OPTIONS"].text, name), "global option " << name << " missing from OPTIONS");
  }
  std::vector<std::pair<std::string, const CLI::App*>> subs;
  walk(cli.app, "", subs);
  REQUIRE(subs.size() >= 4);
  for (const auto& [path, sub] : subs) {
    CAPTURE(path);
    auto it = man.subsections.find(path);
    REQUIRE_MESSAGE(it != man.subsections.end(), "no `.SS \"" << path << "\"` in man/memconn.1");
    for (const auto& name : option_names(*sub)) {
      if (name == "-h" || name == "--help") continue;  // documented once, under OPTIONS
      CHECK_MESSAGE(mentions(it->second.text, name), name << " not documented under `.SS \"" << path << "\"`");
    }
  }
}

TEST_CASE("man page: every option it lists as an item exists for that command") {
  // The reverse direction catches a renamed or removed option left behind in the page.
  Cli cli;
  ManPage man(man_path());
  std::vector<std::pair<std::string, const CLI::App*>> subs{{"OPTIONS", &cli.app}};
  walk(cli.app, "", subs);
  const std::regex option_token(R"((^|[^A-Za-z0-9_-])(--?[A-Za-z][A-Za-z0-9-]*))");
  for (const auto& [path, app] : subs) {
    std::set<std::string> known;
    for (const CLI::App* a = app; a; a = a->get_parent())  // fallthrough: ancestors' options apply
      for (const auto& n : option_names(*a)) known.insert(n);
    const Block& block = path == "OPTIONS" ? man.sections["OPTIONS"] : man.subsections[path];
    for (const auto& head : block.tp_heads) {
      for (std::sregex_iterator m(head.begin(), head.end(), option_token), end; m != end; ++m) {
        std::string name = (*m)[2];
        CAPTURE(path);
        CAPTURE(head);
        CHECK_MESSAGE(known.count(name) == 1, name << " is documented but memconn has no such option there");
      }
    }
  }
}

TEST_CASE("man page: the environment variables, exit codes and files the binary names") {
  Cli cli;
  ManPage man(man_path());
  const std::string& env = man.sections["ENVIRONMENT"].text;
  // The top-level help lists the variables as "Environment: A, B, C."
  std::string footer = cli.app.get_footer();
  auto from = footer.find("Environment:");
  REQUIRE(from != std::string::npos);
  std::string list = footer.substr(from + 12, footer.find('.', from) - from - 12);
  std::smatch m;
  std::set<std::string> vars;
  for (auto it = list.cbegin(); std::regex_search(it, list.cend(), m, std::regex("[A-Z][A-Z_]+")); it = m[0].second)
    vars.insert(m[0]);
  CHECK(vars.count("HINDSIGHT_API_KEY") == 1);
  for (const auto& v : vars) {
    CAPTURE(v);
    CHECK(mentions(env, v));
  }

  // Every code in exit_codes_help() ("  0    everything done", "130 ...; 143 ...") is an item.
  const std::string& status = man.sections["EXIT STATUS"].text;
  std::set<std::string> items(man.sections["EXIT STATUS"].tp_heads.begin(), man.sections["EXIT STATUS"].tp_heads.end());
  std::istringstream help(exit_codes_help());
  std::string line;
  int codes = 0;
  while (std::getline(help, line)) {
    for (auto it = line.cbegin(); std::regex_search(it, line.cend(), m, std::regex(R"((^ +|; )([0-9]+) )"));
         it = m[0].second) {
      ++codes;
      CAPTURE(m[2]);
      CHECK(items.count(".B " + std::string(m[2])) == 1);
    }
  }
  CHECK(codes == static_cast<int>(std::size(exit_code::kAll)));
  CHECK(!status.empty());

  const std::string& files = man.sections["FILES"].text;
  auto no_env = [](const std::string& k) -> std::optional<std::string> {
    if (k == "XDG_CONFIG_HOME") return std::string("/X");
    return std::nullopt;
  };
  auto config = std::filesystem::path(default_config_path(no_env));
  CHECK(config == "/X/memconn/config.toml");
  CHECK(mentions(files, "$XDG_CONFIG_HOME/" + config.parent_path().filename().string() + "/" + config.filename().string()));
  CHECK(mentions(files, "state.json"));
  CHECK(mentions(files, "state.json.lock"));
  CHECK(mentions(files, std::filesystem::path(dead_letter_path_for("/s/state.json")).filename().string()));
}

TEST_CASE("man page: every field of ingest's --json report is described") {
  ManPage man(man_path());
  IngestReport r;
  r.resumed_from.push_back({"input.txt", CommitPoint{}});
  std::string json = ingest_report_json(r);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  std::set<std::string> keys;
  collect_keys(doc, keys);
  CHECK(keys.count("items_read") == 1);
  CHECK(keys.count("completed") == 1);  // nested: operations.completed
  const std::string& section = man.sections["JSON OUTPUT"].text;
  for (const auto& k : keys) {
    CAPTURE(k);
    CHECK(mentions(section, k));
  }
}

// The exit codes and the --json "result" words are written in three places besides the code:
// the README's table, the man page and --help. They drifted before (73 missing from --help).
TEST_CASE("docs: every exit code and result word agrees across the code, README, man page and --help") {
  ManPage man(man_path());
  std::ifstream in(std::filesystem::path(man_path()).parent_path().parent_path() / "README.md");
  REQUIRE(in);
  std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::set<std::string> items(man.sections["EXIT STATUS"].tp_heads.begin(), man.sections["EXIT STATUS"].tp_heads.end());
  std::string help = exit_codes_help();
  std::set<int> documented;
  for (int code : exit_code::kAll) {
    CAPTURE(code);
    std::string c = std::to_string(code);
    CHECK(std::regex_search(readme, std::regex("\n\\| ([0-9]+ / )?" + c + "( / [0-9]+)? \\|")));
    CHECK(items.count(".B " + c) == 1);
    CHECK(std::regex_search(help, std::regex("(^|\n) +" + c + " |; " + c + " ")));
    documented.insert(code);
  }
  // And nothing documented that the code does not have: every row of the README's table.
  std::smatch m;
  for (auto it = readme.cbegin(); std::regex_search(it, readme.cend(), m, std::regex("\n\\| ([0-9]+)( / ([0-9]+))? \\|"));
       it = m[0].second) {
    CAPTURE(m[0]);
    CHECK(documented.count(std::stoi(m[1])) == 1);
    if (m[3].matched) CHECK(documented.count(std::stoi(m[3])) == 1);
  }
  for (const auto& head : items) {
    CAPTURE(head);
    CHECK(documented.count(std::stoi(head.substr(3))) == 1);
  }
  // Each way a run ends: its result word is described with the --json output, and its code is
  // one of the documented ones.
  const std::string& json = man.sections["JSON OUTPUT"].text;
  for (auto reason : {StopReason::None, StopReason::Interrupted, StopReason::AuthRefused, StopReason::Unreachable,
                      StopReason::WrongTarget, StopReason::Fatal}) {
    for (bool incomplete : {false, true}) {
      RunControl control;
      if (reason != StopReason::None) control.stop(reason, "x");
      auto outcome = run_outcome(control, incomplete);
      CAPTURE(outcome.result);
      CHECK(mentions(json, outcome.result));
      CHECK(documented.count(outcome.exit_code) == 1);
    }
  }
}

// The CONFIGURATION section names every key of every table the shipped example shows (its
// commented blocks included), so a key added to the example without a line here fails.
TEST_CASE("man page: CONFIGURATION describes every key of the shipped example config") {
  ManPage man(man_path());
  // With its subsections, up to the next .SH.
  auto from = man.all.find("\n.SH CONFIGURATION");
  REQUIRE(from != std::string::npos);
  std::string section = man.all.substr(from, man.all.find("\n.SH ", from + 1) - from);
  std::ifstream in(std::filesystem::path(man_path()).parent_path().parent_path() / "sample_data" / "memconn.example.toml");
  REQUIRE(in);
  std::string line;
  int keys = 0;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, std::regex(R"(^#?\s*\[([a-z]+)[.\]].*)"))) {
      CAPTURE(line);
      CHECK(mentions(section, "[" + std::string(m[1])));
    } else if (std::regex_search(line, m, std::regex(R"(^#?\s*([a-z_]+)\s*=)"))) {
      ++keys;
      CAPTURE(line);
      CHECK(mentions(section, m[1]));
    }
  }
  CHECK(keys > 60);
}
