#include "ingest/run.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <map>
#include <mutex>
#include <set>
#include <unordered_set>

#include "state/dead_letter.h"
#include "engine/batcher.h"
#include "state/commit_journal.h"
#include "state/atomic_file.h"
#include "state/file_store.h"
#include "base/digest.h"
#include "ingest/documents.h"
#include "ingest/part_spool.h"
#include "state/doc_index.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "net/http_client.h"
#include "targets/registry.h"
#include "ingest/input_items.h"
#include "ingest/input_set.h"
#include "ingest/item_parser.h"
#include "base/iso_time.h"
#include "base/json_writer.h"
#include "base/plural.h"
#include "ingest/line_reader.h"
#include "state/lock_file.h"
#include "engine/pipeline.h"
#include "engine/read_book.h"
#include "engine/progress.h"
#include "ingest/report.h"
#include "ingest/export_import.h"
#include "ingest/input_shape.h"
#include "ingest/target_choice.h"
#include "ingest/shard.h"
#include "ingest/text_blocks.h"
#include "base/signals.h"
#include "state/state.h"

namespace memconn {

namespace {

int fail(Diagnostics& console, const Error& e) {
  console.error(e.message);
  return e.exit_code;
}

// What one source contributes to the checkpoint (set by the reader, read by the ticker).
struct Resumable {
  std::string key;
  FileFingerprint fingerprint;
  std::string shape;  // the options that shape its items (input_shape.h)
};

class Ingest {
 public:
  Ingest(const GlobalOptions& g, const IngestOptions& o, Diagnostics& console, std::ostream& out)
      : g_(g), o_(o), console_(console), out_(out) {}
  int run();

 private:
  Status prepare();
  void announce_stdin() const;
  int dry_run();
  void produce(const std::function<bool(Batch)>& emit, ItemPool& pool);
  bool read_source(uint32_t idx, Batcher& batcher, DedupWindow& dedup, ItemPool& pool,
                   const std::function<bool(Batch)>& emit);
  // Adds the parts this file's committed lines hold to the documents (acknowledged before).
  Status rescan_documents(uint32_t idx, int fd, const std::string& file, Format format, TextUnit text_unit,
                          const ParseOptions& popts, uint64_t line,
                          const LineRanges& settled_ahead);
  // A part read from `file`: into its document, which learns where its other parts are.
  Status add_part(uint32_t idx, const std::string& file, const Item& item, bool is_new);
  // Sends the documents that can go: `wait` until every document is sent (the end of the
  // input), else only while the workers have room (parts read meanwhile fold into them).
  bool send_documents(const std::function<bool(Batch)>& emit, bool wait);
  // Reads the parts held documents have in files this run does not read.
  void load_history();
  Status open_state();
  std::string resume_key(const SourceSpec& src) const;
  // The options that shape this source's items, as recorded with its commit point.
  std::string shape_of(const SourceSpec& src) const;
  // A file committed with other options is refused (exit 2) before anything is sent.
  Status check_shapes() const;
  // The target's label (no credentials): names it in dead letters, resume keys and the
  // operations a --wait left open.
  std::string target_key() const { return target_->label(); }
  void checkpoint(bool force);
  Status update_and_save(bool force);
  int wait_for_operations();
  int finish();

  const GlobalOptions& g_;
  const IngestOptions& o_;
  Diagnostics& console_;
  std::ostream& out_;  // data: the --json report, --dry-run bodies
  EnvLookup env_ = process_env();
  std::unique_ptr<CommandSetup> own_setup_;  // null when dlq retry lends its own (lock held)
  const CommandSetup* setup_ = nullptr;     // the config and every path, resolved once
  CurlShare share_;  // DNS and TLS caches of every connection this run opens
  std::unique_ptr<Target> target_;
  Tuning tuning_;
  InputSet inputs_;
  std::string state_path_, dead_letter_path_;
  std::unique_ptr<CommitJournal> journal_;
  std::unique_ptr<FileStore> store_;
  // The file store's entries for this run's inputs, as the run began: read-only once the
  // reader starts. state_.files holds what this run changed, until finish() merges it.
  std::map<std::string, FileCheckpoint> previous_;
  State state_;
  std::unique_ptr<DeadLetterWriter> dead_letters_;
  std::unique_ptr<Ledger> ledger_;
  RunControl control_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::string started_iso_ = now_iso8601();
  bool new_state_ = false;  // no state file before this run (the summary then names it)
  uint64_t total_bytes_ = 0;
  int input_problems_ = 0;          // written by the reader thread before the pipeline ends
  std::atomic<uint64_t> skipped_{0};  // lines already committed by earlier runs
  std::unique_ptr<DocIndex> index_;      // where each document's parts are, across runs
  std::unique_ptr<DocumentBook> book_;   // reader thread (workers report through its events)
  std::vector<std::string> files_;       // per source: the path documents record ("-" for stdin)
  // Documents that have parts in files this run has not read: written once those are read
  // (load_history), file -> documents. Reader thread only.
  std::map<std::string, std::set<std::string>> history_;
  std::set<std::string> held_;
  uint64_t parts_since_send_ = 0;
  std::atomic<uint64_t> memories_{0};  // items without their own id sent as memories (reader; read at the end)  // reader: parts read since send_documents last ran
  Pipeline* pipeline_ = nullptr;   // set while the pipeline runs (send_documents asks it for room)
  int document_problems_ = 0;  // documents that could not be rebuilt (reader thread, read at the end)
  std::optional<Shard> shard_;        // --shard K/N: send only this shard's items
  ItemReadOptions read_options_;      // format, unit, tags, context, field map: how items are read
  std::atomic<uint64_t> skipped_shard_{0};  // items (and bad lines) other shards send
  std::atomic<uint64_t> held_back_{0};      // unfinished last lines (set by the reader)
  uint64_t unacknowledged_ = 0;             // pipe items dead-lettered after an early stop
  std::mutex resume_mu_;            // guards resumables_ and resumed_from_
  std::vector<std::optional<Resumable>> resumables_;
  std::vector<std::pair<std::string, CommitPoint>> resumed_from_;
  std::string last_checkpoint_;
  int breaker_openings_ = 0;
  int concurrency_ = 0, peak_concurrency_ = 0;
  TargetWait ops_;
  std::chrono::milliseconds wait_timeout_{30 * 60 * 1000};
};

Status Ingest::prepare() {
  // --target NAME: a configured target of any kind; else the Hindsight bank of the flags,
  // the environment and [hindsight].
  if (!o_.shard.empty()) {
    auto shard = Shard::parse(o_.shard);
    if (!shard) return shard.error();
    shard_ = *shard;
  }
  PathChoice where{shard_ ? shard_->path_tag() : "", o_.dead_letter};
  auto setup = set_up_ingest(g_, env_, where, o_.tuning, o_.target, o_.target_spec, o_.setup, &share_, console_);
  if (!setup) return setup.error();
  own_setup_ = std::move(setup->owned);
  setup_ = setup->command;
  tuning_ = setup->tuning;
  target_ = std::move(setup->target);
  if (o_.async && !target_->supports_async())
    return Error{"--async: " + target_->describe() + " takes no async requests (it indexes in the background anyway)",
                 exit_code::kUsage};
  if (o_.wait && !o_.async) return Error{"--wait needs --async", exit_code::kUsage};
  if (o_.wait_timeout && !o_.wait) return Error{"--wait-timeout needs --wait", exit_code::kUsage};
  if (o_.wait_timeout) {
    auto d = parse_duration(*o_.wait_timeout);
    if (!d) return Error{"--wait-timeout: " + d.error().message, exit_code::kUsage};
    wait_timeout_ = *d;
  }
  auto ro = resolve_read_options(
      ItemReadOptions{o_.format, o_.tags, o_.context, shard_, !o_.finished, o_.unit, o_.id_prefix, nullptr}, o_.map,
      o_.content_template);
  if (!ro) return ro.error();
  read_options_ = std::move(*ro);
  read_options_.max_line_bytes = static_cast<uint64_t>(tuning_.max_line_bytes);
  read_options_.target = target_.get();
  if (o_.inputs.empty()) return Error{"no input given: name files, directories, or - for stdin", exit_code::kUsage};
  inputs_ = expand_inputs(o_.inputs, o_.glob);
  for (const auto& p : inputs_.problems) console_.error(p);
  for (const auto& w : inputs_.warnings) console_.warn(w);
  for (const auto& n : inputs_.notes) console_.info(n);
  input_problems_ = static_cast<int>(inputs_.problems.size());
  total_bytes_ = known_total_bytes(inputs_);
  if (auto st = check_unit_file_ids(read_options_, inputs_); !st) return st;
  resumables_.resize(inputs_.sources.size());
  for (const auto& s : inputs_.sources) {
    std::error_code ec;
    files_.push_back(s.path == "-" ? "-" : std::filesystem::absolute(s.path, ec).lexically_normal().string());
  }
  return ok_status();
}

// Said once, as reading starts: a terminal waiting for typed lines otherwise looks hung.
void Ingest::announce_stdin() const {
  if (!o_.announce_stdin) return;
  for (const auto& s : inputs_.sources)
    if (s.path == "-") {
      console_.info("reading stdin (Ctrl-D to end)");
      return;
    }
}

Status Ingest::open_state() {
  const CommandPaths& paths = setup_->paths();
  journal_ = std::make_unique<CommitJournal>(paths.journal);
  store_ = std::make_unique<FileStore>(paths.files);
  index_ = std::make_unique<DocIndex>(paths.documents);
  bool older_ids = false;  // files were committed under content-hash ids of the content alone
  auto loaded = load_state(state_path_);
  if (!loaded && !o_.reset_state) return loaded.error();
  if (!loaded) console_.warn(loaded.error().message + "; --reset-state: starting the state file afresh");
  state_ = loaded ? std::move(*loaded) : State{};
  {
    std::error_code ec;
    older_ids = state_.id_scheme < kIdScheme && (!state_.files.empty() || std::filesystem::exists(store_->dir(), ec));
    // Entries not merged into the store yet: a version 1 state file (all of them), or a run
    // that died before its end, whose last commit points may also be in the journal. The
    // journal goes on top of the store's and the state file's entries, as it did before.
    State journal;
    CommitJournal::replay(journal_->path(), journal);
    if (!state_.files.empty() || !journal.files.empty()) {
      std::set<std::string> keys;
      for (const auto& [k, v] : state_.files) keys.insert(k);
      for (const auto& [k, v] : journal.files) keys.insert(k);
      auto base = store_->load(keys);
      if (!base) return base.error();
      for (auto& [k, v] : state_.files) (*base)[k] = std::move(v);
      State merged;
      merged.files = std::move(*base);
      if (CommitJournal::replay(journal_->path(), merged) > 0) console_.debug("replayed the commit journal");
      if (auto m = store_->merge(merged.files); !m)
        return Error{"cannot write the file store " + store_->dir() + ": " + m.error().message, exit_code::kConfig};
      if (state_.version == 1) console_.info("state file migrated: file offsets now live in " + store_->dir());
      state_.files.clear();
    }
  }
  if (o_.reset_state) {
    // Only this run's inputs start over: the progress of every other file stays, so the next
    // cron run of another file does not re-send it (memconn state reset --all forgets all).
    std::set<std::string> keys;
    for (const auto& src : inputs_.sources)
      if (src.path != "-") keys.insert(resume_key(src));
    auto n = store_->forget(keys);
    if (!n) return n.error();
    console_.info("--reset-state: " + std::to_string(*n) + " of this run's " + std::to_string(keys.size()) +
                  " input file" + (keys.size() == 1 ? "" : "s") +
                  " had progress, now forgotten; other files keep theirs (memconn state reset --all forgets every file)");
  }
  if (older_ids)
    console_.info(
        "note: content-hash document ids now cover an item's context and tags too, so the same text under other "
        "tags is another document (docs/ingest.md, Document ids). Lines already committed are not sent again; an "
        "item with tags or context that is sent again (an edited or reset file, stdin) gets a new id, and its copy "
        "under the old id stays until deleted. This note is shown once.");
  state_.id_scheme = kIdScheme;
  state_.version = kStateVersion;
  if (auto st = journal_->checkpoint([&] { return save_state(state_path_, state_); }); !st)
    return Error{"cannot write state file: " + st.error().message, exit_code::kConfig};
  if (o_.reset_state || o_.select) return ok_status();  // nothing to resume from
  std::set<std::string> keys;
  for (const auto& src : inputs_.sources)
    if (src.path != "-") keys.insert(resume_key(src));
  auto prev = store_->load(keys);
  if (!prev) return prev.error();
  previous_ = std::move(*prev);
  return check_shapes();
}

std::string Ingest::shape_of(const SourceSpec& src) const {
  auto format = pick_format(read_options_.format, src.path);
  return input_shape(shape_options_of(o_, format && *format == Format::Jsonl));
}

Status Ingest::check_shapes() const {
  for (const auto& src : inputs_.sources) {
    if (src.path == "-") continue;
    auto prev = previous_.find(resume_key(src));
    if (prev == previous_.end() || prev->second.offset == 0) continue;
    // A file replaced since (another inode) starts over anyway: nothing would be skipped.
    struct stat st{};
    if (::stat(src.path.c_str(), &st) != 0 || st.st_ino != prev->second.fingerprint.ino) continue;
    if (auto change = shape_change(prev->second.shape, shape_of(src)))
      return Error{src.display + " was ingested with " + *change +
                       "; the lines already sent would be skipped, not read the new way. To send it again "
                       "with the new options, add --reset-state (this file only); to go on as before, give the "
                       "options it was ingested with",
                   exit_code::kUsage};
  }
  return ok_status();
}

std::string Ingest::resume_key(const SourceSpec& src) const { return file_key(target_key(), src.path); }

int Ingest::run() {
  if (auto st = prepare(); !st) return fail(console_, st.error());
  if (o_.dry_run) {
    announce_stdin();
    return dry_run();
  }

  state_path_ = setup_->paths().state;
  // dlq retry's run collects what fails again in a file of its own (--dead-letter otherwise
  // chose it already), under the lock that command holds.
  dead_letter_path_ = o_.dead_letter.empty() ? setup_->paths().dead_letter : o_.dead_letter;
  if (own_setup_)
    if (auto st = own_setup_->lock(o_.wait_lock); !st) return fail(console_, st.error());
  new_state_ = !file_exists(state_path_);
  if (auto st = open_state(); !st) return fail(console_, st.error());
  // Resumed files are read from their commit points: the progress counts what is left.
  for (const auto& [key, cp] : previous_) total_bytes_ -= std::min(total_bytes_, cp.offset);

  std::vector<std::string> names;
  for (const auto& s : inputs_.sources) names.push_back(s.display);
  dead_letters_ = std::make_unique<DeadLetterWriter>(dead_letter_path_);
  ledger_ = std::make_unique<Ledger>(names, dead_letters_.get(), "", target_key());
  ledger_->set_commit_observer([this](uint32_t src, const CommitPoint& cp, const std::vector<uint64_t>& settled) {
    // A source's entry is set once, before any of its items is handed over, and never
    // changed: it is safe to read past the lock, and not worth a copy per batch.
    const Resumable* r = nullptr;
    {
      std::lock_guard<std::mutex> lock(resume_mu_);
      if (resumables_[src]) r = &*resumables_[src];
    }
    if (r) journal_->record(r->key, FileCheckpoint{r->fingerprint, cp.offset, cp.line, "", {}, ""}, settled);
  });

  {
    std::error_code ec;
    auto dir = std::filesystem::absolute(state_path_, ec).parent_path();
    std::filesystem::create_directories(dir, ec);
    auto spool = PartSpool::open(dir.string());
    if (!spool) return fail(console_, spool.error());
    book_ = std::make_unique<DocumentBook>(std::move(*spool), *target_);
    book_->forget_idle();  // memory per document, not per Doc, for exports of many documents
  }
  install_stop_signals();
  PipelineOptions po = pipeline_options(tuning_);
  po.on_delivered = [this](const std::vector<const Item*>& items) {
    for (const Item* it : items)
      if (it->document_write) book_->delivered(*it);
  };
  po.on_document_refused = [this](const Item& write, long status, const std::string& message, int attempts) {
    book_->refused(write, status, message, attempts);
    return ok_status();
  };
  po.target = url_without_credentials(target_->spec().url);
  // Enough spares for every item that can be in flight: the queue, the workers, the batch
  // being built.
  po.spare_items = static_cast<size_t>(3 * po.workers + 2) * static_cast<size_t>(tuning_.batch_size);
  if (g_.verbose) po.log_request = [this](const std::string& line) { console_.debug(line); };
  Pipeline pipeline(po, [&] { return target_->make_sender(o_.async, &control_.abort_transfers); }, *ledger_, control_);
  pipeline_ = &pipeline;
  announce_stdin();

  ProgressMeter progress(total_bytes_, [this](const std::string& line) { console_.progress(line); });
  auto last_save = std::chrono::steady_clock::now();
  pipeline.run([&](const std::function<bool(Batch)>& emit) { produce(emit, pipeline.pool()); },
               [&] {
                 if (int sig = stop_signal_received(); sig && !control_.stopping()) {
                   console_.clear_progress();
                   console_.info("stopping: finishing in-flight requests (up to " +
                                 std::to_string(tuning_.drain_timeout.count() / 1000) + " s; press Ctrl-C again to abort)");
                   control_.interrupt(sig);
                 }
                 progress.tick(ledger_->counters(), tuning_.adaptive ? pipeline.concurrency() : 0);
                 auto now = std::chrono::steady_clock::now();
                 if (now - last_save >= std::chrono::seconds(1)) {
                   last_save = now;
                   checkpoint(false);
                 }
               });
  breaker_openings_ = pipeline.breaker_openings();
  concurrency_ = pipeline.concurrency();
  peak_concurrency_ = pipeline.peak_concurrency();
  console_.clear_progress();
  if (control_.stopping()) {
    // Every thread has joined. What a pipe gave and the target never acknowledged would be
    // gone with this process: it goes to the dead-letter file instead.
    for (uint32_t i = 0; i < inputs_.sources.size(); ++i) {
      auto n = ledger_->dead_letter_unsettled(
          i, "read from " + inputs_.sources[i].display + " but not acknowledged before the run stopped (" +
                 control_.message() + "); a pipe cannot be read again");
      if (!n) console_.error("cannot write the dead-letter file: " + n.error().message);
      else unacknowledged_ += *n;
    }
  }
  checkpoint(true);
  // Operations an earlier --wait left open are followed first; what this wait leaves open
  // (Ctrl-C, --wait-timeout, a run stopped before waiting) is kept for the next one.
  std::string target = target_key();
  std::vector<std::string> ops = o_.wait ? state_.pending_operations[target] : std::vector<std::string>{};
  for (const auto& op : ledger_->operation_ids())
    if (std::find(ops.begin(), ops.end(), op) == ops.end()) ops.push_back(op);
  if (o_.wait && !control_.stopping()) {
    ops_ = target_->wait(ops, [&](const std::string& op) {
      auto s = ledger_->sources_of_operation(op);
      return std::vector<std::string>(s.begin(), s.end());
    }, wait_timeout_);
    if (ops_.interrupted)
      control_.interrupt(stop_signal_received());
    ops = ops_.pending;
  } else if (o_.wait) {
    ops_.pending = ops;
  }
  if (o_.wait) {
    if (ops.empty()) state_.pending_operations.erase(target);
    else state_.pending_operations[target] = ops;
  }
  return finish();
}

void Ingest::produce(const std::function<bool(Batch)>& emit, ItemPool& pool) {
  Batcher batcher(static_cast<size_t>(tuning_.batch_size), static_cast<size_t>(tuning_.max_batch_bytes), &pool);
  DedupWindow dedup;
  for (uint32_t i = 0; i < inputs_.sources.size(); ++i) {
    if (control_.stopping()) return;
    if (!read_source(i, batcher, dedup, pool, emit)) return;
  }
  if (auto b = batcher.flush())
    if (!emit(std::move(*b))) return;
  load_history();
  send_documents(emit, true);
}

Status Ingest::add_part(uint32_t idx, const std::string& file, const Item& item, bool is_new) {
  const std::string& id = item.document_id;
  bool first_here = !book_->has_file(id, file);  // the index records each (document, file) once
  if (!book_->known(id)) {
    // First met in this run: the parts it has elsewhere, and the ones refused before.
    auto entry = index_->find(target_key(), id);
    if (!entry) return entry.error();
    book_->order_files(id, entry->files);
    for (const auto& [f, line] : entry->excluded) book_->exclude(id, f, line);
    if (auto st = book_->add(file, item, is_new); !st) return st;
    // Its files in the order they were first met, this one included (ranks follow it).
    for (const auto& f : entry->files) {
      if (f == file) continue;
      auto here = std::find(files_.begin(), files_.end(), f);
      // A file of this run already read held no part of it any more (it was rewritten). One
      // that comes later is read in its turn, and one this run does not read is read for it
      // (load_history): either way the document waits, so that it is only sent whole.
      if (here != files_.end() && static_cast<uint32_t>(here - files_.begin()) <= idx) continue;
      if (here == files_.end()) history_[f].insert(id);
      if (held_.insert(id).second) book_->hold(id, true);
    }
  } else if (auto st = book_->add(file, item, is_new); !st) {
    return st;
  }
  // Before any write carries a part of this file: a later run that touches the document
  // must know to read it here too.
  return first_here ? index_->add_file(target_key(), id, file) : ok_status();
}

bool Ingest::send_documents(const std::function<bool(Batch)>& emit, bool wait) {
  // --async: the server queues each write as an operation and may run two of one document
  // in either order, so a document goes once per run, whole, after the input is read.
  if (o_.async && !wait) return true;
  auto excluded = [this](const std::string& id, const std::string& file, uint64_t line) {
    if (auto st = index_->exclude(target_key(), id, file, line); !st) console_.error(st.error().message);
  };
  size_t max_items = static_cast<size_t>(tuning_.batch_size), max_bytes = static_cast<size_t>(tuning_.max_batch_bytes);
  // Parts read ahead of what the target acknowledged: past this the reader waits.
  const size_t read_ahead = std::max<size_t>(4096, 64 * max_items * static_cast<size_t>(tuning_.max_workers));
  for (;;) {
    if (control_.stopping()) return false;
    auto changed = book_->apply_events(*ledger_, excluded);
    if (!changed) {
      control_.stop(StopReason::Fatal, changed.error().message);
      return false;
    }
    bool must = wait || book_->unsent_parts() > read_ahead;
    if (book_->has_ready() && (must || pipeline_->has_room())) {
      // Short of the read-ahead, only documents worth a write of their whole text now go
      // (DocumentBook::take_writes); past it, the oldest go whatever they hold.
      auto writes = book_->take_writes(max_items, max_bytes, must ? 0 : read_ahead / 2);
      if (!writes) {
        control_.stop(StopReason::Fatal, writes.error().message);
        return false;
      }
      if (!writes->empty()) {
        Batch b;
        b.items = std::move(*writes);
        for (auto& w : b.items) {
          b.bytes += w.json.size();
          // The target sends item.json; a whole document's text need not travel twice.
          std::string().swap(w.content);
        }
        if (!emit(std::move(b))) return false;
        continue;
      }
    }
    if (!must) return true;
    if (book_->idle()) return true;  // everything sent and acknowledged (or refused)
    if (!wait && book_->unsent_parts() <= read_ahead) return true;
    book_->wait_event(std::chrono::milliseconds(50));
  }
}

void Ingest::load_history() {
  // Documents that have parts in files this run was not given (yesterday's export, a file
  // ingested alone before): those parts are read back from the part of each file that was
  // acknowledged, so the document is sent whole.
  for (const auto& [file, ids] : history_) {
    if (control_.stopping()) return;
    std::string key = target_key() + "|" + file;
    auto saved = store_->load({key});
    FileCheckpoint cp;
    bool have = saved && saved->count(key);
    if (have) cp = saved->at(key);
    int fd = have ? ::open(file.c_str(), O_RDONLY | O_CLOEXEC) : -1;
    struct stat st{};
    bool same = fd >= 0 && ::fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_ino) == cp.fingerprint.ino &&
                static_cast<uint64_t>(st.st_dev) == cp.fingerprint.dev &&
                static_cast<uint64_t>(st.st_size) >= cp.offset;
    if (!same) {
      if (fd >= 0) ::close(fd);
      // The document's earlier parts cannot be read as they were sent: sending it now would
      // replace its text with only what this run read. Its new parts stay unsent (the next
      // run tries again), and the user is told what to do.
      for (const auto& id : ids) {
        ++document_problems_;
        console_.error("document " + id + " has earlier parts in " + file +
                       (file == "-" ? ", read from stdin by an earlier run, which cannot be read again"
                                    : ", which is gone or was replaced since it was ingested") +
                       ": not sent, so its text on the target is not cut short; ingest it with all its parts (the "
                       "files together, or the whole text in one file)");
        held_.erase(id);
      }
      continue;
    }
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    SourceSpec spec{file, file, static_cast<uint64_t>(st.st_size), std::filesystem::path(file).filename().string()};
    auto format = pick_format(read_options_.format, file);
    auto unit = format ? pick_unit(o_.unit, *format, file) : Result<UnitChoice>(format.error());
    if (!format || !unit) continue;
    ParseOptions popts = parse_options_for(read_options_, spec, *unit);
    ItemParser parser(*format, popts);
    LineReader reader(fd, 0, 1, read_options_.max_line_bytes);
    Line l;
    size_t ahead = 0;
    uint64_t last = cp.line;
    if (!cp.settled_ahead.empty()) last = std::max(last, cp.settled_ahead.back().second);
    while (reader.next(l) && l.number <= last) {
      if (l.oversized) continue;
      while (ahead < cp.settled_ahead.size() && cp.settled_ahead[ahead].second < l.number) ++ahead;
      bool acked = l.number <= cp.line || (ahead < cp.settled_ahead.size() && cp.settled_ahead[ahead].first <= l.number);
      if (!acked) continue;
      Item item;
      if (parser.parse(l.text, Origin{0, l.number, 0, 0, 0}, item).status != ParseStatus::Item) continue;
      if (!item.explicit_id || !ids.count(item.document_id)) continue;
      if (auto st2 = book_->add(file, item, false); !st2) {
        control_.stop(StopReason::Fatal, st2.error().message);
        return;
      }
    }
  }
  for (const auto& id : held_) book_->hold(id, false);
  held_.clear();
  history_.clear();
}

bool Ingest::read_source(uint32_t idx, Batcher& batcher, DedupWindow& dedup, ItemPool& pool,
                         const std::function<bool(Batch)>& emit) {
  const auto& src = inputs_.sources[idx];
  int fd = src.path == "-" ? STDIN_FILENO : ::open(src.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    console_.error(src.display + ": " + std::strerror(errno));
    ++input_problems_;
    return true;
  }
  struct Closer {
    int fd;
    ~Closer() {
      if (fd != STDIN_FILENO) ::close(fd);
    }
  } closer{fd};
  struct stat st{};
  bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  uint64_t offset = 0, line = 0;
  std::vector<std::pair<uint64_t, uint64_t>> settled_ahead;  // lines an earlier run already settled
  if (regular) {
    if (auto why = not_text_file(fd, src.display)) {
      console_.error(*why);
      ++input_problems_;
      return true;
    }
    auto fp = fingerprint_fd(fd);
    if (fp) {
      std::string key = resume_key(src);
      if (auto it = previous_.find(key); it != previous_.end() && !o_.select) {
        auto now_head = fingerprint_fd(fd, it->second.fingerprint.head_len);
        auto verdict = judge_resume(it->second, *fp, now_head ? now_head->head_sha256 : "");
        if (verdict == ResumeVerdict::Continue) {
          offset = it->second.offset;
          line = it->second.line;
          settled_ahead = it->second.settled_ahead;
          fp->head_len = it->second.fingerprint.head_len;
          fp->head_sha256 = it->second.fingerprint.head_sha256;
          skipped_ += line;
          if (offset > 0) {
            std::lock_guard<std::mutex> lock(resume_mu_);
            resumed_from_.push_back({src.display, CommitPoint{offset, line, false, {}}});
          }
        } else {
          console_.warn(src.display + ": replaced or truncated since the last run; starting over from the first line");
        }
      }
      // A run limited to some items (verify --repair, dlq retry) reads every line but sends
      // only those: it must not move the file's commit point past lines it did not send.
      std::lock_guard<std::mutex> lock(resume_mu_);
      if (!o_.select) resumables_[idx] = Resumable{key, *fp, shape_of(src)};
    }
  }
  auto format = *pick_format(read_options_.format, src.path);
  auto unit = pick_unit(o_.unit, format, src.display);
  if (unit)
    if (auto st = json_array_unit(fd, regular, format, o_.unit, src.display, *unit); !st) unit = st.error();
  if (!unit) {
    console_.error(unit.error().message);
    ++input_problems_;
    return true;
  }
  // A document unit cannot take back text it sent: a run that took an unterminated last line
  // (or an unclosed last paragraph) as finished, and the file then grew into it, starts over.
  if (regular && offset > 0 && o_.unit != "line" && !resumes_cleanly(fd, unit->text, offset)) {
    console_.warn(src.display + ": grew after a last " + (unit->text == TextUnit::Paragraph ? "paragraph" : "line") +
                  " that was taken as finished; sending the file again from the start");
    skipped_ -= line;
    offset = line = 0;
    settled_ahead.clear();
    std::lock_guard<std::mutex> lock(resume_mu_);
    resumed_from_.erase(std::remove_if(resumed_from_.begin(), resumed_from_.end(),
                                       [&](const auto& r) { return r.first == src.display; }),
                        resumed_from_.end());
  }
  ParseOptions popts = parse_options_for(read_options_, src, *unit);
  // Documents this file began before the resume point: their committed parts are part of
  // every write of theirs (a document is only ever sent whole).
  const std::string& file = files_[idx];
  if ((format == Format::Jsonl || unit->whole_file) && (line > 0 || !settled_ahead.empty()))
    if (auto st = rescan_documents(idx, fd, file, format, unit->text, popts, line, settled_ahead); !st) {
      control_.stop(StopReason::Fatal, st.error().message);
      return false;
    }
  // Always, offset 0 included: the rescan above read the file through this descriptor, and a
  // file with lines settled ahead of a commit point still at 0 is rescanned too (reading on
  // from where the rescan stopped sent a fragment of a line as "line 1").
  if (regular && ::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
    console_.error(src.display + ": cannot seek to the resume point: " + std::strerror(errno));
    ++input_problems_;
    return true;
  }
  ledger_->start_source(idx, offset, line);
  ItemParser parser(format, popts);
  parser.on_fingerprint([&dedup](uint64_t fp) { dedup.prefetch(fp); });
  // A writer caught mid-line (or mid-paragraph): the rest may follow, so it waits for a later
  // run (read_options_.hold_unterminated is off with --finished).
  BlockReader reader(fd, unit->text, offset, line + 1, regular && read_options_.hold_unterminated,
                     read_options_.max_line_bytes);
  reader.stop_when([this] { return control_.stopping(); });
  Block blk;
  uint64_t seq = 0;
  int utf8_warnings = 0;
  std::vector<Batch> ready;
  size_t ahead = 0;  // index into settled_ahead; lines only increase
  // A pipe cannot be read again, so its items' bodies go along: a run that stops early
  // dead-letters them.
  ReadBook book(*ledger_, idx, offset, line, !regular);
  bool stopping = false;  // a pipe's run stopped: register what is buffered, send nothing
  Item item;
  bool item_moved = true;  // item went into a batch: take a spare for the next line
  while (reader.next(blk)) {
    book.read(blk.end_offset, blk.last_line);
    if (control_.stopping() && regular) return false;
    if (control_.stopping()) stopping = true;
    if (item_moved) {
      pool.take(item);
      item_moved = false;
    }
    Origin origin{idx, blk.first_line, blk.start_offset, blk.end_offset, seq};
    while (ahead < settled_ahead.size() && settled_ahead[ahead].second < blk.first_line) ++ahead;
    if (ahead < settled_ahead.size() && settled_ahead[ahead].first <= blk.first_line) {
      ++skipped_;
      continue;
    }
    if (blk.oversized) {
      // Never parsed or sent: the reader kept only its start. A repair leaves it alone
      // (verify reported it); its start picks the one shard that dead-letters it.
      if (o_.select) {
        ++skipped_;
        continue;
      }
      if (shard_ && !shard_->owns(std::string(blk.text))) {
        ++skipped_shard_;
        continue;
      }
      std::string why = oversized_line_reason(blk.length, read_options_.max_line_bytes);
      console_.error(src.display + ":" + std::to_string(blk.first_line) + ": " + why + " (sent to the dead-letter file)");
      if (auto st = ledger_->bad_input(idx, blk.first_line, std::string(blk.text), why); !st) {
        control_.stop(StopReason::Fatal, st.error().message);
        return false;
      }
      continue;
    }
    auto r = parser.parse(blk.text, origin, item);
    if (r.status == ParseStatus::Blank) continue;
    // A repair sends only what verify found lost; bad lines were reported by verify itself.
    if (o_.select && (r.status != ParseStatus::Item || !o_.select(item))) {
      ++skipped_;
      continue;
    }
    // Another shard's line is read past (it still moves the commit point) but not sent. A
    // bad line has no document id: its content picks the one shard that dead-letters it.
    if (shard_ && !shard_->owns(r.status == ParseStatus::Invalid ? item.raw_line : item.document_id)) {
      ++skipped_shard_;
      continue;
    }
    if (r.status == ParseStatus::Invalid) {
      console_.error(src.display + ":" + std::to_string(blk.first_line) + ": " + r.error + " (sent to the dead-letter file)");
      if (auto st = ledger_->bad_input(idx, blk.first_line, item.raw_line, r.error); !st) {
        control_.stop(StopReason::Fatal, st.error().message);
        return false;
      }
      continue;
    }
    if (r.repaired_utf8) {
      ledger_->utf8_repaired();
      if (++utf8_warnings <= 5)
        console_.warn(src.display + ":" + std::to_string(blk.first_line) + ": invalid UTF-8 replaced with U+FFFD" +
                      (utf8_warnings == 1 ? latin1_hint(src.display, src.path == "-") : std::string()));
    }
    // Identical text under a content-hash id is the same document again; under an explicit
    // id it is another part of that document (a second "ok" in a chat), never dropped.
    if (!item.explicit_id && dedup.seen(item.fingerprint)) {
      ledger_->duplicate();
      continue;
    }
    ++seq;
    book.add(item.origin, item.json, item.explicit_id);
    if (item.explicit_id) {
      // A part of a document: it goes out inside a write of the whole document, which may
      // also carry the parts read after it (documents.h).
      if (auto st = add_part(idx, file, item, true); !st) {
        control_.stop(StopReason::Fatal, st.error().message);
        return false;
      }
      if (stopping) continue;
      // Sent in batches of whole documents, or every so many parts: a document queued early
      // would go with one part, while waiting lets the parts read meanwhile fold into it.
      if ((++parts_since_send_ & 1023) == 0 || book_->due_count() >= static_cast<size_t>(tuning_.batch_size)) {
        book.publish();  // the ledger knows these parts before any write can settle them
        if (!send_documents(emit, false)) {
          if (regular) return false;
          stopping = true;
        }
      }
      continue;
    }
    // A content-hash item is read from here on only as item.json (what the target receives),
    // its id and its origin: the parts it was built from are dropped now, so a batch carries
    // no second copy of the text.
    item.content.clear();
    item.metadata.clear();
    item.tags.clear();
    if (stopping) continue;  // registered above; the workers are gone
    ++memories_;
    batcher.add(std::move(item), ready);
    item_moved = true;
    if (ready.empty()) continue;
    book.publish();  // the workers may acknowledge these items as soon as they are queued
    for (auto& b : ready) {
      if (emit(std::move(b))) continue;
      if (regular) return false;
      // The run is stopping. What this pipe already gave us is registered (with its
      // bodies) and dead-lettered at the end rather than dropped; nothing more is read.
      stopping = true;
      break;
    }
    ready.clear();
  }
  book.publish();
  if (!stopping && !send_documents(emit, false) && regular) return false;
  if (stopping || reader.stopped() || (control_.stopping() && !regular)) return false;
  if (reader.held_back()) {
    // A writer caught mid-line (or mid-paragraph): the rest may follow. Sent once finished.
    ++held_back_;
    console_.warn(src.display + ":" + std::to_string(reader.held_line()) +
                  (unit->text == TextUnit::Paragraph
                       ? ": the last paragraph is not finished yet (no newline at its end, or no blank line after it "
                         "in a file changed moments ago); held back until it is (pass --finished if the file is "
                         "complete)"
                       : ": the last line has no newline yet; held back until it is finished (pass --finished if the "
                         "file is complete)"));
  }
  if (utf8_warnings > 5)
    console_.warn(src.display + ": " + count_of(static_cast<uint64_t>(utf8_warnings - 5), "more line") +
                  " had invalid UTF-8 replaced");
  if (!reader.error().empty()) {
    console_.error(src.display + ": read error: " + reader.error());
    ++input_problems_;
    return true;
  }
  ledger_->source_done(idx);
  return true;
}

Status Ingest::rescan_documents(uint32_t idx, int fd, const std::string& file, Format format, TextUnit text_unit,
                                const ParseOptions& popts, uint64_t line, const LineRanges& settled_ahead) {
  // Re-reads (without sending) the lines earlier runs delivered: their parts are in every
  // write of their documents from now on.
  uint64_t last = line;
  if (!settled_ahead.empty()) last = std::max(last, settled_ahead.back().second);
  ItemParser parser(format, popts);
  // Lines, or a JSON array's elements; paragraphs are never parts of documents.
  BlockReader reader(fd, text_unit == TextUnit::JsonElement ? text_unit : TextUnit::Line, 0, 1, false,
                     read_options_.max_line_bytes);
  Block l;
  size_t ahead = 0;
  Item item;
  while (reader.next(l) && l.first_line <= last) {
    if (l.oversized) continue;  // dead-lettered, never a part of a document
    while (ahead < settled_ahead.size() && settled_ahead[ahead].second < l.first_line) ++ahead;
    bool delivered = l.first_line <= line || (ahead < settled_ahead.size() && settled_ahead[ahead].first <= l.first_line);
    if (!delivered) continue;
    if (parser.parse(l.text, Origin{0, l.first_line, 0, 0, 0}, item).status != ParseStatus::Item) continue;
    if (!item.explicit_id) continue;
    if (shard_ && !shard_->owns(item.document_id)) continue;
    if (auto st = add_part(idx, file, item, false); !st) return st;
  }
  return ok_status();
}

void Ingest::checkpoint(bool force) {
  // The document index reaches the disk before the commit points that rely on it: after a
  // power cut, a checkpoint never runs ahead of the index that says where documents' parts are.
  if (index_)
    if (auto s = index_->sync(); !s) console_.error("cannot save the document index: " + s.error().message);
  // Lock order: journal, then resume_mu_ (the commit observer never holds both).
  auto st = journal_->checkpoint([&]() -> Status { return update_and_save(force); });
  if (!st) console_.error("cannot save state: " + st.error().message);
}

Status Ingest::update_and_save(bool force) {
  std::string text;
  {
    // Held only while the snapshot is taken: the commit observer (on the workers) takes
    // this lock too, and must never wait for the disk.
    std::lock_guard<std::mutex> lock(resume_mu_);
    bool any = false;
    for (uint32_t i = 0; i < resumables_.size(); ++i) {
      if (!resumables_[i]) continue;
      auto cp = ledger_->commit_point(i);
      FileCheckpoint fc{resumables_[i]->fingerprint, cp.offset, cp.line, now_iso8601(), cp.settled_ahead,
                        resumables_[i]->shape};
      auto same = [&](const FileCheckpoint& c) {
        return c.offset == fc.offset && c.fingerprint.ino == fc.fingerprint.ino && c.settled_ahead == fc.settled_ahead;
      };
      auto slot = state_.files.find(resumables_[i]->key);
      if (slot == state_.files.end()) {
        // Unchanged since the last run: the store has it; do not rewrite its bucket.
        auto prev = previous_.find(resumables_[i]->key);
        if (prev != previous_.end() && same(prev->second)) continue;
        state_.files.emplace(resumables_[i]->key, fc);
        any = true;
      } else if (!same(slot->second)) {
        slot->second = fc;
        any = true;
      }
    }
    if (!any && !force) return ok_status();
    text = encode_state(state_);
  }
  return write_file_atomic(state_path_, text, 0600);
}

int Ingest::finish() {
  auto c = ledger_->counters();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  auto outcome = run_outcome(control_, c.failed > 0 || input_problems_ > 0 || document_problems_ > 0 ||
                                            ops_.failed > 0 || !ops_.pending.empty());
  int code = outcome.exit_code;
  std::string result = outcome.result;
  if (control_.stopping() && control_.reason() != StopReason::Interrupted) console_.error(control_.message());

  RunRecord rec{"ingest", started_iso_, now_iso8601(), result, c.sent, c.failed, c.duplicates, skipped_.load(),
                control_.stopping() ? control_.message() : ""};
  add_run(state_.runs, rec);
  // --unit file: a note is edited anywhere, not only at its end, so the whole committed text
  // is what a later run checks (judge_resume): an edit anywhere in it starts the file over,
  // and the note is sent whole again.
  if (read_options_.unit == "file") {
    for (uint32_t i = 0; i < resumables_.size(); ++i) {
      if (!resumables_[i]) continue;
      auto cp = ledger_->commit_point(i);
      int fd = ::open(inputs_.sources[i].path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      auto fp = fingerprint_fd(fd, cp.offset);
      ::close(fd);
      if (!fp || fp->ino != resumables_[i]->fingerprint.ino) continue;
      auto slot = state_.files.find(resumables_[i]->key);
      if (slot == state_.files.end()) {
        auto prev = previous_.find(resumables_[i]->key);
        if (prev == previous_.end()) continue;
        slot = state_.files.emplace(resumables_[i]->key, prev->second).first;
      }
      slot->second.fingerprint = *fp;
    }
  }
  // This run's entries go to the store; the state file keeps them only if that failed (the
  // next run merges them then).
  if (auto st = store_->merge(state_.files); !st) console_.error("cannot write the file store: " + st.error().message);
  else state_.files.clear();
  if (auto st = journal_->checkpoint([&] { return save_state(state_path_, state_); }); !st)
    console_.error("cannot save state: " + st.error().message);

  IngestReport r;
  r.counters = c;
  r.documents = memories_.load() + (book_ ? book_->documents() : 0);
  r.elapsed_s = elapsed;
  r.dead_letter = dead_letters_->written() > 0 ? dead_letter_path_ : "";
  r.operation_ids = ledger_->operation_ids();
  r.operations = ops_;
  r.resumed_from = resumed_from_;
  r.skipped = skipped_.load();
  r.skipped_shard = skipped_shard_.load();
  r.held_back = held_back_.load();
  r.unacknowledged = unacknowledged_;
  r.resumable = std::any_of(resumables_.begin(), resumables_.end(), [](const auto& res) { return res.has_value(); });
  if (shard_) r.shard = shard_->to_string();
  r.breaker_openings = breaker_openings_;
  r.adaptive = tuning_.adaptive;
  r.concurrency = concurrency_;
  r.peak_concurrency = peak_concurrency_;
  r.interrupted = control_.reason() == StopReason::Interrupted;
  r.input_problems = input_problems_;
  r.result = result;
  r.exit_code = code;
  r.state_file = state_path_;
  r.new_state = new_state_;
  if (g_.json) out_ << ingest_report_json(r) << std::endl;
  if (!g_.quiet) console_.info(ingest_summary(r));
  if (!o_.metrics_file.empty()) {
    if (auto st = write_ingest_metrics(o_.metrics_file, "ingest", "", r); !st) console_.error(st.error().message);
  }
  return code;
}

int Ingest::dry_run() {
  // The exact bodies a real run would send, one per line; nothing is sent or recorded. A
  // document is shown once, whole, as the last of its writes would carry it.
  Batcher batcher(static_cast<size_t>(tuning_.batch_size), static_cast<size_t>(tuning_.max_batch_bytes));
  DedupWindow dedup;
  auto print = [&](const Batch& b) {
    std::vector<const Item*> items;
    for (const auto& it : b.items) items.push_back(&it);
    out_ << target_->dry_run_body(items, o_.async) << '\n';
  };
  uint64_t count = 0, plain = 0;
  std::vector<Batch> ready;
  auto spool = PartSpool::open(std::filesystem::temp_directory_path().string());
  if (!spool) return fail(console_, spool.error());
  DocumentBook docs(std::move(*spool), *target_);
  auto sum = read_items(inputs_, read_options_, console_, [&](Item& item) {
    if (!item.explicit_id && dedup.seen(item.fingerprint)) return true;
    ++count;
    if (item.explicit_id) {
      auto st = docs.add(inputs_.sources[item.origin.source].path, item, true);
      return static_cast<bool>(st);
    }
    ++plain;
    batcher.add(std::move(item), ready);
    for (auto& b : ready) print(b);
    ready.clear();
    return true;
  });
  if (auto b = batcher.flush()) print(*b);
  for (;;) {
    auto writes = docs.take_writes(static_cast<size_t>(tuning_.batch_size), static_cast<size_t>(tuning_.max_batch_bytes));
    if (!writes) return fail(console_, writes.error());
    if (writes->empty()) break;
    Batch b;
    b.items = std::move(*writes);
    print(b);
  }
  out_.flush();
  console_.info("dry run: " + count_of(docs.documents() + plain, "document") + "; " + count_of(count, "item") +
                " would be sent to " + target_->describe());
  return sum.bad_lines > 0 || sum.input_problems > 0 || input_problems_ > 0 ? exit_code::kPartial : exit_code::kOk;
}

}  // namespace

int run_ingest_job(const GlobalOptions& g, const IngestOptions& o, Diagnostics& console, std::ostream& out) {
  auto exports = reads_chat_exports(o);
  if (!exports) return fail(console, exports.error());
  if (*exports) return run_export_import(g, o, console, out);
  Ingest ingest(g, o, console, out);
  return ingest.run();
}

}  // namespace memconn
