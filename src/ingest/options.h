// What an ingest run is asked to do: a plain struct the command line fills (cli/ingest_flags.cc)
// and verify --repair builds; the run (ingest/run.h) knows nothing of CLI11.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/command_setup.h"
#include "config/settings.h"
#include "engine/item.h"
#include "targets/target.h"

namespace memconn {

struct IngestOptions {
  std::vector<std::string> inputs;
  std::string target;  // --target NAME: a [targets.NAME] of the config; empty: the flags' Hindsight bank
  std::string format = "auto";  // auto | lines | jsonl | chatgpt | claude
  // Chat exports (ingest/export_import.h): only conversations updated since (ISO-8601 date or
  // time), and what is imported besides the visible chat.
  std::string since;
  bool thinking = false;
  bool tool_traffic = false;
  std::string unit = "line";    // line | paragraph | file (the whole file is one document)
  std::string id_prefix;        // --unit file: prepended to the file's relative path
  std::string glob;
  std::vector<std::string> map;  // --map FIELD=PATH entries (JSONL exports of other tools)
  std::string content_template;  // --template "{role}: {content}"
  // The files are complete: a last line without a newline is sent. By default it is held
  // back, since a writer caught mid-line would have its line split in two memories.
  bool finished = false;
  std::vector<std::string> tags;
  std::string context;
  TuningFlags tuning;
  bool async = false;
  bool wait = false;
  std::optional<std::string> wait_timeout;  // --wait gives up after this long (default 30m)
  bool dry_run = false;
  std::string dead_letter;  // default: beside the state file
  bool reset_state = false;
  bool wait_lock = false;
  std::string metrics_file;
  std::string shard;  // "K/N" (--shard); empty = every item
  // Set by `verify --repair` and `dlq retry`: only items it accepts are sent, and every line
  // is read (the lines were committed before; what the server lost is among them).
  std::function<bool(const Item&)> select;
  // Set by `dlq retry`: the target its dead letters were going to (instead of --target or the
  // flags), and its command setup - the config it read and the paths it resolved, with the
  // state lock held - so the run reads no config of its own and takes no lock.
  std::optional<TargetSpec> target_spec;
  const CommandSetup* setup = nullptr;
  // Set by the command line when stdin is a terminal a person types into (and sees stderr):
  // reading "-" then says "reading stdin (Ctrl-D to end)" once.
  bool announce_stdin = false;
};

}  // namespace memconn
