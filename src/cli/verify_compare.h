// Folds a target's listing into the expected documents and the report: which are present,
// stale, empty, failed or still in the target's pipeline, and which listed ones nobody
// expected; then names them and asks the target for its own repairs. Shared by the path
// verify and verify --connector, for every kind of target.
#pragma once
#include <string>

#include "base/diagnostics.h"
#include "cli/verify_report.h"
#include "ingest/expected_documents.h"
#include "targets/target.h"

namespace memconn {

// Lists every document of the target (and its open or failed operations) into the report.
Status compare_target(Target& target, int page_size, int list_limit, Diagnostics& console, ExpectedDocuments& expected,
                      VerifyReport& r);

// The naming pass, once per expected document (later repeats of an id are ignored): puts it
// in the report's missing/stale/empty lists (up to list_limit). With repair set, a document
// the target holds without result is sent for reprocessing.
void name_document(const Named& doc, ExpectedDocuments& expected, VerifyReport& r, int list_limit, Target* repair,
                   Diagnostics& console);
// --repair: the target's own repairs of what the listing found (failed operations retried,
// failed documents reprocessed).
void repair_target(Target& target, VerifyReport& r, Diagnostics& console);

}  // namespace memconn
