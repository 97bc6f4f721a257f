#include "cli/verify.h"

#include <iostream>

#include "cli/console.h"
#include "cli/verify_compare.h"
#include "base/exit_codes.h"
#include "ingest/expected_documents.h"
#include "ingest/input_items.h"
#include "targets/hindsight.h"

namespace memconn {

namespace {

class Verify {
 public:
  Verify(const GlobalOptions& g, const VerifyOptions& o, Console& console) : g_(g), o_(o), console_(console) {}
  int run();

 private:
  Status prepare();
  void collect_expected();
  Status read_server(HttpClient& client);
  void name_documents(HttpClient* repair_client);
  int repair(HttpClient& client);

  const GlobalOptions& g_;
  const VerifyOptions& o_;
  Console& console_;
  EnvLookup env_ = process_env();
  Config cfg_;
  HindsightSettings hs_;
  Tuning tuning_;
  InputSet inputs_;
  ItemReadOptions read_opts_;
  ExpectedDocuments expected_;
  VerifyReport r_;
};

Status Verify::prepare() {
  auto cfg = load_settings_config(g_, env_);
  if (!cfg) return cfg.error();
  cfg_ = std::move(*cfg);
  auto hs = resolve_hindsight(g_, cfg_, env_, true);
  if (!hs) return hs.error();
  hs_ = std::move(*hs);
  auto t = resolve_tuning(o_.ingest.tuning, cfg_.defaults);
  if (!t) return t.error();
  tuning_ = *t;
  const auto& in = o_.ingest;
  if (in.inputs.empty()) return Error{"no input given: name the files, directories or - that were ingested", exit_code::kUsage};
  if (!o_.repair && (in.async || in.wait || in.wait_timeout || !in.dead_letter.empty()))
    return Error{"--async, --wait, --wait-timeout and --dead-letter only apply with --repair", exit_code::kUsage};
  if (in.wait && !in.async) return Error{"--wait needs --async", exit_code::kUsage};
  for (const auto& p : in.inputs)
    if (p == "-" && o_.repair)
      return Error{"--repair reads the inputs twice, so it cannot use stdin: save it to a file first", exit_code::kUsage};
  auto ro = resolve_read_options(
      ItemReadOptions{in.format, in.tags, in.context, std::nullopt, !in.finished, in.unit, in.id_prefix, nullptr}, in.map,
      in.content_template);
  if (!ro) return ro.error();
  read_opts_ = std::move(*ro);
  read_opts_.max_line_bytes = static_cast<uint64_t>(tuning_.max_line_bytes);
  if (!in.shard.empty()) {
    auto shard = Shard::parse(in.shard);
    if (!shard) return shard.error();
    read_opts_.shard = *shard;
  }
  inputs_ = expand_inputs(in.inputs, in.glob);
  for (const auto& p : inputs_.problems) console_.error(p);
  r_.input_problems = static_cast<int>(inputs_.problems.size());
  return ok_status();
}

void Verify::collect_expected() {
  auto sum = read_items(inputs_, read_opts_, console_, [&](Item& item) {
    expected_.add(item.document_id, hindsight_content_hash(item.content));
    return true;
  });
  r_.bad_lines = sum.bad_lines;
  r_.input_problems += sum.input_problems;
  expected_.seal();
  r_.expected = expected_.size();
}

Status Verify::read_server(HttpClient& client) {
  return compare_hindsight_bank(client, HindsightEndpoint{hs_.url, hs_.bank}, o_.page_size, o_.list_limit, console_,
                                expected_, r_);
}

// Second pass over the inputs: the ids were kept only as digests, so the inputs name the
// documents that are missing, stale or empty (and where they are). With --repair, empty
// documents are sent for reprocessing as they are found.
void Verify::name_documents(HttpClient* repair_client) {
  HindsightEndpoint ep{hs_.url, hs_.bank};
  NullDiagnostics quiet;  // bad lines were reported by the first pass
  read_items(inputs_, read_opts_, quiet, [&](Item& item) {
    if (expected_.flags(item.document_id) != 0)
      name_document(Named{item.document_id, inputs_.sources[item.origin.source].display, item.origin.line, ""}, expected_,
                    r_, o_.list_limit, repair_client, ep, console_);
    return true;
  });
}

int Verify::repair(HttpClient& client) {
  r_.repaired = true;
  retry_failed_operations(client, HindsightEndpoint{hs_.url, hs_.bank}, r_, console_);
  r_.resend = r_.missing + r_.stale;
  if (r_.resend == 0) return exit_code::kOk;
  IngestOptions in = o_.ingest;
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
  HttpOptions http;
  http.timeout = tuning_.timeout;
  http.connect_timeout = tuning_.connect_timeout;
  http.max_response_bytes = tuning_.max_response_bytes;
  http.user_agent = user_agent();
  http.accept_compressed = true;  // document pages are large and compress well
  http.headers = hindsight_auth_headers(hs_.api_key);
  http.ca_file = hs_.ca_file;
  HttpClient client(http, nullptr);
  if (auto st = read_server(client); !st) {
    console_.error(st.error().message);
    return st.error().exit_code;
  }
  if (r_.missing + r_.stale + r_.empty > 0) name_documents(o_.repair ? &client : nullptr);
  if (o_.repair) r_.resend_exit_code = repair(client);
  if (g_.json) {
    std::cout << verify_report_json(r_, [&](JsonWriter& w) {
      w.key("target").value("hindsight").key("url").value(url_without_credentials(hs_.url)).key("bank").value(hs_.bank);
    }) << std::endl;
  } else {
    print_verify_report(std::cout, "bank " + hs_.bank + " at " + url_without_credentials(hs_.url), r_, o_.list_limit);
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
