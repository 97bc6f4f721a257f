// What `memconn verify` expects a target to hold for some inputs, built the way ingest sends
// them: a plain item under its own content-hash id; a document (items with their own id) once,
// its parts folded into its whole text, minus the parts the target refused before (the
// document index says which); a chat export's conversations as the documents ingest makes.
// Each goes in as the target's identity of its text (Target::identity_key), or unchecked
// where the target cannot predict one.
#pragma once
#include <cstdint>

#include "base/diagnostics.h"
#include "ingest/expected_documents.h"
#include "ingest/input_items.h"
#include "ingest/options.h"
#include "state/doc_index.h"
#include "targets/target.h"

namespace memconn {

struct ExpectedSummary {
  uint64_t bad_lines = 0;  // lines that are not items (each reported)
  int input_problems = 0;  // inputs or documents that could not be read (each reported)
};

// Text inputs (lines, paragraphs, JSONL, --unit file). `index` may be null (no state yet).
ExpectedSummary expect_inputs(const InputSet& inputs, const ItemReadOptions& options, const Target& target,
                              DocIndex* index, Diagnostics& console, ExpectedDocuments& out);

// Chat exports read with the ingest options `o`.
ExpectedSummary expect_exports(const IngestOptions& o, const Target& target, Diagnostics& console,
                               ExpectedDocuments& out);

}  // namespace memconn
