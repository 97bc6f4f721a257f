#include "cli/verify.h"

#include <iostream>

#include "cli/console.h"
#include "core/exit_codes.h"
#include "core/expected_documents.h"
#include "core/input_items.h"
#include "core/json_writer.h"
#include "targets/hindsight.h"
#include "targets/hindsight_inventory.h"

namespace memconn {

namespace {

struct Named {
  std::string id, source;
  uint64_t line = 0;
};

struct VerifyReport {
  uint64_t expected = 0, present = 0, missing = 0, stale = 0, empty = 0, extra = 0, unchecked = 0;
  std::vector<Named> missing_docs, stale_docs, empty_docs;
  std::vector<std::string> extra_docs;
  std::vector<RemoteOperation> failed_ops, open_ops;
  uint64_t bad_lines = 0;
  int input_problems = 0;
  bool truncated = false;  // some category had more ids than --list-limit
  // --repair
  bool repaired = false;
  uint64_t resend = 0, reprocessed = 0, retried = 0, repair_errors = 0;
  int resend_exit_code = 0;

  bool complete() const {
    return missing == 0 && stale == 0 && empty == 0 && failed_ops.empty() && open_ops.empty() && bad_lines == 0 &&
           input_problems == 0;
  }
};

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
  void print() const;
  std::string json() const;

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
  HindsightEndpoint ep{hs_.url, hs_.bank};
  uint64_t listed = 0;
  auto st = list_documents(client, ep, o_.page_size, [&](const RemoteDocument& d) {
    if (++listed % 10000 == 0) console_.progress("listing documents: " + std::to_string(listed));
    switch (expected_.mark_present(d.id, d.content_hash)) {
      case ExpectedDocuments::Match::Unexpected:
        ++r_.extra;
        if (r_.extra_docs.size() < static_cast<size_t>(o_.list_limit)) r_.extra_docs.emplace_back(d.id);
        else r_.truncated = true;
        return;
      case ExpectedDocuments::Match::Unchecked: ++r_.unchecked; break;
      default: break;
    }
    if (d.memory_unit_count == 0) expected_.set_flag(d.id, ExpectedDocuments::kEmpty);
  });
  console_.clear_progress();
  if (!st) return st;
  auto ops = list_open_operations(client, ep);
  if (!ops) return ops.error();
  for (auto& op : *ops) (op.status == "failed" ? r_.failed_ops : r_.open_ops).push_back(std::move(op));
  r_.missing = expected_.missing();
  r_.present = r_.expected - r_.missing;
  r_.stale = expected_.count(ExpectedDocuments::kStale);
  r_.empty = expected_.count(ExpectedDocuments::kEmpty);
  return ok_status();
}

// Second pass over the inputs: the ids were kept only as digests, so the inputs name the
// documents that are missing, stale or empty (and where they are). With --repair, empty
// documents are sent for reprocessing as they are found.
void Verify::name_documents(HttpClient* repair_client) {
  HindsightEndpoint ep{hs_.url, hs_.bank};
  size_t limit = static_cast<size_t>(o_.list_limit);
  auto keep = [&](std::vector<Named>& into, const Item& item) {
    if (into.size() >= limit) {
      r_.truncated = true;
      return;
    }
    into.push_back(Named{item.document_id, inputs_.sources[item.origin.source].display, item.origin.line});
  };
  NullDiagnostics quiet;  // bad lines were reported by the first pass
  read_items(inputs_, read_opts_, quiet, [&](Item& item) {
    uint8_t f = expected_.flags(item.document_id);
    if (f == 0 || (f & ExpectedDocuments::kNamed)) return true;
    expected_.set_flag(item.document_id, ExpectedDocuments::kNamed);
    if (!(f & ExpectedDocuments::kPresent)) keep(r_.missing_docs, item);
    if (f & ExpectedDocuments::kStale) keep(r_.stale_docs, item);
    if ((f & ExpectedDocuments::kEmpty) && !(f & ExpectedDocuments::kStale)) {
      keep(r_.empty_docs, item);
      if (repair_client) {
        if (auto st = reprocess_document(*repair_client, ep, item.document_id); st) ++r_.reprocessed;
        else {
          console_.error(st.error().message);
          ++r_.repair_errors;
        }
      }
    }
    return true;
  });
}

int Verify::repair(HttpClient& client) {
  r_.repaired = true;
  HindsightEndpoint ep{hs_.url, hs_.bank};
  for (const auto& op : r_.failed_ops) {
    if (auto st = retry_operation(client, ep, op.id); st) ++r_.retried;
    else {
      console_.error(st.error().message);
      ++r_.repair_errors;
    }
  }
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
  if (g_.json) std::cout << json() << std::endl;
  else print();
  if (o_.repair) {
    if (r_.resend_exit_code != exit_code::kOk) return r_.resend_exit_code;
    return r_.repair_errors > 0 || !r_.open_ops.empty() ? exit_code::kPartial : exit_code::kOk;
  }
  return r_.complete() ? exit_code::kOk : exit_code::kPartial;
}

std::string where(const Named& n) { return n.source + ":" + std::to_string(n.line); }

void Verify::print() const {
  auto& out = std::cout;
  out << "bank " << hs_.bank << " at " << url_without_credentials(hs_.url) << "\n";
  out << "  expected  " << r_.expected << "\n";
  out << "  present   " << r_.present << "\n";
  out << "  missing   " << r_.missing << "\n";
  out << "  stale     " << r_.stale << "   (content differs from the inputs)\n";
  out << "  empty     " << r_.empty << "   (no memory units: recall will never find them)\n";
  out << "  extra     " << r_.extra << "   (on the server, not in the inputs; information only)\n";
  if (r_.unchecked) out << "  unchecked " << r_.unchecked << "   (no comparable content hash)\n";
  out << "  operations: " << r_.failed_ops.size() << " failed, " << r_.open_ops.size() << " not finished\n";
  for (const auto& n : r_.missing_docs) out << "missing " << n.id << "  " << where(n) << "\n";
  for (const auto& n : r_.stale_docs) out << "stale   " << n.id << "  " << where(n) << "\n";
  for (const auto& n : r_.empty_docs) out << "empty   " << n.id << "  " << where(n) << "\n";
  for (const auto& id : r_.extra_docs) out << "extra   " << id << "\n";
  for (const auto& op : r_.failed_ops)
    out << "failed operation " << op.id << " (" << op.task_type << ", created " << op.created_at << ")"
        << (op.error.empty() ? "" : ": " + op.error) << "\n";
  for (const auto& op : r_.open_ops)
    out << op.status << " operation " << op.id << " (" << op.task_type << ", created " << op.created_at << ")\n";
  if (r_.truncated) out << "(lists cut at --list-limit " << o_.list_limit << "; counts are complete)\n";
  if (r_.repaired)
    out << "repair: " << r_.resend << " re-sent (ingest exit " << r_.resend_exit_code << "), " << r_.reprocessed
        << " reprocessed, " << r_.retried << " operations retried, " << r_.repair_errors << " errors\n";
  out << "result: " << (r_.complete() ? "complete" : "incomplete") << (r_.repaired ? " (before the repair)" : "") << "\n";
  out.flush();
}

std::string Verify::json() const {
  std::string s;
  JsonWriter w(s);
  auto named = [&](const char* key, const std::vector<Named>& v) {
    w.key(key).begin_array();
    for (const auto& n : v)
      w.begin_object().key("document_id").value(n.id).key("source").value(n.source).key("line").value(n.line).end_object();
    w.end_array();
  };
  auto ops = [&](const char* key, const std::vector<RemoteOperation>& v) {
    w.key(key).begin_array();
    for (const auto& op : v) {
      w.begin_object().key("id").value(op.id).key("status").value(op.status).key("task_type").value(op.task_type);
      w.key("created_at").value(op.created_at).key("items_count").value(static_cast<int64_t>(op.items));
      w.key("error");
      if (op.error.empty()) w.null();
      else w.value(op.error);
      w.end_object();
    }
    w.end_array();
  };
  w.begin_object().key("result").value(r_.complete() ? "complete" : "incomplete");
  w.key("target").value("hindsight").key("url").value(url_without_credentials(hs_.url)).key("bank").value(hs_.bank);
  w.key("expected").value(r_.expected).key("present").value(r_.present).key("missing").value(r_.missing);
  w.key("stale").value(r_.stale).key("empty").value(r_.empty).key("extra").value(r_.extra);
  w.key("unchecked").value(r_.unchecked).key("bad_lines").value(r_.bad_lines);
  w.key("input_problems").value(r_.input_problems);
  named("missing_documents", r_.missing_docs);
  named("stale_documents", r_.stale_docs);
  named("empty_documents", r_.empty_docs);
  w.key("extra_documents").begin_array();
  for (const auto& id : r_.extra_docs) w.value(id);
  w.end_array();
  ops("failed_operations", r_.failed_ops);
  ops("open_operations", r_.open_ops);
  w.key("truncated").value(r_.truncated).key("repair");
  if (!r_.repaired) {
    w.null();
  } else {
    w.begin_object().key("resent").value(r_.resend).key("ingest_exit_code").value(r_.resend_exit_code);
    w.key("reprocessed").value(r_.reprocessed).key("operations_retried").value(r_.retried);
    w.key("errors").value(r_.repair_errors).end_object();
  }
  w.end_object();
  return s;
}

}  // namespace

int run_verify(const GlobalOptions& g, const VerifyOptions& o) {
  Console console = make_console(g);
  Verify v(g, o, console);
  return v.run();
}

}  // namespace memconn
