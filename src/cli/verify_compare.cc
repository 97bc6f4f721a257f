#include "cli/verify_compare.h"

#include "base/digest.h"

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

// A document the target has not finished with (failed, or still in its pipeline).
void note_unfinished(VerifyReport& r, const ListedDocument& d, int list_limit) {
  bool failed = d.state == ListedDocument::State::Failed;
  uint64_t& count = failed ? r.docs_failed : r.docs_open;
  auto& list = failed ? r.failed_docs : r.open_docs;
  ++count;
  if (list.size() >= static_cast<size_t>(list_limit)) {
    r.truncated = true;
    return;
  }
  list.push_back(TargetDocument{std::string(d.id), std::string(d.server_id), std::string(d.status),
                                std::string(d.created_at), std::string(d.track_id), std::string(d.error)});
}

// Errors whose exit code is 0 say the kind has no such call: not a failed repair.
void count_repair(const Status& st, uint64_t& done, VerifyReport& r, Diagnostics& console) {
  if (st) {
    ++done;
  } else if (st.error().exit_code != 0) {
    console.error(st.error().message);
    ++r.repair_errors;
  }
}

}  // namespace

Status compare_target(Target& target, int page_size, int list_limit, Diagnostics& console, ExpectedDocuments& expected,
                      VerifyReport& r) {
  r.document_states = target.tracks_documents();
  uint64_t listed = 0;
  auto st = target.list_documents(page_size, [&](const ListedDocument& d) {
    progress(console, listed);
    auto match = expected.mark_present(d.id, d.identity);
    if (match == ExpectedDocuments::Match::Unexpected)
      return note_extra(r, d.id.empty() ? d.server_id : d.id, list_limit);
    switch (d.state) {
      case ListedDocument::State::Present:
      case ListedDocument::State::Empty:
        if (match == ExpectedDocuments::Match::Unchecked) ++r.unchecked;
        if (d.state == ListedDocument::State::Empty) expected.set_flag(d.id, ExpectedDocuments::kEmpty);
        break;
      case ListedDocument::State::Failed:
      case ListedDocument::State::Open: note_unfinished(r, d, list_limit); break;
    }
  });
  console.clear_progress();
  if (!st) return st;
  auto ops = target.open_operations();
  if (!ops) return ops.error();
  for (auto& op : *ops) (op.status == "failed" ? r.failed_ops : r.open_ops).push_back(std::move(op));
  count_flags(expected, r);
  return ok_status();
}

void name_document(const Named& doc, ExpectedDocuments& expected, VerifyReport& r, int list_limit, Target* repair,
                   Diagnostics& console) {
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
  if (repair) count_repair(repair->reprocess_document(doc.id), r.reprocessed, r, console);
}

void repair_target(Target& target, VerifyReport& r, Diagnostics& console) {
  for (const auto& op : r.failed_ops) count_repair(target.retry_operation(op.id), r.retried, r, console);
  if (r.docs_failed > 0) {
    uint64_t asked = 0;
    count_repair(target.reprocess_failed(), asked, r, console);
    if (asked) r.reprocessed += r.docs_failed;
  }
}

}  // namespace memconn
