// --wait for LightRAG targets: an insert's 200 only means "queued"; the documents are
// indexed in the background. Polls /documents/track_status/{track_id} until every document
// of every insert is processed or failed.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "net/http_client.h"

namespace memconn {

struct TrackSummary {
  size_t inserts = 0, documents = 0, processed = 0, failed = 0;
  std::vector<std::string> failures;  // "<file_path>: <error>"
  std::vector<std::pair<std::string, std::string>> failed_docs;  // (file_path, error)
  bool complete = true;               // false: stopped (signal) or the server stopped answering
};

struct TrackOptions {
  std::chrono::milliseconds poll{500};
  int max_transport_failures = 20;  // consecutive; then give up (complete = false)
  int max_empty_polls = 20;         // an insert whose documents never appear counts as done
};

TrackSummary follow_lightrag_tracks(HttpClient& client, const std::string& base_url,
                                    const std::vector<std::string>& track_ids, Diagnostics& console,
                                    const std::function<bool()>& stopping, const TrackOptions& opt = {});

}  // namespace memconn
