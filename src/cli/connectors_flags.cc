#include <memory>

#include "cli/app.h"
#include "cli/connectors.h"

namespace memconn {

void register_connectors(CLI::App& app, CliContext& ctx) {
  auto* list = app.add_subcommand("list", "List connectors: source → target, schedule, enabled, next due");
  list->footer(
      "Reads the config and the state file; takes no lock, so it works while a sync runs.\n\n"
      "Examples:\n"
      "  memconn list\n"
      "  memconn list --json | jq -r '.connectors[] | select(.enabled) | .name'\n");
  list->callback([&ctx] { ctx.exit_code = run_list(ctx.global); });

  auto s = std::make_shared<SyncOptions>();
  auto* sync = app.add_subcommand("sync", "Run every enabled connector that is due (or the named ones, when due)");
  sync->add_option("connector", s->names, "Only these connectors (default: all enabled)")->type_name("CONNECTOR");
  sync->add_flag("--watch", s->watch,
                 "Stay up and run connectors as they fall due (for a systemd service); SIGTERM/SIGINT finish the "
                 "current connector's checkpoint and exit 143/130");
  sync->add_flag("--wait", s->wait, "LightRAG targets: wait until the sent documents are indexed (processed/failed)");
  sync->add_flag("--wait-lock", s->wait_lock, "Wait for another run on the same state instead of exiting 75");
  add_tuning_options(*sync, s->tuning);
  sync->footer(
      "A connector is due when it never ran, or when its schedule has a slot after the start of its last\n"
      "finished run. So one crontab line running `memconn sync` every minute honours each connector's own\n"
      "schedule. An interrupted run leaves the connector due. Each run fetches from the source, skips what\n"
      "it processed before (cursor + ids in the overlap window), sends the rest and moves the cursor only\n"
      "over what the target acknowledged; a crash re-sends at most what was in flight or acknowledged in\n"
      "the last second (stable document ids make that harmless).\n\n"
      "Examples:\n"
      "  * * * * *  memconn sync -q                 # crontab: every minute, each connector on its schedule\n"
      "  memconn sync pendant-to-rag --wait\n"
      "  memconn sync --watch                       # ExecStart= of a systemd service\n"
      "  memconn sync --json | jq '.runs[] | {connector, result, sent}'\n\n" +
      exit_codes_help());
  sync->callback([s, &ctx] { ctx.exit_code = run_sync(ctx.global, *s); });

  auto t = std::make_shared<TriggerOptions>();
  auto* trigger = app.add_subcommand("trigger", "Run one connector now, due or not");
  trigger->add_option("connector", t->name, "The connector to run")->required()->type_name("CONNECTOR");
  trigger->add_flag("--full", t->full,
                    "Ignore the cursor and the processed ids: fetch the whole range and send everything again "
                    "(stable ids: Hindsight upserts, LightRAG reports already present)");
  trigger->add_flag("--reprocess-failed", t->reprocess_failed,
                    "LightRAG targets: first ask LightRAG to index again the documents it failed to index");
  trigger->add_flag("--wait", t->wait, "LightRAG targets: wait until the sent documents are indexed");
  trigger->add_flag("--wait-lock", t->wait_lock, "Wait for another run on the same state instead of exiting 75");
  add_tuning_options(*trigger, t->tuning);
  trigger->footer(
      "The run is recorded in the connector's history and counts for its schedule.\n\n"
      "Examples:\n"
      "  memconn trigger pendant-to-rag\n"
      "  memconn trigger pendant-to-rag --full --wait\n"
      "  memconn trigger pendant-to-rag --json\n\n" +
      exit_codes_help());
  trigger->callback([t, &ctx] { ctx.exit_code = run_trigger(ctx.global, *t); });

  auto st = std::make_shared<StatusOptions>();
  auto* status = app.add_subcommand(
      "status", "Show connectors' last run, result, counts, cursor, next due, dead letters and whether one runs");
  status->add_option("connector", st->name, "Only this connector")->type_name("CONNECTOR");
  status->footer(
      "\"died\" means a run recorded that it started but never finished (kill -9, power loss): the next\n"
      "run resumes from the last checkpoint.\n\n"
      "Examples:\n"
      "  memconn status\n"
      "  memconn status pendant-to-rag --json | jq '.connectors[0].last_run'\n");
  status->callback([st, &ctx] { ctx.exit_code = run_status(ctx.global, *st); });
}

}  // namespace memconn
