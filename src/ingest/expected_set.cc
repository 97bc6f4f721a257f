#include "ingest/expected_set.h"

#include <filesystem>

#include "ingest/documents.h"
#include "ingest/export_import.h"

namespace memconn {

namespace {
void expect(const Target& target, const Item& it, ExpectedDocuments& out) {
  if (auto key = target.identity_key(it.content)) out.add(it.document_id, *key);
  else out.add_unchecked(it.document_id);
}
}  // namespace

ExpectedSummary expect_inputs(const InputSet& inputs, const ItemReadOptions& options, const Target& target,
                              DocIndex* index, Diagnostics& console, ExpectedDocuments& out) {
  ExpectedSummary sum;
  // Parts wait on disk, as in an ingest run; the book folds them into each document's text.
  auto spool = PartSpool::open(std::filesystem::temp_directory_path().string());
  if (!spool) {
    console.error(spool.error().message);
    ++sum.input_problems;
    return sum;
  }
  DocumentBook docs(std::move(*spool), target);
  auto read = read_items(inputs, options, console, [&](Item& item) {
    if (item.explicit_id) {
      // Files by the name an ingest run records them under (the index's too).
      std::error_code ec;
      const auto& path = inputs.sources[item.origin.source].path;
      auto file = path == "-" ? path : std::filesystem::absolute(path, ec).lexically_normal().string();
      return static_cast<bool>(docs.add(file, item, false));
    }
    expect(target, item, out);
    return true;
  });
  sum.bad_lines = read.bad_lines;
  sum.input_problems += read.input_problems;
  if (index) {
    std::vector<std::string> ids;
    (void)docs.for_each_document([&](const Item& doc) { ids.push_back(doc.document_id); });
    for (const auto& id : ids)
      if (auto entry = index->find(target.label(), id); entry)
        for (const auto& [file, line] : entry->excluded) docs.exclude(id, file, line);
  }
  if (auto st = docs.for_each_document([&](const Item& doc) { expect(target, doc, out); }); !st) {
    console.error(st.error().message);
    ++sum.input_problems;
  }
  return sum;
}

ExpectedSummary expect_exports(const IngestOptions& o, const Target& target, Diagnostics& console,
                               ExpectedDocuments& out) {
  // One document per conversation, its whole text as ingest sends it.
  ExpectedSummary sum;
  sum.input_problems = for_each_export_conversation(o, console, [&](Item& it, const std::string&, uint64_t) {
    expect(target, it, out);
  });
  return sum;
}

}  // namespace memconn
