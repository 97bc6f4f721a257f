#include "cli/verify_report.h"

#include <ostream>

#include "base/exit_codes.h"

namespace memconn {

namespace {

std::string where(const Named& n) {
  if (!n.record_id.empty()) return "record " + n.record_id;
  return n.source + ":" + std::to_string(n.line);
}

}  // namespace

int VerifyReport::exit_code(bool repair) const {
  if (!repair) return complete() ? exit_code::kOk : exit_code::kPartial;
  if (resend_exit_code != exit_code::kOk) return resend_exit_code;
  return repair_errors > 0 || !open_ops.empty() || docs_open > 0 ? exit_code::kPartial : exit_code::kOk;
}

void print_verify_report(std::ostream& out, const std::string& heading, const VerifyReport& r, int list_limit) {
  out << heading << "\n";
  out << "  expected  " << r.expected << "\n";
  out << "  present   " << r.present << "\n";
  out << "  missing   " << r.missing << "\n";
  out << "  stale     " << r.stale << "   (content differs from " << r.origin << ")\n";
  out << "  empty     " << r.empty << "   (no memory units: recall will never find them)\n";
  out << "  extra     " << r.extra << "   (on the server, not in " << r.origin << "; information only)\n";
  if (r.not_synced) out << "  not synced " << r.not_synced << "  (newer than the connector's cursor: the next sync sends them)\n";
  if (r.unchecked) out << "  unchecked " << r.unchecked << "   (no comparable content hash)\n";
  if (r.document_states)
    out << "  documents: " << r.docs_failed << " failed to index, " << r.docs_open << " not indexed yet\n";
  else
    out << "  operations: " << r.failed_ops.size() << " failed, " << r.open_ops.size() << " not finished\n";
  for (const auto& n : r.missing_docs) out << "missing " << n.id << "  " << where(n) << "\n";
  for (const auto& n : r.stale_docs) out << "stale   " << n.id << "  " << where(n) << "\n";
  for (const auto& n : r.empty_docs) out << "empty   " << n.id << "  " << where(n) << "\n";
  for (const auto& id : r.extra_docs) out << "extra   " << id << "\n";
  for (const auto& op : r.failed_ops)
    out << "failed operation " << op.id << " (" << op.task_type << ", created " << op.created_at << ")"
        << (op.error.empty() ? "" : ": " + op.error) << "\n";
  for (const auto& op : r.open_ops)
    out << op.status << " operation " << op.id << " (" << op.task_type << ", created " << op.created_at << ")\n";
  for (const auto& d : r.failed_docs)
    out << "failed  " << d.document_id << " (" << d.server_id << ")" << (d.error.empty() ? "" : ": " + d.error) << "\n";
  for (const auto& d : r.open_docs) out << d.status << " " << d.document_id << " (" << d.server_id << ")\n";
  if (r.truncated) out << "(lists cut at --list-limit " << list_limit << "; counts are complete)\n";
  if (r.repaired)
    out << "repair: " << r.resend << " re-sent (exit " << r.resend_exit_code << "), " << r.reprocessed
        << " reprocessed, " << r.retried << " operations retried, " << r.repair_errors << " errors\n";
  out << "result: " << (r.complete() ? "complete" : "incomplete") << (r.repaired ? " (before the repair)" : "") << "\n";
  out.flush();
}

std::string verify_report_json(const VerifyReport& r, int exit_code, const std::function<void(JsonWriter&)>& where_fields) {
  std::string s;
  JsonWriter w(s);
  auto named = [&](const char* key, const std::vector<Named>& v) {
    w.key(key).begin_array();
    for (const auto& n : v) {
      w.begin_object().key("document_id").value(n.id);
      if (!n.record_id.empty()) w.key("record_id").value(n.record_id);
      else w.key("source").value(n.source).key("line").value(n.line);
      w.end_object();
    }
    w.end_array();
  };
  auto nullable = [&](const std::string& v) {
    if (v.empty()) w.null();
    else w.value(v);
  };
  auto ops = [&](const char* key, const std::vector<TargetOperation>& v) {
    w.key(key).begin_array();
    for (const auto& op : v) {
      w.begin_object().key("id").value(op.id).key("status").value(op.status).key("task_type").value(op.task_type);
      w.key("created_at").value(op.created_at).key("items_count").value(static_cast<int64_t>(op.items));
      w.key("error");
      nullable(op.error);
      w.end_object();
    }
    w.end_array();
  };
  auto docs = [&](const char* key, const std::vector<TargetDocument>& v) {
    w.key(key).begin_array();
    for (const auto& d : v) {
      w.begin_object().key("document_id").value(d.document_id).key("server_id").value(d.server_id);
      w.key("status").value(d.status).key("created_at").value(d.created_at).key("track_id");
      nullable(d.track_id);
      w.key("error");
      nullable(d.error);
      w.end_object();
    }
    w.end_array();
  };
  w.begin_object().envelope("verify", r.complete() ? "complete" : "incomplete", exit_code);
  where_fields(w);
  w.key("expected").value(r.expected).key("present").value(r.present).key("missing").value(r.missing);
  w.key("stale").value(r.stale).key("empty").value(r.empty).key("extra").value(r.extra);
  w.key("unchecked").value(r.unchecked).key("bad_lines").value(r.bad_lines);
  w.key("input_problems").value(r.input_problems);
  w.key("documents_failed").value(r.docs_failed).key("documents_open").value(r.docs_open);
  w.key("not_synced").value(r.not_synced);
  named("missing_documents", r.missing_docs);
  named("stale_documents", r.stale_docs);
  named("empty_documents", r.empty_docs);
  w.key("extra_documents").begin_array();
  for (const auto& id : r.extra_docs) w.value(id);
  w.end_array();
  ops("failed_operations", r.failed_ops);
  ops("open_operations", r.open_ops);
  docs("failed_documents", r.failed_docs);
  docs("open_documents", r.open_docs);
  w.key("truncated").value(r.truncated).key("repair");
  if (!r.repaired) {
    w.null();
  } else {
    w.begin_object().key("resent").value(r.resend).key("ingest_exit_code").value(r.resend_exit_code);
    w.key("reprocessed").value(r.reprocessed).key("operations_retried").value(r.retried);
    w.key("errors").value(r.repair_errors).end_object();
  }
  w.end_object();
  return s;
}

}  // namespace memconn
