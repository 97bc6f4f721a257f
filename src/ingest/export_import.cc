#include "ingest/export_import.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <set>

#include "base/plural.h"
#include "base/exit_codes.h"
#include "base/iso_time.h"
#include "base/json_writer.h"
#include "base/signals.h"
#include "engine/batcher.h"
#include "engine/pipeline.h"
#include "engine/progress.h"
#include "ingest/exports/conversation_item.h"
#include "ingest/exports/export_reader.h"
#include "ingest/report.h"
#include "ingest/target_choice.h"
#include "net/http_client.h"
#include "state/dead_letter.h"
#include "state/lock_file.h"
#include "state/state.h"
#include "targets/registry.h"

namespace memconn {

namespace {

bool has_suffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// What the pipeline dead-letters goes to the file as usual; the run also learns which
// conversations it was, for their report lines. Thread-safe (workers call it).
class RecordingSink : public DeadLetterSink {
 public:
  explicit RecordingSink(DeadLetterSink& inner) : inner_(inner) {}
  Status append(const DeadLetter& d) override {
    auto st = inner_.append(d);
    std::lock_guard<std::mutex> lock(mu_);
    failed_[d.line] = d.error;
    return st;
  }
  std::map<uint64_t, std::string> failed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }

 private:
  DeadLetterSink& inner_;
  mutable std::mutex mu_;  // guards failed_
  std::map<uint64_t, std::string> failed_;  // sequence number -> why
};

// The reader options an ingest's flags ask for; Error for a bad --since.
Result<ExportReaderOptions> reader_options_for(const IngestOptions& o, int64_t max_line_bytes) {
  ExportReaderOptions r;
  r.import.thinking = o.thinking;
  r.import.tool_traffic = o.tool_traffic;
  if (o.format == "chatgpt") r.import.kind = ExportKind::ChatGpt;
  if (o.format == "claude") r.import.kind = ExportKind::Claude;
  r.max_conversation_bytes = static_cast<size_t>(max_line_bytes) * 16;
  if (!o.since.empty()) {
    std::string s = o.since.size() == 10 ? o.since + "T00:00:00Z" : o.since;
    auto at = parse_iso8601(s);
    if (!at)
      return Error{"--since " + o.since + ": not a date (2026-01-31) or an ISO-8601 time (2026-01-31T12:00:00Z)",
                   exit_code::kUsage};
    r.import.since = *at;
  }
  return r;
}

// The item of one conversation as ingest sends it (before the target encodes it).
void conversation_to_item(const Conversation& c, const IngestOptions& o, Item& it) {
  fill_conversation_item(c, it);
  for (const auto& t : o.tags) it.tags.push_back(t);
  // A whole conversation per write: a dead letter of it is re-sent as is by `dlq retry`
  // (not rebuilt from parts, as a document of JSONL lines is).
  it.explicit_id = false;
}

class ExportImport {
 public:
  ExportImport(const GlobalOptions& g, const IngestOptions& o, Diagnostics& console, std::ostream& out)
      : g_(g), o_(o), console_(console), out_(out) {}
  int run();

 private:
  Status prepare();
  // Reads every export, sends what changed; reader thread.
  void produce(const std::function<bool(Batch)>& emit);
  // A conversation to send, or a report line only.
  bool conversation(const Conversation& c, std::vector<Batch>& ready);
  void save_state();
  int finish();

  const GlobalOptions& g_;
  const IngestOptions& o_;
  Diagnostics& console_;
  std::ostream& out_;
  EnvLookup env_ = process_env();
  std::unique_ptr<CommandSetup> own_setup_;  // null when dlq retry lends its own (lock held)
  const CommandSetup* setup_ = nullptr;     // the config and every path, resolved once
  Tuning tuning_;
  CurlShare share_;
  std::unique_ptr<Target> target_;
  std::string label_, state_path_, dead_letter_path_;
  State state_;
  std::unique_ptr<DeadLetterWriter> dead_letters_;
  std::unique_ptr<RecordingSink> recording_;
  std::unique_ptr<Ledger> ledger_;
  RunControl control_;
  ExportReaderOptions reader_options_;
  std::unique_ptr<Batcher> batcher_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::string started_iso_ = now_iso8601();
  // The conversations' report lines, in export order. The reader thread appends; the
  // workers set a sent line's status (imported/updated) once it is acknowledged.
  std::mutex mu_;  // guards lines_, pending_, digests_
  std::vector<ConversationLine> lines_;
  struct Pending {
    size_t line;         // index into lines_
    std::string status;  // imported | updated, once acknowledged
    std::string digest;
  };
  std::map<uint64_t, Pending> pending_;             // by sequence number, until acknowledged
  std::map<std::string, std::string>* digests_ = nullptr;  // state_.conversations[label_]
  uint64_t seq_ = 0;        // reader thread
  int file_problems_ = 0;   // reader thread; read after the pipeline joined
};

Status ExportImport::prepare() {
  auto setup = set_up_ingest(g_, env_, PathChoice{"", o_.dead_letter}, o_.tuning, o_.target, o_.target_spec, o_.setup,
                             &share_, console_);
  if (!setup) return setup.error();
  own_setup_ = std::move(setup->owned);
  setup_ = setup->command;
  tuning_ = setup->tuning;
  target_ = std::move(setup->target);
  label_ = target_->label();
  // What does not apply to conversations is refused rather than ignored.
  if (o_.async || o_.wait) return Error{"--async and --wait do not apply to chat exports", exit_code::kUsage};
  if (o_.unit != "line") return Error{"--unit does not apply to chat exports: each conversation is one document", exit_code::kUsage};
  if (!o_.map.empty() || !o_.content_template.empty() || !o_.id_prefix.empty() || !o_.shard.empty())
    return Error{"--map, --template, --id-prefix and --shard do not apply to chat exports", exit_code::kUsage};
  if (!o_.context.empty())
    return Error{"--context does not apply to chat exports: each conversation's context is its title", exit_code::kUsage};
  auto ro = reader_options_for(o_, tuning_.max_line_bytes);
  if (!ro) return ro.error();
  reader_options_ = std::move(*ro);
  for (const auto& p : o_.inputs)
    if (p == "-") return Error{"a chat export is read from a file or folder, not stdin", exit_code::kUsage};
  return ok_status();
}

bool ExportImport::conversation(const Conversation& c, std::vector<Batch>& ready) {
  Item it;
  conversation_to_item(c, o_, it);
  // verify --repair: only the conversations it names, whatever the state says of them.
  if (o_.select && !o_.select(it)) return true;
  std::string digest = conversation_digest_hex(it);
  ConversationLine line{"", it.document_id, c.title, ""};
  std::string previous;
  if (!o_.reset_state) {  // --reset-state: this run's conversations are sent whatever was sent before
    std::lock_guard<std::mutex> lock(mu_);
    if (auto f = digests_->find(it.document_id); f != digests_->end()) previous = f->second;
  }
  if (previous == digest && !o_.select) {
    line.status = "unchanged";
    std::lock_guard<std::mutex> lock(mu_);
    lines_.push_back(std::move(line));
    return true;
  }
  std::string status = previous.empty() ? "imported" : "updated";
  target_->encode(it);
  if (o_.dry_run) {
    out_ << target_->dry_run_body({&it}, false) << '\n';
    line.status = status;
    line.why = "dry run: not sent";
    lines_.push_back(std::move(line));
    return true;
  }
  it.document_write = true;
  uint64_t n = ++seq_;
  it.origin = Origin{0, n, n - 1, n, n - 1};
  it.settles = {it.origin};
  {
    std::lock_guard<std::mutex> lock(mu_);
    line.status = "not_sent";
    lines_.push_back(std::move(line));
    pending_[n] = Pending{lines_.size() - 1, status, std::move(digest)};
  }
  ledger_->item_pending(it);
  ledger_->line_read(0, n, n, it.json.size());
  batcher_->add(std::move(it), ready);
  return true;
}

void ExportImport::produce(const std::function<bool(Batch)>& emit) {
  std::vector<Batch> ready;
  auto send_ready = [&] {
    for (auto& b : ready)
      if (!emit(std::move(b))) return false;
    ready.clear();
    return true;
  };
  for (const auto& path : o_.inputs) {
    auto reader = ExportReader::open(path, reader_options_);
    if (!reader) {
      console_.error(reader.error().message);
      ++file_problems_;
      continue;
    }
    ExportEvent ev;
    while ((*reader)->next(ev)) {
      if (control_.stopping()) return;
      switch (ev.type) {
        case ExportEvent::Type::Conversation:
          conversation(ev.conversation, ready);
          if (!send_ready()) return;
          break;
        case ExportEvent::Type::Skipped: {
          std::lock_guard<std::mutex> lock(mu_);
          lines_.push_back({"skipped", ev.conversation.id.empty() ? "" : conversation_document_id(ev.conversation),
                            ev.conversation.title, ev.message});
          break;
        }
        case ExportEvent::Type::Failed: {
          std::string id = ev.error.id.empty() ? "" : std::string(kind_name(ev.error.kind)) + ":" + ev.error.id;
          // Dead-lettered as a whole, as unsendable ({"raw": ...}): the export must be fixed
          // or the conversation is lost to memconn; the letter says where it is.
          DeadLetter d;
          d.time = now_iso8601();
          d.source = ev.where.file;
          d.line = ev.where.index + 1;
          d.document_id = id;
          std::string raw;
          JsonWriter w(raw);
          w.begin_object().key("raw").value(ev.where.file + " element " + std::to_string(ev.where.index) + " at byte " +
                                             std::to_string(ev.where.offset)).end_object();
          d.item_json = raw;
          d.error = "conversation cannot be read: " + ev.error.why;
          d.target = label_;
          if (auto st = dead_letters_->append(d); !st) console_.error("cannot write a dead letter: " + st.error().message);
          std::lock_guard<std::mutex> lock(mu_);
          lines_.push_back({"failed", id, ev.error.title, ev.error.why});
          break;
        }
        case ExportEvent::Type::FileError:
          console_.error(ev.message);
          ++file_problems_;
          break;
        case ExportEvent::Type::Note: console_.info(ev.message); break;
      }
    }
  }
  if (auto b = batcher_->flush()) ready.push_back(std::move(*b));
  if (!send_ready()) return;
  ledger_->source_done(0);
}

void ExportImport::save_state() {
  State copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    copy = state_;
  }
  if (auto st = memconn::save_state(state_path_, copy); !st) console_.error("cannot write state file: " + st.error().message);
}

int ExportImport::run() {
  if (auto st = prepare(); !st) {
    console_.error(st.error().message);
    return st.error().exit_code;
  }
  state_path_ = setup_->paths().state;
  dead_letter_path_ = o_.dead_letter.empty() ? setup_->paths().dead_letter : o_.dead_letter;
  if (!o_.dry_run && own_setup_)
    if (auto lock = own_setup_->lock(o_.wait_lock); !lock) {
      console_.error(lock.error().message);
      return lock.error().exit_code;
    }
  auto st = load_state(state_path_);
  if (!st) {
    console_.error(st.error().message);
    return st.error().exit_code;
  }
  state_ = std::move(*st);
  digests_ = &state_.conversations[label_];

  std::vector<std::string> names;
  for (const auto& p : o_.inputs) names.push_back(p);
  std::string name = names.size() == 1 ? names[0] : names[0] + " (+" + std::to_string(names.size() - 1) + ")";
  dead_letters_ = std::make_unique<DeadLetterWriter>(dead_letter_path_);
  recording_ = std::make_unique<RecordingSink>(*dead_letters_);
  ledger_ = std::make_unique<Ledger>(std::vector<std::string>{name}, recording_.get(), "", label_);
  ledger_->start_source(0, 0, 0);
  batcher_ = std::make_unique<Batcher>(static_cast<size_t>(tuning_.batch_size), static_cast<size_t>(tuning_.max_batch_bytes));
  if (o_.dry_run) {
    // The same walk as a real run; conversation() prints each document instead of queueing it.
    produce([](Batch) { return true; });
    return finish();
  }

  install_stop_signals();
  PipelineOptions po = pipeline_options(tuning_);
  po.target = url_without_credentials(target_->spec().url);
  po.on_delivered = [this](const std::vector<const Item*>& items) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Item* it : items) {
      auto p = pending_.find(it->origin.line);
      if (p == pending_.end()) continue;
      lines_[p->second.line].status = p->second.status;
      (*digests_)[it->document_id] = p->second.digest;
      pending_.erase(p);
    }
  };
  if (g_.verbose) po.log_request = [this](const std::string& line) { console_.debug(line); };
  Pipeline pipeline(po, [&] { return target_->make_sender(false, &control_.abort_transfers); }, *ledger_, control_);
  auto last_save = std::chrono::steady_clock::now();
  auto last_draw = last_save - std::chrono::seconds(1);
  pipeline.run([&](const std::function<bool(Batch)>& emit) { produce(emit); },
               [&] {
                 if (int sig = stop_signal_received(); sig && !control_.stopping()) {
                   console_.clear_progress();
                   console_.info("stopping: finishing in-flight requests");
                   control_.interrupt(sig);
                 }
                 auto now = std::chrono::steady_clock::now();
                 if (now - last_draw >= std::chrono::milliseconds(100)) {
                   last_draw = now;
                   auto c = ledger_->counters();
                   console_.progress("conversations: " + std::to_string(c.sent + c.already_present) + " sent, " +
                                     std::to_string(c.failed) + " failed");
                 }
                 // Acknowledged digests reach the disk every second: a crash re-sends at most
                 // what was acknowledged since, and a re-sent conversation is a replace.
                 if (now - last_save >= std::chrono::seconds(1)) {
                   last_save = now;
                   save_state();
                 }
               });
  console_.clear_progress();
  return finish();
}

int ExportImport::finish() {
  auto c = ledger_->counters();
  auto failed_sends = recording_->failed();
  std::map<std::string, uint64_t> count;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [n, p] : pending_) {
      auto& line = lines_[p.line];
      if (auto f = failed_sends.find(n); f != failed_sends.end()) {
        line.status = "failed";
        line.why = f->second;
      }
    }
    for (const auto& l : lines_) ++count[l.status];
  }
  auto outcome = run_outcome(control_, count["failed"] > 0 || count["not_sent"] > 0 || file_problems_ > 0);
  if (outcome.error) console_.error(control_.message());
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (!o_.dry_run) {
    RunRecord rec{"ingest", started_iso_, now_iso8601(), outcome.result, c.sent, count["failed"], 0, count["unchanged"],
                  control_.stopping() ? control_.message() : ""};
    rec.updated = count["updated"];
    add_run(state_.runs, rec);
    save_state();
  }
  if (!o_.metrics_file.empty() && !o_.dry_run) {
    // The same textfile-collector metrics as any ingest (a cron job's dashboards go on working).
    IngestReport rep;
    rep.counters = c;
    rep.elapsed_s = elapsed;
    rep.result = outcome.result;
    rep.exit_code = outcome.exit_code;
    if (auto st = write_ingest_metrics(o_.metrics_file, "ingest", "", rep); !st)
      console_.error("cannot write metrics to " + o_.metrics_file + ": " + st.error().message);
  }
  if (g_.json) {
    std::string s;
    JsonWriter w(s);
    w.begin_object().envelope("ingest", outcome.result, outcome.exit_code);
    w.key("dry_run").value(o_.dry_run).key("target").value(target_->describe());
    w.key("conversations").begin_object();
    for (const char* k : {"imported", "updated", "unchanged", "skipped", "failed", "not_sent"})
      w.key(k).value(count[k]);
    w.end_object();
    w.key("sent").value(c.sent).key("already_present").value(c.already_present).key("retries").value(c.retries);
    w.key("requests").value(c.requests).key("file_problems").value(file_problems_);
    w.key("elapsed_s").value(elapsed);
    w.key("dead_letter").value(dead_letters_->written() > 0 ? dead_letter_path_ : "");
    w.key("state_file").value(o_.dry_run ? "" : state_path_);
    w.key("items").begin_array();
    for (const auto& l : lines_) {
      w.begin_object().key("status").value(l.status).key("document_id").value(l.document_id).key("title").value(l.title);
      if (!l.why.empty()) w.key("why").value(l.why);
      w.end_object();
    }
    w.end_array().end_object();
    out_ << s << '\n';
  } else {
    // Every conversation that changed, or could not be imported, gets its line; unchanged
    // ones are counted (-v names them too).
    for (const auto& l : lines_) {
      if (l.status == "unchanged") console_.debug(conversation_line_text(l));
      else console_.info(conversation_line_text(l));
    }
    std::string summary = std::string(o_.dry_run ? "ingest dry run" : "ingest " + outcome.result) + ": " +
                          count_of(lines_.size(), "conversation") + " - " + std::to_string(count["imported"]) +
                          " imported, " + std::to_string(count["updated"]) + " updated, " +
                          std::to_string(count["unchanged"]) + " unchanged, " + std::to_string(count["skipped"]) +
                          " skipped, " + std::to_string(count["failed"]) + " failed";
    if (count["not_sent"]) summary += ", " + std::to_string(count["not_sent"]) + " not sent (run again)";
    char secs[32];
    std::snprintf(secs, sizeof secs, " (%.1f s)", elapsed);
    summary += secs;
    if (dead_letters_->written() > 0) summary += "; dead letters: " + dead_letter_path_;
    if (outcome.exit_code == 0) console_.info(summary);
    else console_.warn(summary);
  }
  return outcome.exit_code;
}

}  // namespace

std::string conversation_line_text(const ConversationLine& l) {
  std::string s = l.status + " " + (l.document_id.empty() ? "(no id)" : l.document_id) + " \"" + l.title + "\"";
  if (!l.why.empty()) s += " (" + l.why + ")";
  return s;
}

Result<bool> reads_chat_exports(const IngestOptions& o) {
  if (o.format == "chatgpt" || o.format == "claude") return true;
  if (o.format != "auto") return false;
  std::string first_export, first_other;
  for (const auto& p : o.inputs) {
    if (p == "-") {
      if (first_other.empty()) first_other = p;
      continue;
    }
    std::error_code ec;
    bool candidate = has_suffix(p, ".zip") || has_suffix(p, ".json") || std::filesystem::is_directory(p, ec);
    bool is_export = false;
    if (candidate) {
      auto kind = detect_input(p);
      if (!kind) return kind.error();
      is_export = kind->shape == InputKind::Shape::ChatExport;
    }
    if (is_export && first_export.empty()) first_export = p;
    if (!is_export && first_other.empty()) first_other = p;
  }
  if (!first_export.empty() && !first_other.empty())
    return Error{first_export + " is a chat export and " + first_other +
                     " is not: ingest them in two runs (or name the format with --format)",
                 exit_code::kUsage};
  return !first_export.empty();
}

int for_each_export_conversation(const IngestOptions& o, Diagnostics& console,
                                 const std::function<void(Item&, const std::string& file, uint64_t index)>& f) {
  auto ro = reader_options_for(o, Tuning{}.max_line_bytes);
  if (!ro) {
    console.error(ro.error().message);
    return 1;
  }
  int problems = 0;
  for (const auto& path : o.inputs) {
    auto reader = ExportReader::open(path, *ro);
    if (!reader) {
      console.error(reader.error().message);
      ++problems;
      continue;
    }
    ExportEvent ev;
    while ((*reader)->next(ev)) {
      if (ev.type == ExportEvent::Type::Conversation) {
        Item it;
        conversation_to_item(ev.conversation, o, it);
        f(it, ev.where.file, ev.where.index);
      } else if (ev.type == ExportEvent::Type::Failed) {
        console.error(ev.where.file + ": conversation " + ev.error.id + " cannot be read: " + ev.error.why);
        ++problems;
      } else if (ev.type == ExportEvent::Type::FileError) {
        console.error(ev.message);
        ++problems;
      }
    }
  }
  return problems;
}

int run_export_import(const GlobalOptions& g, const IngestOptions& o, Diagnostics& console, std::ostream& out) {
  ExportImport job(g, o, console, out);
  return job.run();
}

}  // namespace memconn
