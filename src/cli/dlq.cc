#include "cli/dlq.h"

#include <ctime>
#include <functional>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <simdjson.h>

#include "cli/console.h"
#include "connectors/context.h"
#include "state/dead_letter.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "net/http_client.h"
#include "ingest/run.h"
#include "state/doc_index.h"
#include "targets/registry.h"
#include "base/json_writer.h"
#include "state/lock_file.h"
#include "engine/pipeline.h"
#include "ingest/shard.h"
#include "base/signals.h"

namespace memconn {

namespace {

struct DlqContext {
  explicit DlqContext(const GlobalOptions& g) : console(make_console(g)) {}
  Console console;
  EnvLookup env = process_env();
  Config cfg;
  std::string state_path, path;
  std::optional<FileLock> lock;
  std::vector<DeadLetter> entries;
  size_t torn = 0;
};

// Loads settings and the dead-letter file; `lock` when the command rewrites it (ingest
// appends under the same lock, so a rewrite never loses an append).
Result<std::unique_ptr<DlqContext>> open_dlq(const GlobalOptions& g, const DlqOptions& o, bool lock) {
  auto ctx = std::make_unique<DlqContext>(g);
  auto cfg = load_settings_config(g, ctx->env);
  if (!cfg) return cfg.error();
  ctx->cfg = std::move(*cfg);
  ctx->state_path = resolve_state_path(g, ctx->cfg, ctx->env);
  std::optional<Shard> shard;
  if (!o.shard.empty()) {
    auto s = Shard::parse(o.shard);
    if (!s) return Error{"--shard: " + s.error().message, exit_code::kUsage};
    shard = *s;
  }
  // The same file names `ingest --shard K/N` uses, so each shard retries its own letters.
  if (shard && !g.state_path) ctx->state_path = shard->apply_to_path(ctx->state_path);
  ctx->path = o.dead_letter.empty() ? dead_letter_path_for(ctx->state_path) : o.dead_letter;
  if (shard && o.dead_letter.empty()) ctx->path = shard->apply_to_path(ctx->path);
  if (lock) {
    auto l = FileLock::acquire(ctx->state_path + ".lock", o.wait_lock);
    if (!l) return l.error();
    ctx->lock.emplace(std::move(*l));
  }
  auto entries = read_dead_letters(ctx->path, &ctx->torn);
  if (!entries) return entries.error();
  ctx->entries = std::move(*entries);
  if (ctx->torn) ctx->console.warn(ctx->path + ": " + std::to_string(ctx->torn) + " torn or unreadable line(s) ignored");
  return ctx;
}

// A dead letter's target label as this version writes it: credentials removed (entries
// written before labels were stripped may hold them). nullopt: no target kind's label.
std::optional<TargetSpec> entry_target(const std::string& label) {
  auto spec = spec_from_label(label);
  if (spec) spec->url = url_without_credentials(spec->url);
  return spec;
}

// A recorded label as it may be shown: without credentials, whatever version wrote it.
std::string shown_label(const std::string& label) {
  auto spec = entry_target(label);
  if (!spec) return url_without_credentials(label);
  NullDiagnostics quiet;
  TargetEnv env;
  env.console = &quiet;
  return make_target(*spec, env)->label();
}

// The configured target ([targets.NAME]) whose label is `label`, with its own key and CA.
Result<std::optional<TargetSpec>> configured_with_label(const Config& cfg, const std::string& label, Diagnostics& console) {
  for (const auto& [name, t] : cfg.targets) {
    TargetSpec plain;
    plain.kind = t.kind;
    plain.url = t.url;
    plain.bank = t.bank;
    TargetEnv env;
    env.console = &console;
    if (make_target(plain, env)->label() != label) continue;
    auto spec = configured_target_spec(cfg, t);
    if (!spec) return spec.error();
    return std::optional<TargetSpec>(*spec);
  }
  return std::optional<TargetSpec>();
}

// Runs a subcommand on the opened dead-letter file, or reports why it cannot be opened.
int with_dlq(const GlobalOptions& g, const DlqOptions& o, bool lock, const std::function<int(DlqContext&)>& body) {
  auto ctx = open_dlq(g, o, lock);
  if (!ctx) {
    make_console(g).error(ctx.error().message);
    return ctx.error().exit_code;
  }
  return body(**ctx);
}

bool selected(const DeadLetter& d, const DlqOptions& o) {
  if (o.connector.empty()) return true;
  if (o.connector == "-") return d.connector.empty();
  return d.connector == o.connector;
}

std::time_t parse_time(const std::string& iso) {
  std::tm tm{};
  if (!strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return 0;
  return timegm(&tm);
}

void write_entry_json(JsonWriter& w, const DeadLetter& d) {
  w.begin_object().key("time").value(d.time).key("source").value(d.source).key("line").value(d.line);
  w.key("document_id").value(d.document_id).key("item").raw(d.item_json.empty() ? "null" : d.item_json);
  w.key("http_status").value(static_cast<int64_t>(d.http_status)).key("error").value(d.error);
  w.key("attempts").value(d.attempts).key("connector").value(d.connector);
  // Entries written before labels were stored without credentials may still hold them.
  w.key("target").value(shown_label(d.target));
  w.end_object();
}

struct PartsRetry {
  size_t delivered = 0, failed_again = 0;
  std::vector<DeadLetter> keep;
  int exit_code = 0;
};

// Dead-lettered parts of documents: each document is read again from every file its parts
// are in (the state's document index) and sent whole, with its refused parts taken back in,
// by an ingest run limited to those documents (under this command's lock). A part the target
// refuses again is left out again and keeps its entry, with the new error.
PartsRetry retry_document_parts(const GlobalOptions& g, const DlqOptions& o, DlqContext& c, const TargetSpec& spec,
                                const std::string& label, const std::vector<size_t>& indexes,
                                const std::string& retry_path) {
  PartsRetry out;
  std::set<std::string> ids;
  std::set<std::string> files;
  {
    DocIndex index(DocIndex::dir_for(c.state_path));
    for (auto i : indexes) {
      const auto& d = c.entries[i];
      if (!ids.insert(d.document_id).second) continue;
      auto entry = index.find(label, d.document_id);
      if (!entry) {
        c.console.error(entry.error().message);
        out.exit_code = entry.error().exit_code;
        for (auto k : indexes) out.keep.push_back(c.entries[k]);
        return out;
      }
      for (const auto& f : entry->files)
        if (f != "-") files.insert(f);
      for (const auto& [f, line] : entry->excluded)
        if (auto st = index.include(label, d.document_id, f, line); !st) c.console.error(st.error().message);
    }
  }
  IngestOptions in;
  in.inputs.assign(files.begin(), files.end());
  in.target_spec = spec;
  in.lock_held = true;
  in.tuning = o.tuning;
  in.finished = true;
  in.dead_letter = retry_path;
  in.select = [&ids](const Item& item) { return ids.count(item.document_id) > 0; };
  GlobalOptions quiet = g;
  quiet.json = false;
  quiet.quiet = true;
  std::filesystem::remove(retry_path);
  std::ostringstream ignored;
  if (in.inputs.empty()) {
    c.console.warn(std::to_string(indexes.size()) + " dead-lettered part(s) of documents read from stdin cannot be read again; kept");
    for (auto i : indexes) out.keep.push_back(c.entries[i]);
    return out;
  }
  out.exit_code = run_ingest_job(quiet, in, c.console, ignored);
  // What the run refused again is in retry_path (by document and line); the rest went in.
  auto refailed = read_dead_letters(retry_path);
  for (auto i : indexes) {
    auto d = c.entries[i];
    const DeadLetter* again = nullptr;
    if (refailed)
      for (const auto& r : *refailed)
        if (r.document_id == d.document_id && r.line == d.line) again = &r;
    bool sent = out.exit_code == exit_code::kOk || out.exit_code == exit_code::kPartial;
    if (again) {
      d.attempts += again->attempts;
      d.http_status = again->http_status;
      d.error = again->error;
      d.time = again->time;
      out.keep.push_back(d);
      ++out.failed_again;
    } else if (!sent) {
      out.keep.push_back(d);
    } else {
      ++out.delivered;
    }
  }
  std::filesystem::remove(retry_path);
  return out;
}

}  // namespace

int run_dlq_list(const GlobalOptions& g, const DlqOptions& o) {
  return with_dlq(g, o, false, [&](DlqContext& c) {
    size_t n = 0;
    if (g.json) {
      std::string s;
      JsonWriter w(s);
      w.begin_object().key("path").value(c.path).key("entries").begin_array();
      for (const auto& d : c.entries)
        if (selected(d, o)) write_entry_json(w, d), ++n;
      w.end_array().key("count").value(static_cast<uint64_t>(n)).key("torn").value(static_cast<uint64_t>(c.torn)).end_object();
      std::cout << s << std::endl;
      return exit_code::kOk;
    }
    for (const auto& d : c.entries) {
      if (!selected(d, o)) continue;
      ++n;
      std::cout << d.time << "  " << d.source << ":" << d.line << "  "
                << (d.http_status ? "HTTP " + std::to_string(d.http_status) : std::string("input")) << "  " << d.error
                << "  (attempts " << d.attempts << (d.connector.empty() ? "" : ", connector " + d.connector) << ")\n";
    }
    c.console.info(std::to_string(n) + " dead letter(s) in " + c.path);
    return exit_code::kOk;
  });
}

int run_dlq_purge(const GlobalOptions& g, const DlqOptions& o) {
  return with_dlq(g, o, true, [&](DlqContext& c) {
    std::time_t cutoff = 0;
    if (!o.older_than.empty()) {
      auto d = parse_duration(o.older_than);
      if (!d) {
        c.console.error("--older-than: " + d.error().message);
        return exit_code::kUsage;
      }
      cutoff = std::time(nullptr) - static_cast<std::time_t>(d->count() / 1000);
    }
    std::vector<DeadLetter> keep;
    size_t removed = 0;
    for (auto& d : c.entries) {
      bool old_enough = o.older_than.empty() || (parse_time(d.time) != 0 && parse_time(d.time) < cutoff);
      if (selected(d, o) && old_enough) ++removed;
      else keep.push_back(std::move(d));
    }
    if (removed > 0 || c.torn > 0) {
      if (auto st = write_dead_letters(c.path, keep); !st) {
        c.console.error(st.error().message);
        return exit_code::kPartial;
      }
    }
    if (g.json) {
      std::string s;
      JsonWriter w(s);
      w.begin_object().key("path").value(c.path).key("removed").value(static_cast<uint64_t>(removed));
      w.key("remaining").value(static_cast<uint64_t>(keep.size())).end_object();
      std::cout << s << std::endl;
    }
    c.console.info("purged " + std::to_string(removed) + " dead letter(s); " + std::to_string(keep.size()) + " remain in " + c.path);
    return exit_code::kOk;
  });
}

int run_dlq_retry(const GlobalOptions& g, const DlqOptions& o) {
  return with_dlq(g, o, true, [&](DlqContext& c) {
    auto tuning = resolve_tuning(o.tuning, c.cfg.defaults);
    if (!tuning) {
      c.console.error(tuning.error().message);
      return tuning.error().exit_code;
    }
    // Entries go back where they were going: the target label recorded with them, or the
    // target of this invocation's flags for entries that recorded none.
    auto defaults = resolve_hindsight(g, c.cfg, c.env, false);
    if (!defaults) {
      c.console.error(defaults.error().message);
      return defaults.error().exit_code;
    }
    TargetEnv plain_env;
    plain_env.console = &c.console;
    const TargetSpec flags_spec = default_target_spec(*defaults);
    TargetSpec flags_plain = flags_spec;
    flags_plain.url = url_without_credentials(flags_spec.url);
    while (!flags_plain.url.empty() && flags_plain.url.back() == '/') flags_plain.url.pop_back();
    const std::string here = flags_plain.url;
    // Credentials go only to the URL this command resolved (--url, env, config) or to a
    // configured target's own address: an old or edited entry must not be able to aim them
    // anywhere else. With credentials, entries recorded for another URL are kept, with a
    // warning, until a run names that URL; without any, nothing can leak and entries go back
    // where they were going.
    const bool has_credentials = !defaults->api_key.empty() || url_without_credentials(defaults->url) != defaults->url;
    std::map<std::string, size_t> elsewhere;                // other URL -> entries kept for it
    std::map<std::string, std::vector<size_t>> by_target;  // target label (no credentials) -> entry indexes
    std::map<std::string, std::vector<size_t>> document_parts;  // the same, for parts of documents
    std::map<std::string, TargetSpec> specs;               // target label -> where it goes, with its key
    std::vector<DeadLetter> keep;                          // not retried this time, unchanged
    size_t unsendable = 0, unknown = 0;
    for (size_t i = 0; i < c.entries.size(); ++i) {
      const auto& d = c.entries[i];
      bool raw = d.item_json.rfind("{\"raw\":", 0) == 0;
      // Connector entries carry their target and a sendable item: they go back there.
      if (!selected(d, o) || raw || (!d.connector.empty() && d.target.empty())) {
        if (selected(d, o) && raw) ++unsendable;
        keep.push_back(d);
        continue;
      }
      if (d.target.empty() && flags_spec.bank.empty()) {
        c.console.error("an entry records no target and no bank is configured: pass --bank");
        return exit_code::kUsage;
      }
      std::optional<TargetSpec> spec = d.target.empty() ? std::optional<TargetSpec>(flags_plain) : entry_target(d.target);
      if (!spec) {
        ++unknown;
        keep.push_back(d);
        continue;
      }
      std::string label = make_target(*spec, plain_env)->label();
      if (!specs.count(label)) {
        auto configured = configured_with_label(c.cfg, label, c.console);
        if (!configured) {
          c.console.error(configured.error().message);
          return configured.error().exit_code;
        }
        if (*configured) {
          specs[label] = **configured;
        } else if (spec->kind == flags_spec.kind && spec->url == here) {
          // This invocation's server: its key, CA file and the URL as given (credentials too).
          TargetSpec s = flags_spec;
          s.bank = spec->bank;
          specs[label] = s;
        } else if (has_credentials && d.connector.empty()) {
          // Another URL: this invocation's key must not go there.
          ++elsewhere[spec->url];
          keep.push_back(d);
          continue;
        } else {
          specs[label] = *spec;  // no credentials anywhere: it goes back where it was going, as is
        }
      }
      // A part of a document cannot go alone (it would replace the document's text with
      // itself): its document is sent whole again, with the part back in.
      if (d.document_part) document_parts[label].push_back(i);
      else by_target[label].push_back(i);
    }
    for (const auto& [url, n] : elsewhere)
      c.console.warn(std::to_string(n) + " dead letter(s) recorded for " + url +
                     " are kept: the API key goes only to " + here + "; pass --url " + url + " to retry them there");
    if (unsendable)
      c.console.warn(std::to_string(unsendable) + " entr" + (unsendable == 1 ? "y is" : "ies are") +
                     " unparseable input and cannot be re-sent; fix the source line and ingest it again, or purge");
    if (unknown)
      c.console.warn(std::to_string(unknown) + " entr" + (unknown == 1 ? "y records" : "ies record") +
                     " a target this version cannot read back; they are kept");

    install_stop_signals();
    std::string retry_path = c.path + ".retry";
    std::filesystem::remove(retry_path);
    size_t delivered = 0, failed_again = 0;
    int code = exit_code::kOk;
    CurlShare share;
    bool stopped = false;
    for (const auto& [label, indexes] : document_parts) {
      if (stopped) {
        for (auto i : indexes) keep.push_back(c.entries[i]);
        continue;
      }
      auto out = retry_document_parts(g, o, c, specs.at(label), label, indexes, retry_path);
      delivered += out.delivered;
      failed_again += out.failed_again;
      for (auto& d : out.keep) keep.push_back(std::move(d));
      if (out.exit_code != exit_code::kOk && out.exit_code != exit_code::kPartial) {
        code = out.exit_code;
        stopped = true;
      }
    }
    for (const auto& [label, indexes] : by_target) {
      if (stopped) {  // the run stopped at an earlier target: these were never tried
        for (auto i : indexes) keep.push_back(c.entries[i]);
        continue;
      }
      auto target = make_target(specs.at(label), target_env(*tuning, &share, c.console));
      DeadLetterWriter again(retry_path);
      Ledger ledger({"dlq"}, &again, "", label);
      RunControl control;
      PipelineOptions po = pipeline_options(*tuning);
      po.workers = std::min<int>(tuning->workers, static_cast<int>(indexes.size()));
      po.target = url_without_credentials(target->spec().url);
      if (g.verbose) po.log_request = [&](const std::string& line) { c.console.debug(line); };
      std::vector<Item> items(indexes.size());
      for (size_t k = 0; k < indexes.size(); ++k) {
        const auto& d = c.entries[indexes[k]];
        if (!target->decode(d.item_json, items[k])) items[k].json = d.item_json;
        items[k].document_id = d.document_id;
        items[k].origin = Origin{0, d.line, 0, 0, k};
        ledger.item_pending(items[k]);
      }
      Pipeline pipeline(
          po,
          [&] { return target->make_sender(false, &control.abort_transfers); },
          ledger, control);
      pipeline.run(
          [&](const std::function<bool(Batch)>& emit) {
            Batch b;
            for (auto& it : items) {
              // Re-batch with the same rules as ingest (no document id twice per request).
              bool dup = false;
              for (const auto& x : b.items) dup = dup || x.document_id == it.document_id;
              if (dup || b.items.size() >= static_cast<size_t>(tuning->batch_size)) {
                if (!emit(std::move(b))) return;
                b = Batch{};
              }
              b.items.push_back(it);
            }
            if (!b.items.empty()) emit(std::move(b));
          },
          [&] {
            if (int sig = stop_signal_received())
              control.interrupt(sig);
          });
      // Settle every entry: delivered ones leave the file; re-failed ones carry the new error
      // and the summed attempts; unsettled ones (stopped run) stay exactly as they were.
      std::set<uint64_t> pending;
      for (auto s : ledger.pending_seqs(0)) pending.insert(s);
      auto refailed = read_dead_letters(retry_path);
      std::map<uint64_t, DeadLetter> refail_by_seq;
      if (refailed)
        for (auto& d : *refailed) {
          for (size_t k = 0; k < items.size(); ++k)
            if (items[k].document_id == d.document_id && items[k].origin.line == d.line) refail_by_seq[k] = d;
        }
      for (size_t k = 0; k < indexes.size(); ++k) {
        auto d = c.entries[indexes[k]];
        if (pending.count(k)) {
          keep.push_back(d);
        } else if (auto it = refail_by_seq.find(k); it != refail_by_seq.end()) {
          d.attempts += it->second.attempts;
          d.http_status = it->second.http_status;
          d.error = it->second.error;
          d.time = it->second.time;
          keep.push_back(d);
          ++failed_again;
        } else {
          ++delivered;
        }
      }
      std::filesystem::remove(retry_path);
      if (control.stopping()) code = run_outcome(control, false).exit_code;
      if (control.stopping() && control.reason() != StopReason::Interrupted) c.console.error(control.message());
      stopped = control.stopping();
    }
    if (auto st = write_dead_letters(c.path, keep); !st) {
      c.console.error(st.error().message);
      return exit_code::kPartial;
    }
    if (g.json) {
      std::string s;
      JsonWriter w(s);
      w.begin_object().key("path").value(c.path).key("delivered").value(static_cast<uint64_t>(delivered));
      w.key("failed").value(static_cast<uint64_t>(failed_again)).key("remaining").value(static_cast<uint64_t>(keep.size()));
      w.key("exit_code").value(code).end_object();
      std::cout << s << std::endl;
    }
    c.console.info("dlq retry: " + std::to_string(delivered) + " delivered, " + std::to_string(failed_again) +
                   " failed again; " + std::to_string(keep.size()) + " remain in " + c.path);
    if (code == exit_code::kOk && !keep.empty()) code = exit_code::kPartial;
    return code;
  });
}

}  // namespace memconn
