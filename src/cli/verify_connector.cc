// `memconn verify --connector NAME`: a connector's state keeps only a cursor and a bounded
// window of recent ids, so it cannot list what the target should hold. The source can:
// read it again from the beginning (read-only), keep what the connector's runs have
// covered (created at or before the committed cursor, or remembered by id), build each
// record's document exactly as a run does (make_connector_item), and compare with the
// target's listing. --repair re-sends through a connector run limited to what is missing
// or stale, so the state, dead letters and run history stay right.
#include <iostream>
#include <unordered_set>

#include "cli/console.h"
#include "cli/verify.h"
#include "cli/verify_compare.h"
#include "cli/verify_report.h"
#include "config/connector_template.h"
#include "connectors/context.h"
#include "connectors/cursor.h"
#include "connectors/executor.h"
#include "connectors/record_item.h"
#include "base/exit_codes.h"
#include "ingest/expected_documents.h"
#include "sources/transform.h"
#include "state/lock_file.h"
#include "state/state.h"
#include "targets/registry.h"

namespace memconn {

namespace {

class VerifyConnector {
 public:
  VerifyConnector(const GlobalOptions& g, const VerifyOptions& o) : g_(g), o_(o) {}
  int run();

 private:
  Status prepare();
  Status collect_expected();
  void name_documents(Target* repair);
  void repair();
  int resend();
  Diagnostics& console() { return *ctx_->console; }

  const GlobalOptions& g_;
  const VerifyOptions& o_;
  std::unique_ptr<ConnectorContext> ctx_;
  const ConnectorConfig* conn_ = nullptr;
  const SourceConfig* src_ = nullptr;
  const TargetConfig* tgt_ = nullptr;
  Tuning tuning_;
  std::string source_key_;
  std::unique_ptr<Target> target_;
  std::optional<TextTemplate> tmpl_;
  std::string cursor_;
  std::vector<SourceRecord> records_;  // the source's answer, kept for the naming pass
  ExpectedDocuments expected_;
  VerifyReport r_;
};

Status VerifyConnector::prepare() {
  const auto& in = o_.ingest;
  if (!in.inputs.empty())
    return Error{"verify: give either input paths or --connector NAME, not both (the connector names its own source)",
                 exit_code::kUsage};
  if (in.async || in.wait || in.wait_timeout || !in.dead_letter.empty())
    return Error{"--async, --wait, --wait-timeout and --dead-letter do not apply to verify --connector "
                 "(a repair is a connector run: dead letters go beside the state file)",
                 exit_code::kUsage};
  auto ctx = load_connector_context(g_, true, new_console(g_));
  if (!ctx) return ctx.error();
  ctx_ = std::move(*ctx);
  auto conn = find_connector(ctx_->cfg, o_.connector);
  if (!conn) return conn.error();
  conn_ = *conn;
  src_ = &ctx_->cfg.sources.at(conn_->source);
  tgt_ = &ctx_->cfg.targets.at(conn_->target);
  auto t = resolve_tuning(in.tuning, ctx_->cfg.defaults);
  if (!t) return t.error();
  tuning_ = *t;
  auto sk = resolve_section_key(ctx_->cfg, "sources." + src_->name, src_->line, src_->api_key, src_->api_key_file);
  if (!sk) return sk.error();
  source_key_ = *sk;
  auto spec = configured_target_spec(ctx_->cfg, *tgt_);
  if (!spec) return spec.error();
  target_ = make_target(std::move(*spec), target_env(tuning_, nullptr, console()));
  if (conn_->transform == TransformKind::kTemplate) {
    auto tp = parse_connector_template(conn_->template_text);
    if (!tp)
      return Error{ctx_->cfg.path + ":" + std::to_string(conn_->line) + ": connectors." + conn_->name +
                       ".template: " + tp.error().message,
                   exit_code::kConfig};
    tmpl_ = std::move(*tp);
  }
  r_.origin = "the source";
  return ok_status();
}

// Everything the connector's runs have covered: records created at or before the committed
// cursor, and records the state remembers by id (settled ahead of the cursor, or untimed).
// Newer ones are the next sync's work, counted apart. Blank texts are never sent.
Status VerifyConnector::collect_expected() {
  auto state = load_state(ctx_->paths.state);
  if (!state) return state.error();
  std::unordered_set<std::string> remembered;
  if (auto it = state->connectors.find(conn_->name); it != state->connectors.end()) {
    cursor_ = it->second.cursor;
    for (const auto& s : it->second.recent_ids) remembered.insert(s.id);
  }
  auto cursor = parse_iso8601(cursor_);

  HttpOptions http = connector_http_options(tuning_, src_->ca_file);
  http.timeout = src_->timeout.value_or(tuning_.timeout);
  http.accept_compressed = true;
  HttpClient client(http, nullptr);
  auto source = open_connector_source(*src_, source_key_, client, tuning_.retries, console());
  FetchPlan plan;  // what trigger --full asks for: everything, from the beginning
  plan.now = ctx_->clock->now();
  plan.overlap = conn_->overlap;
  plan.first_range = "all";
  auto fetched = source->fetch(plan);
  if (!fetched) return Error{"connector " + conn_->name + ": " + fetched.error().message, fetched.error().exit_code};
  for (const auto& w : fetched->warnings) console().warn("connector " + conn_->name + ": " + w);
  if (fetched->truncated) {
    console().error("connector " + conn_->name + ": the source's answer was cut short (" + fetched->request_summary +
                    "): what lies beyond it was not checked");
    ++r_.input_problems;
  }

  RenderContext rctx{conn_, src_, tmpl_ ? &*tmpl_ : nullptr};
  for (auto& rec : fetched->records) {
    if (is_blank_text(rec.text)) continue;
    bool covered = remembered.count(rec.id) > 0 || (cursor && rec.time && *rec.time <= *cursor);
    if (!covered) {
      ++r_.not_synced;
      continue;
    }
    Item it = make_connector_item(*target_, rctx, rec);
    if (auto key = target_->identity_key(it.content)) expected_.add(it.document_id, *key);
    else expected_.add_unchecked(it.document_id);
    records_.push_back(std::move(rec));
  }
  expected_.seal();
  r_.expected = expected_.size();
  return ok_status();
}

// The records are still in memory: name the documents that need naming. With --repair,
// Hindsight documents without memory units are sent for reprocessing as they are found.
void VerifyConnector::name_documents(Target* repair) {
  RenderContext rctx{conn_, src_, tmpl_ ? &*tmpl_ : nullptr};
  for (const auto& rec : records_)
    name_document(Named{make_connector_item(*target_, rctx, rec).document_id, "", 0, rec.id}, expected_, r_,
                  o_.list_limit, repair, console());
}

// The target's own repairs: Hindsight retries its failed operations, LightRAG indexes its
// failed documents again. Then the missing and stale documents are re-sent.
void VerifyConnector::repair() {
  r_.repaired = true;
  repair_target(*target_, r_, console());
  r_.resend = r_.missing + r_.stale;
  if (r_.resend > 0) r_.resend_exit_code = resend();
}

// A connector run that sends only what verify found missing (as new) or stale (as an
// edit), under the state lock like any other run.
int VerifyConnector::resend() {
  auto lock = FileLock::acquire(ctx_->paths.lock, false);
  if (!lock) {
    console().error(lock.error().message);
    return lock.error().exit_code;
  }
  auto state = load_state(ctx_->paths.state);
  if (!state) {
    console().error(state.error().message);
    return state.error().exit_code;
  }
  console().info("repair: re-sending " + std::to_string(r_.resend) + " documents through connector " + conn_->name);
  ConnectorExecutor exec(*ctx_, tuning_, g_.verbose);
  ExecOptions opt;
  opt.full = true;
  opt.command = "verify --repair";
  opt.only = [this](const std::string& document_id) {
    uint8_t f = expected_.flags(document_id);
    if (f == 0) return RepairAction::Skip;  // not covered yet: the next sync's work
    if (!(f & ExpectedDocuments::kPresent)) return RepairAction::Resend;
    return (f & ExpectedDocuments::kStale) ? RepairAction::Replace : RepairAction::Skip;
  };
  const std::string& path = ctx_->paths.state;
  auto rep = exec.run(*conn_, state->connectors[conn_->name], opt, [&] { return save_state(path, *state); });
  if (exec.dead_letters_written() && !g_.quiet)
    console().info("dead letters in " + ctx_->paths.dead_letter + " (memconn dlq list)");
  return rep.exit_code;
}

int VerifyConnector::run() {
  if (auto st = prepare(); !st) {
    if (ctx_) console().error(st.error().message);
    else make_console(g_).error(st.error().message);
    return st.error().exit_code;
  }
  if (auto st = collect_expected(); !st) {
    console().error(st.error().message);
    return st.error().exit_code;
  }
  if (auto st = compare_target(*target_, o_.page_size, o_.list_limit, console(), expected_, r_); !st) {
    console().error(st.error().message);
    return st.error().exit_code;
  }
  if (r_.missing + r_.stale + r_.empty > 0) name_documents(o_.repair ? target_.get() : nullptr);
  if (o_.repair) repair();
  std::string url = url_without_credentials(tgt_->url);
  if (g_.json) {
    std::cout << verify_report_json(r_, r_.exit_code(o_.repair), [&](JsonWriter& w) {
      w.key("connector").value(conn_->name).key("target").value(target_kind_name(tgt_->kind));
      w.key("url").value(url);
      if (!tgt_->bank.empty()) w.key("bank").value(tgt_->bank);
      w.key("cursor").value(cursor_);
    }) << std::endl;
  } else {
    print_verify_report(std::cout, "connector " + conn_->name + " -> " + target_->describe() + " (cursor " +
                                       (cursor_.empty() ? std::string("none: never synced") : cursor_) + ")",
                        r_, o_.list_limit);
  }
  return r_.exit_code(o_.repair);
}

}  // namespace

int run_verify_connector(const GlobalOptions& g, const VerifyOptions& o) {
  VerifyConnector v(g, o);
  return v.run();
}

}  // namespace memconn
