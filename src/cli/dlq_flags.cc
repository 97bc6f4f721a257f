#include <memory>

#include "cli/app.h"
#include "cli/dlq.h"

namespace memconn {

void register_dlq(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<DlqOptions>();
  auto* dlq = app.add_subcommand("dlq", "Inspect, re-send or drop items that failed for good (the dead-letter file)");
  dlq->require_subcommand(1);
  dlq->add_option("--dead-letter", o->dead_letter, "Dead-letter file (default beside the state file, named after it: dead-letter.jsonl for state.json)")
      ->type_name("FILE");
  dlq->add_option("--connector", o->connector, "Only entries of this connector (- = plain ingest entries only)");
  dlq->add_option("--shard", o->shard, "K/N: the dead letters of `ingest --shard K/N` (its own files)");
  dlq->footer("Examples:\n  memconn dlq list\n  memconn dlq retry --bank team\n  memconn dlq purge --older-than 7d\n");

  auto* list = dlq->add_subcommand("list", "Show the dead letters (--json: one document with every entry)");
  list->footer("Examples:\n  memconn dlq list\n  memconn dlq list --json | jq '.entries[] | .error'\n");
  list->callback([o, &ctx] { ctx.exit_code = run_dlq_list(ctx.global, *o); });

  auto* retry = dlq->add_subcommand("retry", "Re-send dead letters; those that now succeed leave the file");
  add_tuning_options(*retry, o->tuning);
  retry->add_flag("--wait-lock", o->wait_lock, "Wait for another run on the same state instead of exiting 75");
  retry->footer("Entries go back to the bank they were going to; others stay with updated attempts and error.\n\n"
                "Examples:\n  memconn dlq retry\n  memconn dlq retry --workers 2 --json\n");
  retry->callback([o, &ctx] { ctx.exit_code = run_dlq_retry(ctx.global, *o); });

  auto* purge = dlq->add_subcommand("purge", "Drop dead letters for good: those a filter selects, or --all");
  purge->add_option("--older-than", o->older_than, "Only entries older than this, e.g. 7d");
  purge->add_flag("--all", o->all, "Every entry (without a filter, purge refuses to guess)");
  purge->add_flag("-n,--dry-run", o->dry_run, "Say what would be dropped; drop nothing");
  purge->add_flag("-y,--yes", o->yes, "Do not ask on a terminal");
  purge->add_flag("--wait-lock", o->wait_lock, "Wait for another run on the same state instead of exiting 75");
  purge->footer("On a terminal, purge asks before it drops anything (--yes does not ask).\n\n"
                "Examples:\n  memconn dlq purge --older-than 7d\n  memconn dlq purge --connector pendant-to-rag --dry-run\n"
                "  memconn dlq purge --all\n");
  purge->callback([o, &ctx] { ctx.exit_code = run_dlq_purge(ctx.global, *o); });
}

}  // namespace memconn
