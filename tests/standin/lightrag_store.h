// In-memory LightRAG document status store (API 0260 semantics, with the 1.5.x variant
// behind Knobs::lightrag_version). Documents move pending -> processing -> processed
// (or failed) on the clock, like the real background pipeline.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clock.h"
#include "json_out.h"
#include "knobs.h"

namespace standin::lightrag {

struct Doc {
  std::string id;                        // "doc-" + md5(sanitized text)
  std::string content;                   // the stripped text
  std::optional<std::string> file_path;  // null when /documents/text had no file_source (0260 bug)
  std::string track_id;
  SysTime created, start, done;
  std::optional<std::string> error;      // fails when done (fail-op marker)
  uint64_t times_received = 0;
};

struct InsertResult {
  int status = 200;
  std::string body;
};

// One text of an insert request, after padding and normalisation.
struct TextIn {
  std::string text;
  std::optional<std::string> file_source;
};

class Store {
 public:
  // Inserts all texts or none (first duplicate short-circuits the batch). `message` is the
  // success message of the route; `background_failure` = accepted but nothing will be
  // stored (0260 with more file_sources than texts).
  InsertResult insert(std::vector<TextIn> texts, const std::string& message, bool background_failure, const Knobs& k);

  // nullopt when a document lacks a file_path: the real server's response model then
  // fails with 500 (0260).
  std::optional<std::string> track_status(const std::string& track_id, const Knobs& k);
  std::optional<std::string> paginated(const std::string& status_filter, long long page, long long page_size,
                                       const std::string& sort_field, bool ascending, const Knobs& k);
  std::string status_counts();
  std::string pipeline_status();
  // Deletes ids that exist; returns how many.
  size_t remove(const std::vector<std::string>& doc_ids);
  // The pipeline is busy while a document is pending or processing: LightRAG then answers
  // "busy" to deletions (document_routes.py delete_document).
  bool busy();
  // POST /documents/reprocess_failed: failed documents go through the pipeline again.
  size_t reprocess_failed(const Knobs& k);
  // Processed documents, for queries.
  std::vector<Doc> processed();

  void count_insert_request();
  void write_stats(JsonOut& j);
  void write_documents(JsonOut& j);
  void reset();

 private:
  std::string status_of(const Doc& d, SysTime now) const;
  void write_doc_status(JsonOut& j, const Doc& d, SysTime now) const;

  std::mutex mu_;
  std::map<std::string, Doc> docs_;                     // by id
  std::map<std::string, std::string> by_file_;          // file_path -> doc id
  uint64_t insert_requests_ = 0, texts_received_ = 0, duplicated_ = 0, background_failures_ = 0;
  uint64_t documents_seen_ = 0, dropped_documents_ = 0;  // Knobs::drop_documents_every
  uint64_t reprocess_requests_ = 0;
};

// LightRAG's sanitize_text_for_encoding: strip, drop control characters (keeping \t\n\r)
// and U+FFFE/U+FFFF, then html.unescape.
std::string sanitize(std::string_view text);
std::string doc_id_for(std::string_view text);

}  // namespace standin::lightrag
