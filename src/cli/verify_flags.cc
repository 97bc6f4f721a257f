#include <memory>

#include "cli/app.h"
#include "cli/verify.h"

namespace memconn {

void register_verify(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<VerifyOptions>();
  auto* sub = app.add_subcommand(
      "verify", "Check that everything the inputs hold is on the server (missing, stale, empty, failed); --repair re-sends");
  auto& in = o->ingest;
  sub->add_option("inputs", in.inputs, "The files, directories or - given to ingest")->type_name("PATH");
  sub->add_option("--connector", o->connector,
                  "Verify a connector instead: read its source again up to its cursor and check its target")
      ->type_name("NAME");
  sub->add_option("--target", in.target, "The configured target given to ingest --target (default: --url/--bank)")
      ->type_name("NAME");
  sub->add_option("-f,--format", in.format, "lines, jsonl, chatgpt, claude, or auto, as given to ingest")
      ->check(CLI::IsMember({"auto", "lines", "jsonl", "chatgpt", "claude"}));
  sub->add_option("--since", in.since, "Chat exports: as given to ingest")->type_name("DATE");
  sub->add_flag("--thinking", in.thinking, "Chat exports: as given to ingest");
  sub->add_flag("--tool-traffic", in.tool_traffic, "Chat exports: as given to ingest");
  sub->add_option("--unit", in.unit, "line, paragraph or file, as given to ingest (it decides the document ids)")
      ->check(CLI::IsMember({"line", "paragraph", "file"}));
  sub->add_option("--id-prefix", in.id_prefix, "With --unit file: the prefix given to ingest");
  sub->add_option("--map", in.map, "FIELD=PATH entries, as given to ingest")->delimiter(',')->type_name("FIELD=PATH");
  sub->add_option("--template", in.content_template, "The content template given to ingest")->type_name("TEXT");
  sub->add_option("--glob", in.glob, "Only files matching this pattern inside directories, e.g. '*.txt'");
  sub->add_option("--tags", in.tags, "Tags added to every re-sent item (comma-separated or repeated)")->delimiter(',');
  sub->add_option("--context", in.context, "Context for re-sent items that have none");
  sub->add_option("--shard", in.shard, "Verify only shard K of N (as ingest --shard K/N)")->type_name("K/N");
  sub->add_flag("--finished", in.finished,
                "The files are complete: expect a last line without a newline too (as ingest --finished)");
  sub->add_flag("--repair", o->repair,
                "Re-send missing and stale documents, reprocess empty ones, retry failed operations");
  add_tuning_options(*sub, in.tuning);
  add_line_limit_option(*sub, in.tuning.max_line_bytes);
  sub->add_flag("--async", in.async, "With --repair: re-send with async retain");
  sub->add_flag("--wait", in.wait, "With --repair --async: follow the operations to completion");
  sub->add_option("--wait-timeout", in.wait_timeout, "With --wait: stop waiting after this long (default 30m)")
      ->type_name("DURATION");
  sub->add_option("--dead-letter", in.dead_letter, "With --repair: dead-letter file (default beside the state file)")
      ->type_name("FILE");
  sub->add_option("--page-size", o->page_size, "Documents per listing request (default 1000)")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--list-limit", o->list_limit, "Document ids named per category (default 1000; counts are complete)")
      ->check(CLI::Range(0, 1 << 30));
  sub->footer(
      "Exit 0 when every expected document is on the server with the expected content and no operation\n"
      "failed or is still open; 1 otherwise (with --repair: 0 when every repair was accepted).\n\n"
      "Examples:\n"
      "  memconn verify notes.txt --bank team\n"
      "  memconn verify ./transcripts/ --bank team --json | jq .missing\n"
      "  memconn verify chats.jsonl --bank team --repair\n"
      "  memconn verify --connector pendant --repair\n");
  sub->callback([o, &ctx] { ctx.exit_code = run_verify(ctx.global, *o); });
}

}  // namespace memconn
