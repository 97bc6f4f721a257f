#include "cli/dlq.h"

#include <ctime>
#include <functional>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "cli/console.h"
#include "state/dead_letter.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "net/http_client.h"
#include "ingest/dlq_retry.h"
#include "targets/registry.h"
#include "base/json_writer.h"
#include "config/command_setup.h"
#include "ingest/shard.h"
#include "base/signals.h"

namespace memconn {

namespace {

struct DlqContext {
  explicit DlqContext(const GlobalOptions& g) : console(make_console(g)) {}
  Console console;
  std::unique_ptr<CommandSetup> setup;  // the config, read once, and the paths
  std::string path;                     // the dead-letter file
  std::vector<DeadLetter> entries;
  size_t torn = 0;
};

// Loads settings and the dead-letter file; `lock` when the command rewrites it (ingest
// appends under the same lock, so a rewrite never loses an append).
Result<std::unique_ptr<DlqContext>> open_dlq(const GlobalOptions& g, const DlqOptions& o, bool lock) {
  auto ctx = std::make_unique<DlqContext>(g);
  // The same file names `ingest --shard K/N` uses, so each shard retries its own letters.
  PathChoice where{"", o.dead_letter};
  if (!o.shard.empty()) {
    auto s = Shard::parse(o.shard);
    if (!s) return Error{"--shard: " + s.error().message, exit_code::kUsage};
    where.shard_tag = s->path_tag();
  }
  auto setup = CommandSetup::open(g, process_env(), where);
  if (!setup) return setup.error();
  ctx->setup = std::make_unique<CommandSetup>(std::move(*setup));
  ctx->path = ctx->setup->paths().dead_letter;
  if (lock)
    if (auto st = ctx->setup->lock(o.wait_lock); !st) return st.error();
  auto entries = read_dead_letters(ctx->path, &ctx->torn);
  if (!entries) return entries.error();
  ctx->entries = std::move(*entries);
  if (ctx->torn) ctx->console.warn(ctx->path + ": " + std::to_string(ctx->torn) + " torn or unreadable line(s) ignored");
  return ctx;
}

// A recorded label as it may be shown: without credentials, whatever version wrote it.
std::string shown_label(const std::string& label) {
  auto spec = dead_letter_target(label);
  if (!spec) return url_without_credentials(label);
  NullDiagnostics quiet;
  TargetEnv env;
  env.console = &quiet;
  return make_target(*spec, env)->label();
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

}  // namespace

int run_dlq_list(const GlobalOptions& g, const DlqOptions& o) {
  return with_dlq(g, o, false, [&](DlqContext& c) {
    size_t n = 0;
    if (g.json) {
      std::string s;
      JsonWriter w(s);
      w.begin_object().envelope("dlq list", "ok", exit_code::kOk).key("path").value(c.path).key("entries").begin_array();
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
  // Dropping dead letters loses the only copy of what a pipe gave: it must be asked for.
  if (!o.all && o.older_than.empty() && o.connector.empty()) {
    make_console(g).error(
        "dlq purge drops dead letters for good: name which (--older-than 7d, --connector NAME, or - for plain "
        "ingest entries) or give --all; --dry-run shows what would go");
    return exit_code::kUsage;
  }
  return with_dlq(g, o, !o.dry_run, [&](DlqContext& c) {
    // A connector name that is neither configured nor on any entry is a typo, not "nothing".
    if (!o.connector.empty() && o.connector != "-" && !c.setup->config().connectors.count(o.connector)) {
      bool on_entry = false;
      for (const auto& d : c.entries) on_entry = on_entry || d.connector == o.connector;
      if (!on_entry) {
        std::string known;
        for (const auto& [name, _] : c.setup->config().connectors) known += (known.empty() ? "" : ", ") + name;
        c.console.error("--connector " + o.connector + ": no such connector (configured: " +
                        (known.empty() ? "none" : known) + "; - selects plain ingest entries)");
        return exit_code::kUsage;
      }
    }
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
    std::string what = std::to_string(removed) + " dead letter" + (removed == 1 ? "" : "s");
    if (!o.dry_run && removed > 0 && !o.yes && !g.json && ::isatty(0) && ::isatty(2)) {
      std::cerr << "drop " << what << " from " << c.path << " for good? [y/N] " << std::flush;
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "y" && answer != "Y" && answer != "yes") {
        c.console.info("nothing dropped");
        return exit_code::kOk;
      }
    }
    if (!o.dry_run && (removed > 0 || c.torn > 0)) {
      if (auto st = write_dead_letters(c.path, keep); !st) {
        c.console.error(st.error().message);
        return exit_code::kPartial;
      }
    }
    if (g.json) {
      std::string s;
      JsonWriter w(s);
      w.begin_object().envelope("dlq purge", "ok", exit_code::kOk);
      w.key("path").value(c.path).key("dry_run").value(o.dry_run);
      w.key("removed").value(static_cast<uint64_t>(o.dry_run ? 0 : removed));
      w.key("selected").value(static_cast<uint64_t>(removed));
      w.key("remaining").value(static_cast<uint64_t>(o.dry_run ? c.entries.size() : keep.size())).end_object();
      std::cout << s << std::endl;
    }
    if (o.dry_run)
      c.console.info("dry run: would drop " + what + "; " + std::to_string(keep.size()) + " would remain in " + c.path);
    else
      c.console.info("purged " + what + "; " + std::to_string(keep.size()) + " remain in " + c.path);
    return exit_code::kOk;
  });
}

int run_dlq_retry(const GlobalOptions& g, const DlqOptions& o) {
  return with_dlq(g, o, true, [&](DlqContext& c) {
    DlqRetryInput in;
    in.setup = c.setup.get();
    in.tuning = o.tuning;
    in.path = c.path;
    in.entries = c.entries;
    in.selected = [&o](const DeadLetter& d) { return selected(d, o); };
    install_stop_signals();
    auto r = retry_dead_letters(g, in, c.console);
    if (!r.tried) return r.exit_code;
    if (auto st = write_dead_letters(c.path, r.keep); !st) {
      c.console.error(st.error().message);
      return exit_code::kPartial;
    }
    // Entries that remain make the run partial: said before the report, so --json carries
    // the exit code the process ends with.
    int code = r.exit_code;
    if (code == exit_code::kOk && !r.keep.empty()) code = exit_code::kPartial;
    if (g.json) {
      std::string s;
      JsonWriter w(s);
      w.begin_object().envelope("dlq retry", exit_code::result_word(code), code);
      w.key("path").value(c.path).key("delivered").value(static_cast<uint64_t>(r.delivered));
      w.key("failed").value(static_cast<uint64_t>(r.failed_again)).key("remaining").value(static_cast<uint64_t>(r.keep.size()));
      w.end_object();
      std::cout << s << std::endl;
    }
    c.console.info("dlq retry: " + std::to_string(r.delivered) + " delivered, " + std::to_string(r.failed_again) +
                   " failed again; " + std::to_string(r.keep.size()) + " remain in " + c.path);
    return code;
  });
}

}  // namespace memconn
