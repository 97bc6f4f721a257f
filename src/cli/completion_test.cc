#include "cli/completion.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "cli/app.h"

using namespace memconn;

namespace {

// A small tree with one of everything the generators must handle.
struct Toy {
  CLI::App app{"toy", "toy"};
  bool flag = false;
  std::string s, cfg, out, conn, shell, dir;
  std::vector<std::string> tags, inputs;

  Toy() {
    app.fallthrough();
    app.add_flag("-v,--verbose", flag, "Chatty");
    app.add_option("-c,--config", cfg, "Config")->type_name("FILE");
    app.add_option("--mode", s, "Mode")->check(CLI::IsMember({"fast", "slow"}));
    auto* run = app.add_subcommand("run", "Run it");
    run->add_option("inputs", inputs, "Inputs")->type_name("PATH");
    run->add_option("--tags", tags, "Tags")->delimiter(',');
    run->add_option("--metrics-file", out, "Where");
    run->add_option("--mode", s, "Shadowing mode")->check(CLI::IsMember({"a", "b"}));
    auto* group = run->add_option_group("tuning");
    group->add_option("--workdir", dir, "Work dir")->type_name("DIR");
    auto* sync = app.add_subcommand("sync", "Sync a connector");
    sync->add_option("connector", conn, "Which");
    auto* nested = sync->add_subcommand("now", "Right now");
    nested->add_flag("--force", flag, "Force");
    app.add_subcommand("secret", "Plumbing")->group("");
  }
};

const CompletionArg* find_flag(const std::vector<CompletionArg>& args, const std::string& flag) {
  for (const auto& a : args)
    if (std::find(a.flags.begin(), a.flags.end(), flag) != a.flags.end()) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE("completion_model: kinds, choices, positionals, option groups - hidden commands left out") {
  Toy t;
  CompletionCommand root = completion_model(t.app);
  CHECK(root.path.empty());
  REQUIRE(root.subcommands.size() == 2);  // "secret" is hidden
  CHECK(root.subcommands[0].path == std::vector<std::string>{"run"});
  CHECK(root.subcommands[1].subcommands.at(0).joined() == "sync now");

  auto* verbose = find_flag(root.options, "--verbose");
  REQUIRE(verbose);
  CHECK(verbose->kind == ValueKind::None);
  CHECK(verbose->flags == std::vector<std::string>{"-v", "--verbose"});
  CHECK(find_flag(root.options, "--config")->kind == ValueKind::File);
  auto* mode = find_flag(root.options, "--mode");
  CHECK(mode->kind == ValueKind::Choices);
  CHECK(mode->choices == std::vector<std::string>{"fast", "slow"});
  CHECK(find_flag(root.options, "--help")->kind == ValueKind::None);

  const auto& run = root.subcommands[0];
  REQUIRE(run.positionals.size() == 1);
  CHECK(run.positionals[0].name == "inputs");
  CHECK(run.positionals[0].kind == ValueKind::File);
  CHECK(run.positionals[0].repeatable);
  CHECK(find_flag(run.options, "--tags")->kind == ValueKind::Text);
  CHECK(find_flag(run.options, "--tags")->repeatable);
  CHECK(find_flag(run.options, "--metrics-file")->kind == ValueKind::File);  // by name
  CHECK(find_flag(run.options, "--workdir")->kind == ValueKind::Directory);  // from the option group
  CHECK(root.subcommands[1].positionals.at(0).kind == ValueKind::Connector);
}

TEST_CASE("flatten: parents first - options inherited from ancestors unless shadowed") {
  Toy t;
  CompletionCommand root = completion_model(t.app);
  auto flat = flatten(root);
  REQUIRE(flat.size() == 4);
  CHECK(flat[0].cmd->joined() == "");
  CHECK(flat[1].cmd->joined() == "run");
  CHECK(flat[3].cmd->joined() == "sync now");
  auto choices_of_mode = [](const FlatCommand& f) {
    std::vector<std::vector<std::string>> seen;
    for (const auto* o : f.options)
      if (std::find(o->flags.begin(), o->flags.end(), "--mode") != o->flags.end()) seen.push_back(o->choices);
    return seen;
  };
  // run's own --mode wins over the program's; nowhere is an option listed twice.
  CHECK(choices_of_mode(flat[1]) == std::vector<std::vector<std::string>>{{"a", "b"}});
  CHECK(choices_of_mode(flat[3]) == std::vector<std::vector<std::string>>{{"fast", "slow"}});
  bool has_config = false, has_force = false;
  for (const auto* o : flat[3].options) {
    has_config = has_config || o->name == "config";
    has_force = has_force || o->name == "force";
  }
  CHECK(has_config);  // from the program, two levels up
  CHECK(has_force);
}

TEST_CASE("generated scripts cover memconn's real tree and nothing hidden") {
  CLI::App app{"memconn", "memconn"};
  CliContext ctx;
  build_cli(app, ctx);
  std::string bash = completion_script(app, "bash");
  std::string zsh = completion_script(app, "zsh");
  std::string fish = completion_script(app, "fish");
  CHECK(completion_script(app, "tcsh").empty());
  auto roots = bash.find("    '') case $1 in ");  // the program's subcommands
  REQUIRE(roots != std::string::npos);
  std::string root_line = bash.substr(roots, bash.find('\n', roots) - roots) + " ";
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    CAPTURE(sub->get_name());
    bool listed = root_line.find(" " + sub->get_name() + " |") != std::string::npos ||
                  root_line.find(" " + sub->get_name() + ")") != std::string::npos;
    CHECK(listed);
    CHECK(zsh.find("'" + sub->get_name() + ":") != std::string::npos);
    CHECK(fish.find("-a '" + sub->get_name() + "' ") != std::string::npos);
  }
  CHECK(root_line.find("completion") == std::string::npos);  // hidden
  CHECK(bash.find("'low mid high'") != std::string::npos);
  CHECK(bash.ends_with("\ncomplete -F _memconn memconn\n"));
  CHECK(zsh.rfind("#compdef memconn\n", 0) == 0);
  CHECK(fish.find("complete -c memconn -f\n") != std::string::npos);
}
