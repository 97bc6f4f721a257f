#include "ingest/dlq_retry.h"

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "base/exit_codes.h"
#include "base/signals.h"
#include "engine/batcher.h"
#include "engine/pipeline.h"
#include "ingest/run.h"
#include "net/http_client.h"
#include "state/dead_letter.h"
#include "state/doc_index.h"
#include "targets/registry.h"

namespace memconn {

std::optional<TargetSpec> dead_letter_target(const std::string& label) {
  auto spec = spec_from_label(label);
  if (spec) spec->url = url_without_credentials(spec->url);
  return spec;
}

namespace {


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

struct PartsRetry {
  size_t delivered = 0, failed_again = 0;
  std::vector<DeadLetter> keep;
  int exit_code = 0;
};

// Dead-lettered parts of documents: each document is read again from every file its parts
// are in (the state's document index) and sent whole, with its refused parts taken back in,
// by an ingest run limited to those documents (under this command's lock). A part the target
// refuses again is left out again and keeps its entry, with the new error.
PartsRetry retry_document_parts(const GlobalOptions& g, const DlqRetryInput& c, Diagnostics& console, const TargetSpec& spec,
                                const std::string& label, const std::vector<size_t>& indexes,
                                const std::string& retry_path) {
  PartsRetry out;
  std::set<std::string> ids;
  std::set<std::string> files;
  {
    DocIndex index(c.setup->paths().documents);
    for (auto i : indexes) {
      const auto& d = c.entries[i];
      if (!ids.insert(d.document_id).second) continue;
      auto entry = index.find(label, d.document_id);
      if (!entry) {
        console.error(entry.error().message);
        out.exit_code = entry.error().exit_code;
        for (auto k : indexes) out.keep.push_back(c.entries[k]);
        return out;
      }
      for (const auto& f : entry->files)
        if (f != "-") files.insert(f);
      for (const auto& [f, line] : entry->excluded)
        if (auto st = index.include(label, d.document_id, f, line); !st) console.error(st.error().message);
    }
  }
  IngestOptions in;
  in.inputs.assign(files.begin(), files.end());
  in.target_spec = spec;
  in.setup = c.setup;
  in.tuning = c.tuning;
  in.finished = true;
  in.dead_letter = retry_path;
  in.select = [&ids](const Item& item) { return ids.count(item.document_id) > 0; };
  GlobalOptions quiet = g;
  quiet.json = false;
  quiet.quiet = true;
  std::filesystem::remove(retry_path);
  std::ostringstream ignored;
  if (in.inputs.empty()) {
    console.warn(std::to_string(indexes.size()) + " dead-lettered part(s) of documents read from stdin cannot be read again; kept");
    for (auto i : indexes) out.keep.push_back(c.entries[i]);
    return out;
  }
  out.exit_code = run_ingest_job(quiet, in, console, ignored);
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

DlqRetryResult retry_dead_letters(const GlobalOptions& g, const DlqRetryInput& c, Diagnostics& console) {
  DlqRetryResult result;
  auto fail = [&](int code) {
    result.keep = c.entries;
    result.exit_code = code;
    return result;
  };
  auto tuning = resolve_tuning(c.tuning, c.setup->config().defaults);
  if (!tuning) {
    console.error(tuning.error().message);
    return fail(tuning.error().exit_code);
  }
  // Entries go back where they were going: the target label recorded with them, or the
  // target of this invocation's flags for entries that recorded none.
  auto defaults = resolve_hindsight(g, c.setup->config(), c.setup->env(), false);
  if (!defaults) {
    console.error(defaults.error().message);
    return fail(defaults.error().exit_code);
  }
  TargetEnv plain_env;
  plain_env.console = &console;
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
    if (!c.selected(d) || raw || (!d.connector.empty() && d.target.empty())) {
      if (c.selected(d) && raw) ++unsendable;
      keep.push_back(d);
      continue;
    }
    if (d.target.empty() && flags_spec.bank.empty()) {
      console.error("an entry records no target and no bank is configured: pass --bank");
      return fail(exit_code::kUsage);
    }
    std::optional<TargetSpec> spec = d.target.empty() ? std::optional<TargetSpec>(flags_plain) : dead_letter_target(d.target);
    if (!spec) {
      ++unknown;
      keep.push_back(d);
      continue;
    }
    std::string label = make_target(*spec, plain_env)->label();
    if (!specs.count(label)) {
      auto configured = configured_with_label(c.setup->config(), label, console);
      if (!configured) {
        console.error(configured.error().message);
        return fail(configured.error().exit_code);
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
    console.warn(std::to_string(n) + " dead letter(s) recorded for " + url +
                   " are kept: the API key goes only to " + here + "; pass --url " + url + " to retry them there");
  if (unsendable)
    console.warn(std::to_string(unsendable) + " entr" + (unsendable == 1 ? "y is" : "ies are") +
                   " unparseable input and cannot be re-sent; fix the source line and ingest it again, or purge");
  if (unknown)
    console.warn(std::to_string(unknown) + " entr" + (unknown == 1 ? "y records" : "ies record") +
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
    auto out = retry_document_parts(g, c, console, specs.at(label), label, indexes, retry_path);
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
    auto target = make_target(specs.at(label), target_env(*tuning, &share, console));
    DeadLetterWriter again(retry_path);
    Ledger ledger({"dlq"}, &again, "", label);
    RunControl control;
    PipelineOptions po = pipeline_options(*tuning);
    po.workers = std::min<int>(tuning->workers, static_cast<int>(indexes.size()));
    po.target = url_without_credentials(target->spec().url);
    if (g.verbose) po.log_request = [&](const std::string& line) { console.debug(line); };
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
          // Re-batched with ingest's own rules: --batch-size, --max-batch-bytes, and no
          // document id twice in one request.
          Batcher batcher(static_cast<size_t>(tuning->batch_size), static_cast<size_t>(tuning->max_batch_bytes));
          std::vector<Batch> ready;
          for (auto& it : items) {
            batcher.add(it, ready);
            for (auto& b : ready)
              if (!emit(std::move(b))) return;
            ready.clear();
          }
          if (auto b = batcher.flush()) emit(std::move(*b));
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
    if (control.stopping() && control.reason() != StopReason::Interrupted) console.error(control.message());
    stopped = control.stopping();
  }
  result.tried = true;
  result.delivered = delivered;
  result.failed_again = failed_again;
  result.keep = std::move(keep);
  result.exit_code = code;
  return result;
}

}  // namespace memconn
