#include "cli/verify_compare.h"

#include "base/digest.h"
#include "targets/hindsight_inventory.h"
#include "targets/lightrag_inventory.h"

namespace memconn {

namespace {

void note_extra(VerifyReport& r, std::string_view id, int list_limit) {
  ++r.extra;
  if (r.extra_docs.size() < static_cast<size_t>(list_limit)) r.extra_docs.emplace_back(id);
  else r.truncated = true;
}

void count_flags(const ExpectedDocuments& expected, VerifyReport& r) {
  r.missing = expected.missing();
  r.present = r.expected - r.missing;
  r.stale = expected.count(ExpectedDocuments::kStale);
  r.empty = expected.count(ExpectedDocuments::kEmpty);
}

void progress(Diagnostics& console, uint64_t& listed) {
  if (++listed % 10000 == 0) console.progress("listing documents: " + std::to_string(listed));
}

}  // namespace

Status compare_hindsight_bank(HttpClient& client, const HindsightEndpoint& ep, int page_size, int list_limit,
                              Diagnostics& console, ExpectedDocuments& expected, VerifyReport& r) {
  uint64_t listed = 0;
  auto st = list_documents(client, ep, page_size, [&](const RemoteDocument& d) {
    progress(console, listed);
    switch (expected.mark_present(d.id, d.content_hash)) {
      case ExpectedDocuments::Match::Unexpected: return note_extra(r, d.id, list_limit);
      case ExpectedDocuments::Match::Unchecked: ++r.unchecked; break;
      default: break;
    }
    if (d.memory_unit_count == 0) expected.set_flag(d.id, ExpectedDocuments::kEmpty);
  });
  console.clear_progress();
  if (!st) return st;
  auto ops = list_open_operations(client, ep);
  if (!ops) return ops.error();
  for (auto& op : *ops) (op.status == "failed" ? r.failed_ops : r.open_ops).push_back(std::move(op));
  count_flags(expected, r);
  return ok_status();
}

Sha256 lightrag_length_key(size_t content_length) { return sha256("content_length:" + std::to_string(content_length)); }

Status compare_lightrag_documents(HttpClient& client, const std::string& base_url, int page_size, int list_limit,
                                  Diagnostics& console, ExpectedDocuments& expected, VerifyReport& r) {
  uint64_t listed = 0;
  auto st = list_lightrag_documents(client, base_url, page_size, [&](const LightragDocument& d) {
    progress(console, listed);
    // Only a finished document has its final content_length worth comparing.
    std::string key;
    if (d.status == "processed" && d.content_length >= 0) {
      auto k = lightrag_length_key(static_cast<size_t>(d.content_length));
      key = to_hex(k.data(), k.size());
    }
    auto match = expected.mark_present(d.file_path, key);
    if (match == ExpectedDocuments::Match::Unexpected) return note_extra(r, d.file_path.empty() ? d.id : d.file_path, list_limit);
    if (d.status == "processed") {
      if (match == ExpectedDocuments::Match::Unchecked) ++r.unchecked;
      return;
    }
    bool failed = d.status == "failed";
    uint64_t& count = failed ? r.docs_failed : r.docs_open;
    auto& list = failed ? r.failed_docs : r.open_docs;
    ++count;
    if (list.size() >= static_cast<size_t>(list_limit)) {
      r.truncated = true;
      return;
    }
    list.push_back(TargetDocument{std::string(d.file_path), std::string(d.id), std::string(d.status),
                                  std::string(d.created_at), std::string(d.track_id), std::string(d.error)});
  });
  console.clear_progress();
  if (!st) return st;
  count_flags(expected, r);
  return ok_status();
}

void name_document(const Named& doc, ExpectedDocuments& expected, VerifyReport& r, int list_limit,
                   HttpClient* repair_client, const HindsightEndpoint& ep, Diagnostics& console) {
  uint8_t f = expected.flags(doc.id);
  if (f == 0 || (f & ExpectedDocuments::kNamed)) return;
  expected.set_flag(doc.id, ExpectedDocuments::kNamed);
  auto keep = [&](std::vector<Named>& into) {
    if (into.size() >= static_cast<size_t>(list_limit)) r.truncated = true;
    else into.push_back(doc);
  };
  if (!(f & ExpectedDocuments::kPresent)) keep(r.missing_docs);
  if (f & ExpectedDocuments::kStale) keep(r.stale_docs);
  if (!(f & ExpectedDocuments::kEmpty) || (f & ExpectedDocuments::kStale)) return;
  keep(r.empty_docs);
  if (!repair_client) return;
  if (auto st = reprocess_document(*repair_client, ep, doc.id); st) {
    ++r.reprocessed;
  } else {
    console.error(st.error().message);
    ++r.repair_errors;
  }
}

void retry_failed_operations(HttpClient& client, const HindsightEndpoint& ep, VerifyReport& r, Diagnostics& console) {
  for (const auto& op : r.failed_ops) {
    if (auto st = retry_operation(client, ep, op.id); st) {
      ++r.retried;
    } else {
      console.error(st.error().message);
      ++r.repair_errors;
    }
  }
}

}  // namespace memconn
