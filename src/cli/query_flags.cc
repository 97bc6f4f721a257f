#include <memory>

#include "cli/app.h"
#include "cli/query.h"

namespace memconn {

namespace {
const auto kTagsMatch = CLI::IsMember({"any", "all", "any_strict", "all_strict", "exact"});
const auto kBudget = CLI::IsMember({"low", "mid", "high"});
const auto kMode = CLI::IsMember({"local", "global", "hybrid", "naive", "mix", "bypass"});

// --connector NAME (its target instead of [hindsight]), --mode (LightRAG targets only) and
// --timeout.
void add_connector_options(CLI::App& sub, std::string& connector, std::string& mode,
                           std::optional<std::string>& timeout) {
  sub.add_option("--timeout", timeout,
                 "Give up on the answer after this long, e.g. 2m (default: [defaults] timeout, else 300s); a question "
                 "that timed out after it was sent is asked once more at most")
      ->type_name("DURATION");
  sub.add_option("--connector", connector, "Ask the target of this connector (Hindsight or LightRAG)")
      ->type_name("CONNECTOR");
  sub.add_option("--mode", mode,
                 "LightRAG query mode: local, global, hybrid, naive, mix or bypass (default: the target's "
                 "query_mode, else mix)")
      ->check(kMode);
}
}  // namespace

void register_query(CLI::App& app, CliContext& ctx) {
  auto r = std::make_shared<RecallOptions>();
  auto* recall = app.add_subcommand("recall", "Search a bank's memories");
  recall->add_option("query", r->query, "What to look for")->required();
  recall->add_option("--budget", r->budget, "low, mid or high (server default mid)")->check(kBudget);
  recall->add_option("--max-tokens", r->max_tokens, "Token budget of the returned results (server default 4096)");
  recall->add_option("--types", r->types, "world, experience, observation (comma-separated)")
      ->delimiter(',')
      ->check(CLI::IsMember({"world", "experience", "observation"}));
  recall->add_option("--tags", r->tags, "Only memories with these tags (comma-separated or repeated)")->delimiter(',');
  recall->add_option("--tags-match", r->tags_match, "any, all, any_strict, all_strict or exact")->check(kTagsMatch);
  recall->add_option("--query-timestamp", r->query_timestamp, "ISO-8601 anchor for relative dates in the query");
  recall->add_flag("--include-chunks", r->include_chunks, "Also return the source chunks");
  add_connector_options(*recall, r->connector, r->mode, r->timeout);
  add_response_cap_option(*recall, r->max_response_bytes);
  recall->footer("Examples:\n  memconn recall \"what did Alice deploy?\" --bank team --budget high --tags import --tags-match any_strict\n"
                 "  memconn recall \"outages\" --bank team --json | jq '.results[].text'\n"
                 "  memconn recall \"meeting with Anna\" --connector pendant-to-rag --mode local\n");
  recall->callback([r, &ctx] { ctx.exit_code = run_recall(ctx.global, *r); });

  auto f = std::make_shared<ReflectOptions>();
  auto* reflect = app.add_subcommand("reflect", "Ask a bank a question and get a composed answer");
  reflect->add_option("query", f->query, "The question")->required();
  reflect->add_option("--budget", f->budget, "low, mid or high (server default low)")->check(kBudget);
  reflect->add_option("--max-tokens", f->max_tokens, "Answer token budget (server default 4096)");
  reflect->add_option("--context", f->context, "Extra context for the question");
  reflect->add_option("--tags", f->tags, "Only memories with these tags (comma-separated or repeated)")->delimiter(',');
  reflect->add_option("--tags-match", f->tags_match, "any, all, any_strict, all_strict or exact")->check(kTagsMatch);
  reflect->add_flag("--include-facts", f->include_facts, "List the memories the answer is based on");
  reflect->add_option("--schema", f->schema_file, "JSON Schema file for a structured answer")->type_name("FILE");
  add_connector_options(*reflect, f->connector, f->mode, f->timeout);
  add_response_cap_option(*reflect, f->max_response_bytes);
  reflect->footer("Examples:\n  memconn reflect \"summarise the outages\" --bank team\n"
                  "  memconn reflect \"summarise the outages\" --bank team --include-facts --json\n"
                  "  memconn reflect \"what did I plan for the garden?\" --connector pendant-to-rag\n");
  reflect->callback([f, &ctx] { ctx.exit_code = run_reflect(ctx.global, *f); });
}

}  // namespace memconn
