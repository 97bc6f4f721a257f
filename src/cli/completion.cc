#include "cli/completion.h"

#include <algorithm>

namespace memconn {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// CLI11 renders each check into the type name: "TEXT:{low,mid,high}" for IsMember.
std::vector<std::string> choices_of(const std::string& type_name) {
  std::vector<std::string> out;
  auto open = type_name.find(":{");
  if (open == std::string::npos) return out;
  auto close = type_name.find('}', open);
  if (close == std::string::npos) return out;
  std::string set = type_name.substr(open + 2, close - open - 2);
  size_t start = 0;
  while (start <= set.size()) {
    auto comma = set.find(',', start);
    if (comma == std::string::npos) comma = set.size();
    if (comma > start) out.push_back(set.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

ValueKind kind_of(const CLI::Option& opt, const std::string& name, const std::vector<std::string>& choices) {
  if (opt.get_expected_min() == 0 && opt.get_expected_max() == 0) return ValueKind::None;
  if (!choices.empty()) return ValueKind::Choices;
  std::string type = opt.get_type_name();
  type = type.substr(0, type.find(':'));
  if (type == "DIR") return ValueKind::Directory;
  if (type == "FILE" || type == "PATH" || ends_with(name, "file")) return ValueKind::File;
  if (type == "CONNECTOR" || name == "connector" || name == "connectors") return ValueKind::Connector;
  return ValueKind::Text;
}

CompletionArg arg_of(const CLI::Option& opt) {
  CompletionArg a;
  for (const auto& s : opt.get_snames()) a.flags.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) a.flags.push_back("--" + l);
  if (opt.get_positional()) a.name = opt.get_name(true, false);
  else if (!opt.get_lnames().empty()) a.name = opt.get_lnames().front();
  else if (!opt.get_snames().empty()) a.name = opt.get_snames().front();
  a.help = opt.get_description();
  a.choices = choices_of(opt.get_type_name());
  a.kind = kind_of(opt, a.name, a.choices);
  a.repeatable = opt.get_expected_max() > 1 || opt.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
  return a;
}

bool hidden(const CLI::App& sub) { return sub.get_group().empty(); }

// Options of app, including those of its option groups (CLI11 models a group as an unnamed
// subcommand whose options belong to the parent).
void collect_options(const CLI::App& app, CompletionCommand& cmd) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_lnames().empty() && opt->get_snames().empty() && !opt->get_positional()) continue;
    CompletionArg a = arg_of(*opt);
    (opt->get_positional() ? cmd.positionals : cmd.options).push_back(std::move(a));
  }
  for (const CLI::App* group : app.get_subcommands([](const CLI::App* s) { return s->get_name().empty(); }))
    collect_options(*group, cmd);
}

CompletionCommand model_of(const CLI::App& app, std::vector<std::string> path) {
  CompletionCommand cmd;
  cmd.path = path;
  cmd.help = app.get_description();
  collect_options(app, cmd);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
    if (hidden(*sub)) continue;
    auto child = path;
    child.push_back(sub->get_name());
    cmd.subcommands.push_back(model_of(*sub, child));
  }
  return cmd;
}

}  // namespace

std::string CompletionCommand::joined(char sep) const {
  std::string s;
  for (const auto& p : path) s += (s.empty() ? "" : std::string(1, sep)) + p;
  return s;
}

CompletionCommand completion_model(const CLI::App& app) { return model_of(app, {}); }

std::vector<FlatCommand> flatten(const CompletionCommand& root) {
  std::vector<FlatCommand> out;
  auto walk = [&out](auto&& self, const CompletionCommand& cmd, const std::vector<const CompletionArg*>& inherited) -> void {
    FlatCommand f{&cmd, {}};
    auto taken = [&f](const CompletionArg& a) {
      for (const auto* o : f.options)
        for (const auto& flag : a.flags)
          if (std::find(o->flags.begin(), o->flags.end(), flag) != o->flags.end()) return true;
      return false;
    };
    for (const auto& o : cmd.options) f.options.push_back(&o);
    for (const auto* o : inherited)
      if (!taken(*o)) f.options.push_back(o);
    out.push_back(f);
    auto opts = out.back().options;
    for (const auto& sub : cmd.subcommands) self(self, sub, opts);
  };
  walk(walk, root, {});
  return out;
}

std::string completion_script(const CLI::App& app, const std::string& shell) {
  if (shell == "bash") return bash_completion(app);
  if (shell == "zsh") return zsh_completion(app);
  if (shell == "fish") return fish_completion(app);
  return {};
}

}  // namespace memconn
