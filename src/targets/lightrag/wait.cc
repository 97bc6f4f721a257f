#include "targets/lightrag/wait.h"

#include <algorithm>
#include <map>
#include <thread>

#include "net/http_client.h"
#include "targets/lightrag/api.h"

namespace memconn {

TrackSummary follow_lightrag_tracks(HttpClient& client, const std::string& base_url,
                                    const std::vector<std::string>& track_ids, Diagnostics& console,
                                    const std::function<bool()>& stopping, const TrackOptions& opt) {
  TrackSummary sum;
  sum.inserts = track_ids.size();
  std::map<std::string, int> open;  // track id -> polls that found no documents
  for (const auto& t : track_ids) open[t] = 0;
  int transport_failures = 0;
  while (!open.empty()) {
    if (stopping()) {
      sum.complete = false;
      break;
    }
    size_t moving = 0;
    for (auto it = open.begin(); it != open.end();) {
      auto resp = client.perform({"GET", lightrag_url(base_url, "/documents/track_status/" + url_escape(it->first)), "", {}});
      std::vector<TrackedDoc> docs;
      if (!resp.transport_ok || resp.status != 200 || !parse_track_status(resp.body, docs)) {
        if (++transport_failures > opt.max_transport_failures) {
          console.error("cannot follow LightRAG documents: " + error_message(resp));
          sum.complete = false;
          return sum;
        }
        ++it;
        continue;
      }
      transport_failures = 0;
      if (docs.empty()) {
        // 0260 answers an unknown track id with no documents; they may not be visible yet.
        if (++it->second >= opt.max_empty_polls) {
          console.warn("LightRAG reports no documents for insert " + it->first + "; not waiting for it");
          it = open.erase(it);
        } else {
          ++it;
        }
        continue;
      }
      bool all_final = std::all_of(docs.begin(), docs.end(), [](const TrackedDoc& d) { return is_final_doc_status(d.status); });
      if (!all_final) {
        for (const auto& d : docs) moving += !is_final_doc_status(d.status);
        ++it;
        continue;
      }
      for (const auto& d : docs) {
        ++sum.documents;
        if (d.status == "processed") {
          ++sum.processed;
        } else {
          ++sum.failed;
          sum.failures.push_back(d.file_path + ": " + (d.error.empty() ? "failed" : d.error));
          sum.failed_docs.emplace_back(d.file_path, d.error.empty() ? "failed" : d.error);
          console.error("LightRAG could not index " + sum.failures.back());
        }
      }
      it = open.erase(it);
    }
    console.progress("waiting for LightRAG: " + std::to_string(sum.inserts - open.size()) + "/" +
                     std::to_string(sum.inserts) + " inserts indexed, " + std::to_string(moving) +
                     " documents still processing");
    if (!open.empty()) std::this_thread::sleep_for(opt.poll);
  }
  console.clear_progress();
  return sum;
}

}  // namespace memconn
