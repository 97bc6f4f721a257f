#include "cli/verify.h"

#include <filesystem>
#include <iostream>

#include "cli/console.h"
#include "cli/verify_compare.h"
#include "base/exit_codes.h"
#include "ingest/expected_documents.h"
#include "ingest/expected_set.h"
#include "ingest/input_items.h"
#include "state/doc_index.h"
#include "ingest/export_import.h"
#include "ingest/input_shape.h"
#include "ingest/target_choice.h"
#include "state/file_store.h"
#include "state/state.h"
#include "targets/registry.h"

namespace memconn {

namespace {

class Verify {
 public:
  Verify(const GlobalOptions& g, const VerifyOptions& o, Console& console) : g_(g), o_(o), console_(console) {}
  int run();

 private:
  Status prepare();
  // The options each input file was ingested with (the state's file entries).
  Status load_recorded();
  // No shaping option given and one set recorded: take it.
  Status use_recorded_options();
  // An input recorded with other options than verify's is refused (exit 2), naming them.
  Status check_recorded_options() const;
  void collect_expected();
  void name_documents(Target* repair);
  int repair();

  const GlobalOptions& g_;
  const VerifyOptions& o_;
  Console& console_;
  EnvLookup env_ = process_env();
  std::unique_ptr<CommandSetup> setup_;  // the config and the paths of the state verify reads
  std::unique_ptr<Target> target_;
  Tuning tuning_;
  InputSet inputs_;
  ItemReadOptions read_opts_;
  ExpectedDocuments expected_;
  VerifyReport r_;
  bool exports_ = false;  // the inputs are chat exports (one document per conversation)
  IngestOptions in_;      // the ingest options verify reads with: given, or recorded
  std::map<std::string, FileCheckpoint> recorded_;  // file key -> its entry in the state
};

Status Verify::prepare() {
  // A sharded ingest kept its file offsets and document index in the shard's own state.
  std::string shard_tag;
  if (!o_.ingest.shard.empty()) {
    auto shard = Shard::parse(o_.ingest.shard);
    if (!shard) return shard.error();
    shard_tag = shard->path_tag();
  }
  auto setup = set_up_ingest(g_, env_, PathChoice{shard_tag, ""}, o_.ingest.tuning, o_.ingest.target, std::nullopt,
                             nullptr, nullptr, console_);
  if (!setup) return setup.error();
  setup_ = std::move(setup->owned);
  tuning_ = setup->tuning;
  target_ = std::move(setup->target);
  in_ = o_.ingest;
  const auto& in = in_;
  if (in.inputs.empty()) return Error{"no input given: name the files, directories or - that were ingested", exit_code::kUsage};
  if (!o_.repair && (in.async || in.wait || in.wait_timeout || !in.dead_letter.empty()))
    return Error{"--async, --wait, --wait-timeout and --dead-letter only apply with --repair", exit_code::kUsage};
  if (in.wait && !in.async) return Error{"--wait needs --async", exit_code::kUsage};
  for (const auto& p : in.inputs)
    if (p == "-" && o_.repair)
      return Error{"--repair reads the inputs twice, so it cannot use stdin: save it to a file first", exit_code::kUsage};
  auto exports = reads_chat_exports(in);
  if (!exports) return exports.error();
  exports_ = *exports;
  if (exports_) return ok_status();  // conversations: ingest/export_import reads them
  inputs_ = expand_inputs(in.inputs, in.glob);
  for (const auto& p : inputs_.problems) console_.error(p);
  for (const auto& w : inputs_.warnings) console_.warn(w);
  r_.input_problems = static_cast<int>(inputs_.problems.size());
  if (auto st = use_recorded_options(); !st) return st;
  auto ro = resolve_read_options(
      ItemReadOptions{in.format, in.tags, in.context, std::nullopt, !in.finished, in.unit, in.id_prefix, nullptr}, in.map,
      in.content_template);
  if (!ro) return ro.error();
  read_opts_ = std::move(*ro);
  read_opts_.max_line_bytes = static_cast<uint64_t>(tuning_.max_line_bytes);
  read_opts_.target = target_.get();
  if (!in.shard.empty()) {
    auto shard = Shard::parse(in.shard);
    if (!shard) return shard.error();
    read_opts_.shard = *shard;
  }
  return check_recorded_options();
}

Status Verify::load_recorded() {
  const CommandPaths& paths = setup_->paths();
  std::set<std::string> keys;
  for (const auto& src : inputs_.sources)
    if (src.path != "-") keys.insert(file_key(target_->label(), src.path));
  auto got = FileStore(paths.files).load(keys);
  if (!got) return got.error();
  recorded_ = std::move(*got);
  // A run that died before its end left its newest entries in the state file.
  if (auto st = setup_->load_state(); st)
    for (auto& [k, cp] : st->files)
      if (keys.count(k) && !cp.shape.empty()) recorded_[k] = cp;
  return ok_status();
}

Status Verify::use_recorded_options() {
  if (auto st = load_recorded(); !st) return st;
  // Given no option that shapes items, verify reads the inputs as they were ingested: the
  // same ids and texts, so "missing" means missing and --repair stores no copies.
  const auto& in = in_;
  bool given = in.format != "auto" || in.unit != "line" || !in.map.empty() || !in.content_template.empty() ||
               !in.tags.empty() || !in.context.empty() || !in.id_prefix.empty();
  std::set<std::string> shapes;
  for (const auto& [k, cp] : recorded_)
    if (!cp.shape.empty()) shapes.insert(cp.shape);
  if (given || shapes.size() != 1) return ok_status();
  apply_shape(parse_shape(*shapes.begin()), in_);
  std::string flags = shape_flags(*shapes.begin());
  console_.info("verify: reading the inputs with the options they were ingested with" +
                (flags.empty() ? std::string() : ": " + flags));
  return ok_status();
}

Status Verify::check_recorded_options() const {
  for (const auto& src : inputs_.sources) {
    auto prev = recorded_.find(file_key(target_->label(), src.path));
    if (prev == recorded_.end()) continue;
    auto format = pick_format(read_opts_.format, src.path);
    std::string now = input_shape(shape_options_of(in_, format && *format == Format::Jsonl));
    if (auto change = shape_change(prev->second.shape, now))
      return Error{src.display + " was ingested with " + *change + ": verify it with the options it was ingested with (" +
                       shape_flags(prev->second.shape) +
                       "); other options give other ids and texts, and --repair would store copies",
                   exit_code::kUsage};
  }
  return ok_status();
}


void Verify::collect_expected() {
  ExpectedSummary sum;
  if (exports_) {
    sum = expect_exports(in_, *target_, console_, expected_);
  } else {
    DocIndex index(setup_->paths().documents);
    sum = expect_inputs(inputs_, read_opts_, *target_, &index, console_, expected_);
  }
  r_.bad_lines = sum.bad_lines;
  r_.input_problems += sum.input_problems;
  expected_.seal();
  r_.expected = expected_.size();
}

// Second pass over the inputs: the ids were kept only as digests, so the inputs name the
// documents that are missing, stale or empty (and where they are). With --repair, empty
// documents are sent for reprocessing as they are found.
void Verify::name_documents(Target* repair) {
  NullDiagnostics quiet;  // bad lines were reported by the first pass
  if (exports_) {
    for_each_export_conversation(in_, quiet, [&](Item& it, const std::string& file, uint64_t index) {
      if (expected_.flags(it.document_id) != 0)
        name_document(Named{it.document_id, file, index + 1, ""}, expected_, r_, o_.list_limit, repair, console_);
    });
    return;
  }
  read_items(inputs_, read_opts_, quiet, [&](Item& item) {
    if (expected_.flags(item.document_id) != 0)
      name_document(Named{item.document_id, inputs_.sources[item.origin.source].display, item.origin.line, ""}, expected_,
                    r_, o_.list_limit, repair, console_);
    return true;
  });
}

int Verify::repair() {
  r_.repaired = true;
  repair_target(*target_, r_, console_);
  r_.resend = r_.missing + r_.stale;
  if (r_.resend == 0) return exit_code::kOk;
  IngestOptions in = in_;
  in.select = [this](const Item& item) {
    uint8_t f = expected_.flags(item.document_id);
    return f != 0 && (!(f & ExpectedDocuments::kPresent) || (f & ExpectedDocuments::kStale));
  };
  GlobalOptions g = g_;
  g.json = false;  // one JSON document on stdout: verify's, which carries the repair outcome
  console_.info("repair: re-sending " + std::to_string(r_.resend) + " documents");
  return run_ingest(g, in);
}

int Verify::run() {
  if (auto st = prepare(); !st) {
    console_.error(st.error().message);
    return st.error().exit_code;
  }
  collect_expected();
  if (auto st = compare_target(*target_, o_.page_size, o_.list_limit, console_, expected_, r_); !st) {
    console_.error(st.error().message);
    return st.error().exit_code;
  }
  if (r_.missing + r_.stale + r_.empty > 0) name_documents(o_.repair ? target_.get() : nullptr);
  if (o_.repair) r_.resend_exit_code = repair();
  if (g_.json) {
    std::cout << verify_report_json(r_, r_.exit_code(o_.repair), [&](JsonWriter& w) {
      const auto& s = target_->spec();
      w.key("target").value(target_kind_name(s.kind)).key("url").value(url_without_credentials(s.url)).key("bank").value(s.bank);
    }) << std::endl;
  } else {
    print_verify_report(std::cout, target_->describe(), r_, o_.list_limit);
  }
  return r_.exit_code(o_.repair);
}

}  // namespace

int run_verify(const GlobalOptions& g, const VerifyOptions& o) {
  if (!o.connector.empty()) return run_verify_connector(g, o);
  Console console = make_console(g);
  Verify v(g, o, console);
  return v.run();
}

}  // namespace memconn
