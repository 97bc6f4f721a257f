#include "connectors/run.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "engine/batcher.h"
#include "base/digest.h"
#include "connectors/cursor.h"
#include "connectors/record_item.h"
#include "base/exit_codes.h"
#include "base/json_writer.h"
#include "engine/ledger.h"
#include "engine/run_control.h"
#include "sources/transform.h"

namespace memconn {

namespace {

// Remembers how far the committed prefix of Selection::send reached and folds every new
// settlement into the connector's state.
class Checkpointer {
 public:
  Checkpointer(const std::vector<SourceRecord>& send, ConnectorState& state, std::chrono::milliseconds overlap,
               SysTime now)
      : send_(send), state_(state), overlap_(overlap), now_(now) {}

  // True if the state changed. Records beyond the commit point that already settled are
  // remembered as processed ids (so a crash re-sends only what was in flight) but do not
  // move the cursor, which must never pass a record still in flight.
  bool apply(const CommitPoint& cp) {
    bool changed = false;
    size_t k = std::min<size_t>(cp.offset, send_.size());
    if (k > committed_) {
      commit_records(state_, std::span(send_).subspan(committed_, k - committed_), overlap_, now_);
      committed_ = k;
      changed = true;
    }
    std::vector<SourceRecord> ahead;
    for (const auto& [first, last] : cp.settled_ahead) {
      for (uint64_t line = first; line <= last && line <= send_.size(); ++line) {
        size_t idx = line - 1;
        if (idx >= committed_ && remembered_.insert(idx).second) ahead.push_back(send_[idx]);
      }
    }
    if (!ahead.empty()) {
      for (const auto& r : ahead) state_.recent_ids.push_back({r.id, format_iso8601(r.time ? *r.time : now_), r.digest});
      changed = true;
    }
    return changed;
  }
  size_t committed() const { return committed_; }

 private:
  const std::vector<SourceRecord>& send_;
  ConnectorState& state_;
  std::chrono::milliseconds overlap_;
  SysTime now_;
  size_t committed_ = 0;
  std::set<size_t> remembered_;
};

void finish_result(ConnectorRunReport& r, const RunControl& control) {
  auto o = run_outcome(control, r.failed > 0 || r.target_failed > 0);
  r.result = o.result;
  r.exit_code = o.exit_code;
  if (o.error) r.error = control.message();
}

std::string result_for_fetch_error(int code) {
  if (code == exit_code::kAuth) return "auth";
  if (code == exit_code::kUnreachable) return "unreachable";
  return "failed";
}

}  // namespace

ConnectorRunReport run_connector(const ConnectorConfig& conn, const SourceConfig& src, const Target& target,
                                 const TextTemplate* tmpl, ConnectorState& state, const ConnectorRunOptions& opt,
                                 ConnectorRunDeps& deps) {
  Diagnostics& console = *deps.console;
  ConnectorRunReport rep;
  rep.connector = conn.name;
  rep.command = opt.command;
  // Whole seconds: run history reads better, and a schedule slot computed from a start of
  // 10:00:00.004 must not make the connector miss the 11:00:00 tick of a minutely cron.
  const SysTime started = std::chrono::floor<std::chrono::seconds>(deps.clock->now());
  const auto started_steady = std::chrono::steady_clock::now();
  rep.started = format_iso8601(started);
  rep.cursor_before = state.cursor;

  auto save = [&] {
    if (auto st = deps.persist(); !st) console.error("cannot save state: " + st.error().message);
  };
  // The marker lets `status` tell a run in progress from one that died.
  state.running_pid = static_cast<uint64_t>(::getpid());
  state.running_since = rep.started;
  save();

  auto end_run = [&](bool counts_as_run) {
    rep.finished = format_iso8601(std::chrono::floor<std::chrono::seconds>(deps.clock->now()));
    rep.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_steady).count();
    rep.cursor_after = state.cursor;
    RunRecord rec;
    rec.command = rep.command;
    rec.started = rep.started;
    rec.finished = rep.finished;
    rec.result = rep.result;
    rec.sent = rep.sent;
    rec.failed = rep.failed + rep.target_failed;  // not indexed by the target is failed too
    rec.duplicates = rep.already_present;
    rec.skipped = rep.already_processed + rep.known_empty + rep.repeated;
    rec.error = rep.error;
    rec.fetched = rep.fetched;
    rec.skipped_empty = rep.skipped_empty;
    rec.updated = rep.updated;
    if (!rep.warnings.empty()) rec.warning = rep.warnings.front();
    add_run(state.runs, rec);
    state.total_sent += rep.sent;
    state.total_failed += rep.failed + rep.target_failed;
    state.total_duplicates += rep.already_present;
    state.total_updated += rep.updated;
    // An interrupted run leaves the connector due, so the next sync finishes the job; any
    // other ending counts for the schedule (a dead target is retried on schedule, not in a
    // tight loop).
    // A repair fetched only to find what verify named; it must not stand for a sync that
    // would have looked for new records (the next sync's range counts from last_success).
    if (counts_as_run && !opt.only) state.last_run_started = rep.started;
    if ((rep.result == "ok" || rep.result == "partial") && !opt.only) state.last_success = rep.started;
    state.running_pid = 0;
    state.running_since.clear();
    save();
    return rep;
  };

  auto interrupted = [&](int sig) {
    rep.result = "interrupted";
    rep.exit_code = sig == SIGTERM ? exit_code::kSigTerm : exit_code::kSigInt;
    return end_run(false);
  };

  // 1. Check the target, then fetch.
  if (deps.prepare_target) {
    if (auto st = deps.prepare_target(); !st) {
      if (int sig = deps.stop_signal()) return interrupted(sig);
      rep.result = result_for_fetch_error(st.error().exit_code);
      rep.exit_code = st.error().exit_code;
      rep.error = st.error().message;
      console.error("connector " + conn.name + ": " + rep.error);
      return end_run(true);
    }
  }
  FetchPlan plan;
  plan.now = started;
  plan.overlap = conn.overlap;
  // --full means everything, whatever the first run was allowed to ask for.
  plan.first_range = opt.full ? "all" : conn.first_range;
  if (!opt.full) {
    plan.last_success = parse_iso8601(state.last_success);
    if (auto c = parse_iso8601(state.cursor)) plan.since = *c - conn.overlap;
  }
  auto fetched = deps.source->fetch(plan);
  if (!fetched) {
    if (int sig = deps.stop_signal()) return interrupted(sig);  // Ctrl-C cut the fetch short
    rep.result = result_for_fetch_error(fetched.error().exit_code);
    rep.exit_code = fetched.error().exit_code;
    rep.error = fetched.error().message;
    console.error("connector " + conn.name + ": " + rep.error);
    return end_run(true);
  }
  rep.fetch_summary = fetched->request_summary;
  rep.without_id = fetched->without_id;
  console.debug("connector " + conn.name + ": fetched " + rep.fetch_summary);
  for (const auto& w : fetched->warnings) {
    console.warn("connector " + conn.name + ": " + w);
    rep.warnings.push_back(w);
  }
  if (fetched->without_id) {
    rep.warnings.push_back(std::to_string(fetched->without_id) + " items without an id were skipped");
    console.warn("connector " + conn.name + ": " + rep.warnings.back());
  }

  // A fetch cut short (page cap, a repeated cursor) may have missed anything older than
  // what it got: the cursor must not pass the oldest record fetched.
  const bool truncated = fetched->truncated;
  std::optional<SysTime> oldest;
  for (const auto& r : fetched->records)
    if (r.time && (!oldest || *r.time < *oldest)) oldest = r.time;

  // 2. Select what is new, and what was edited: a record's digest covers what the target
  // would receive (text, and for Hindsight the metadata with updated_at).
  RenderContext rctx{&conn, &src, tmpl};
  std::unordered_set<std::string> replace;  // verify --repair: ids whose target copy differs
  std::erase_if(fetched->records, [&](SourceRecord& r) {
    if (is_blank_text(r.text)) return static_cast<bool>(opt.only);
    Item it = make_connector_item(target, rctx, r);
    r.digest = fingerprint64(sha256(it.json));
    if (!opt.only) return false;
    auto action = opt.only(it.document_id);
    if (action == RepairAction::Replace) replace.insert(r.id);
    return action == RepairAction::Skip;
  });
  auto sel = select_records(std::move(fetched->records), state, conn.overlap, opt.full);
  // A stale copy is replaced even when the state's digest agrees with the source: the
  // target holds something else all the same.
  for (auto it = sel.send.begin(); it != sel.send.end();) {
    if (replace.count(it->id)) {
      sel.update.push_back(std::move(*it));
      it = sel.send.erase(it);
    } else {
      ++it;
    }
  }
  rep.fetched = sel.fetched + fetched->without_id;
  rep.new_items = sel.send.size();
  rep.already_processed = sel.already_processed;
  rep.older_than_window = sel.older_than_window;
  if (sel.older_than_window) {
    rep.warnings.push_back(std::to_string(sel.older_than_window) + " memories older than the id window (" +
                           std::to_string(kIdWindow.count() / 24) +
                           " days before the cursor) are not known by id and were not sent: sent long ago, or "
                           "uploaded very late; `memconn trigger " + conn.name + " --full` re-sends everything");
    console.warn("connector " + conn.name + ": " + rep.warnings.back());
  }
  rep.known_empty = sel.known_empty;
  rep.repeated = sel.repeated;
  rep.skipped_empty = sel.new_empty.size();
  if (!sel.new_empty.empty()) {
    record_empty(state, sel.new_empty, conn.overlap, started);
    state.total_skipped_empty += sel.new_empty.size();
    console.info("connector " + conn.name + ": skipped " + std::to_string(sel.new_empty.size()) +
                 " memories with an empty transcript (counted once; sent if a transcript appears)");
  }

  adopt_digests(state, sel.adopt);

  // 3. Edits, one at a time and before the new items (LightRAG refuses deletions while its
  // pipeline is busy with fresh inserts). An update left pending by a crash is finished
  // first, from the text saved with it, even if the source no longer returns the memory.
  std::vector<std::pair<SourceRecord, Item>> updates;
  for (const auto& p : state.pending_updates) {
    if (std::any_of(sel.update.begin(), sel.update.end(), [&](const SourceRecord& r) { return r.id == p.id; })) continue;
    SourceRecord r;
    r.id = p.id;
    r.created_at = p.created_at;
    r.time = parse_iso8601(p.created_at);
    r.digest = p.digest;
    Item it;
    it.content = p.text;
    it.document_id = p.document_id;
    target.encode(it);
    updates.emplace_back(std::move(r), std::move(it));
  }
  for (auto& r : sel.update) {
    Item it = make_connector_item(target, rctx, r);
    updates.emplace_back(std::move(r), std::move(it));
  }
  rep.changed = updates.size();
  std::optional<UpdateOutcome> fatal;
  std::vector<std::string> update_failures;
  uint64_t update_failed = 0;
  // The target deferred one edit (LightRAG busy for the whole wait): the others would only
  // wait out the same busy pipeline, so they are left for the next run at once.
  bool target_busy = false;
  for (auto& [rec, item] : updates) {
    if (deps.stop_signal()) break;
    if (!deps.update_document || target_busy) {
      ++rep.updates_deferred;
      continue;
    }
    auto before_delete = [&, &rec = rec, &item = item] {
      std::erase_if(state.pending_updates, [&](const PendingUpdate& p) { return p.id == rec.id; });
      state.pending_updates.push_back({rec.id, rec.time ? format_iso8601(*rec.time) : rec.created_at, rec.digest,
                                       item.document_id, item.content});
      save();
    };
    auto out = deps.update_document(item, before_delete);
    using K = UpdateOutcome::Kind;
    if (out.kind == K::Updated) {
      ++rep.updated;
      record_update(state, rec, started);
      std::erase_if(state.pending_updates, [&](const PendingUpdate& p) { return p.id == rec.id; });
      save();
    } else if (out.kind == K::Deferred) {
      ++rep.updates_deferred;
      target_busy = true;
      update_failures.push_back(rec.id + ": " + out.message);
    } else if (out.kind == K::Failed) {
      ++update_failed;
      update_failures.push_back(rec.id + ": " + out.message);
    } else {
      fatal = out;
      break;
    }
  }
  if (!update_failures.empty()) {
    rep.warnings.push_back(std::to_string(update_failed + rep.updates_deferred) + " edited memories did not reach the target yet (" +
                           update_failures.front() + (update_failures.size() > 1 ? "; …" : "") +
                           "); the next run tries again");
    console.warn("connector " + conn.name + ": " + rep.warnings.back());
  }
  if (fatal) {
    bool auth = fatal->kind == UpdateOutcome::Kind::AuthRefused;
    rep.result = auth ? "auth" : "unreachable";
    rep.exit_code = auth ? exit_code::kAuth : exit_code::kUnreachable;
    rep.error = fatal->message;
    rep.failed = update_failed;
    console.error("connector " + conn.name + ": " + rep.error);
    return end_run(true);
  }

  // 4. Items, in the order the cursor needs: item i is "line" i+1 of one source, so the
  // ledger's commit point is the count of records settled without a gap.
  std::vector<Item> items;
  items.reserve(sel.send.size());
  std::map<std::string, std::pair<size_t, std::string>> by_document;  // id -> (line, item json), for --wait failures
  for (size_t i = 0; i < sel.send.size(); ++i) {
    Item it = make_connector_item(target, rctx, sel.send[i]);
    it.origin = Origin{0, i + 1, i, i + 1, i};
    if (opt.wait) by_document[it.document_id] = {i + 1, it.json};
    items.push_back(std::move(it));
  }

  Ledger ledger({"connector:" + conn.name}, deps.dead_letters, conn.name, opt.target_label);
  ledger.start_source(0, 0, 0);
  RunControl control;
  Checkpointer cp(sel.send, state, conn.overlap, started);
  auto checkpoint = [&](bool force) {
    if (cp.apply(ledger.commit_point(0)) || force) save();
  };
  if (!items.empty()) {
    Pipeline pipeline(opt.pipeline, [&] { return deps.make_sender(&control.abort_transfers); }, ledger, control);
    auto last_save = std::chrono::steady_clock::now();
    pipeline.run(
        [&](const std::function<bool(Batch)>& emit) {
          Batcher batcher(opt.batch_size, opt.max_batch_bytes);
          std::vector<Batch> ready;
          for (auto& it : items) {
            ledger.item_pending(it);
            uint64_t n = it.origin.end_offset;
            ledger.line_read(0, n, n, it.json.size());
            batcher.add(std::move(it), ready);
            for (auto& b : ready)
              if (!emit(std::move(b))) return;
            ready.clear();
          }
          if (auto b = batcher.flush())
            if (!emit(std::move(*b))) return;
          ledger.source_done(0);
        },
        [&] {
          if (int sig = deps.stop_signal(); sig && !control.stopping()) {
            console.info("connector " + conn.name + ": stopping after the requests in flight");
            control.interrupt(sig);
          }
          auto now = std::chrono::steady_clock::now();
          if (now - last_save >= opt.checkpoint_interval) {
            last_save = now;
            checkpoint(false);
          }
        });
  } else if (int sig = deps.stop_signal()) {
    control.interrupt(sig);
  }
  checkpoint(true);
  auto c = ledger.counters();
  rep.sent = c.sent;
  rep.already_present = c.already_present;
  rep.failed = c.failed + update_failed;
  rep.retries = c.retries;
  rep.requests = c.requests;

  // 5. Optionally follow the target's background processing.
  if (opt.wait && deps.wait_for_target && !control.stopping()) {
    auto w = deps.wait_for_target(ledger.operation_ids());
    rep.target_failed = w.failed;
    // A document the target accepted but could not index is as lost as a refused one: it
    // goes to the dead-letter file, where `dlq retry` sends it again.
    for (const auto& [doc, why] : w.failed_docs) {
      DeadLetter d;
      d.time = format_iso8601(deps.clock->now());
      d.source = "connector:" + conn.name;
      d.document_id = doc;
      if (auto f = by_document.find(doc); f != by_document.end()) {
        d.line = f->second.first;
        d.item_json = f->second.second;
      }
      d.error = "the target could not index it: " + why;
      d.connector = conn.name;
      d.target = opt.target_label;
      if (deps.dead_letters && !d.item_json.empty())
        if (auto st = deps.dead_letters->append(d); !st) console.error("cannot write a dead letter: " + st.error().message);
    }
    if (!w.complete) rep.warnings.push_back("stopped waiting before the target finished processing");
  }
  if (truncated) {
    auto before = parse_iso8601(rep.cursor_before);
    auto now_at = parse_iso8601(state.cursor);
    if (oldest && now_at && *now_at > *oldest) {
      SysTime capped = before && *before > *oldest ? *before : *oldest;
      if (capped < *now_at) state.cursor = format_iso8601(capped);
      save();
    }
    rep.warnings.push_back("the fetch was cut short: the cursor stays at " +
                           (state.cursor.empty() ? std::string("the start") : state.cursor) +
                           " so the next run fetches what was not reached");
    console.warn("connector " + conn.name + ": " + rep.warnings.back());
  }
  finish_result(rep, control);
  if (truncated && rep.result == "ok") {
    rep.result = "partial";
    rep.exit_code = exit_code::kPartial;
  }
  if (!rep.error.empty()) console.error("connector " + conn.name + ": " + rep.error);
  return end_run(rep.result != "interrupted");
}

}  // namespace memconn
