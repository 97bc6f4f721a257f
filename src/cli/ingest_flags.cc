#include <memory>

#include "cli/app.h"
#include "cli/ingest.h"

namespace memconn {

void register_ingest(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<IngestOptions>();
  auto* sub = app.add_subcommand("ingest", "Send text files, directories or stdin to a memory target (one non-empty line = one memory)");
  sub->add_option("inputs", o->inputs, "Files, directories (walked recursively, sorted) or - for stdin")
      ->type_name("PATH")
      ->required();
  sub->add_option("--target", o->target,
                  "A [targets.NAME] of the config (Hindsight or LightRAG) instead of --url/--bank")
      ->type_name("NAME");
  sub->add_option("-f,--format", o->format,
                  "lines, jsonl, chatgpt, claude, or auto (.jsonl/.ndjson are JSONL; a .zip, .json or folder holding a "
                  "ChatGPT or Claude.ai export is read as one)")
      ->check(CLI::IsMember({"auto", "lines", "jsonl", "chatgpt", "claude"}));
  sub->add_option("--since", o->since, "Chat exports: only conversations updated since this date or ISO-8601 time")
      ->type_name("DATE");
  sub->add_flag("--thinking", o->thinking, "Chat exports: import the model's reasoning (thinking) too");
  sub->add_flag("--tool-traffic", o->tool_traffic, "Chat exports: import tool calls and results too");
  sub->add_option("--unit", o->unit,
                  "line (each line or JSONL object is an item), paragraph (lines up to a blank line) or file (a file "
                  "is one document, id = path)")
      ->check(CLI::IsMember({"line", "paragraph", "file"}));
  sub->add_option("--id-prefix", o->id_prefix, "With --unit file: prefix for document ids (id = prefix + relative path)");
  sub->add_option("--map", o->map,
                  "JSONL exports: where a field is, FIELD=PATH with dotted paths (content=message.body,"
                  "document_id=conversation_id); fields: content document_id context timestamp tags metadata")
      ->delimiter(',')
      ->type_name("FIELD=PATH");
  sub->add_option("--template", o->content_template,
                  "JSONL exports: render the content from several fields, e.g. \"{author.role}: {content}\"")
      ->type_name("TEXT");
  sub->add_option("--glob", o->glob, "Only files matching this pattern inside directories, e.g. '*.txt'");
  sub->add_flag("--finished", o->finished,
                "The files are complete: send a last line that has no newline (held back by default: a writer may be "
                "mid-line)");
  sub->add_option("--tags", o->tags, "Tags added to every item (comma-separated or repeated)")->delimiter(',');
  sub->add_option("--context", o->context, "Context for items that have none");
  add_tuning_options(*sub, o->tuning);
  add_line_limit_option(*sub, o->tuning.max_line_bytes);
  sub->add_flag("--async", o->async, "Queue on the server (async retain with an idempotent operation_id)");
  sub->add_flag("--wait", o->wait, "With --async: follow the operations to completion");
  sub->add_option("--wait-timeout", o->wait_timeout,
                  "With --wait: stop waiting after this long and name the operations still pending, exit 1 (default 30m)")
      ->type_name("DURATION");
  sub->add_flag("-n,--dry-run", o->dry_run, "Print the exact JSON request bodies on stdout; send nothing");
  sub->add_option("--dead-letter", o->dead_letter, "Dead-letter file (default beside the state file, named after it: dead-letter.jsonl for state.json)")
      ->type_name("FILE");
  sub->add_flag("--reset-state", o->reset_state, "Start this run's inputs over from their first line (other files keep their progress; memconn state reset --all forgets all)");
  sub->add_flag("--wait-lock", o->wait_lock, "Wait for another run on the same state instead of exiting 75");
  sub->add_option("--metrics-file", o->metrics_file, "Write Prometheus metrics here at the end (textfile collector)")
      ->type_name("FILE");
  sub->add_option("--shard", o->shard,
                  "Send only shard K of N (0 <= K < N, by a hash of the document id); own state file per shard")
      ->type_name("K/N");
  sub->footer(
      "Files resume where the last run stopped (tail semantics: appended lines are sent on the next run);\n"
      "a last line without a newline waits for it (--finished sends it). stdin cannot resume: when a run\n"
      "stops early, what it read and the server did not acknowledge goes to the dead-letter file.\n\n"
      "Examples:\n"
      "  memconn ingest notes.txt --bank team\n"
      "  memconn ingest notes.txt --target rag          # a [targets.rag] of the config, e.g. LightRAG\n"
      "  memconn ingest chatgpt-export.zip --bank me     # one document per conversation; re-runs send what changed\n"
      "  cat chat.jsonl | memconn ingest - --bank team --format jsonl --workers 8 --batch-size 25\n"
      "  memconn ingest ./transcripts/ --bank team --tags import,2026 --context \"support chats\"\n"
      "  memconn ingest big.txt --bank team --async --wait\n"
      "  memconn ingest notes.txt --bank team --dry-run\n"
      "  memconn ingest ./notes/ --bank team --unit file --id-prefix notes/   # one document per note\n"
      "  memconn ingest ./notes/ --bank team --unit paragraph   # one memory per paragraph\n"
      "  memconn ingest chats.jsonl --bank team --map content=message.text,document_id=conversation_id,"
      "timestamp=create_time --template \"{message.role}: {content}\"\n"
      "  memconn ingest big.txt --bank team --shard 0/4   # and 1/4, 2/4, 3/4 in parallel\n");
  sub->callback([o, &ctx] { ctx.exit_code = run_ingest(ctx.global, *o); });
}

}  // namespace memconn
