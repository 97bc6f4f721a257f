// `memconn state reset --all`: forget the progress of every input a state file knows (file
// offsets, the document index, chat-export digests, the commit journal), keeping its run
// history and its connectors' cursors. The caller holds the state lock.
#pragma once
#include <cstddef>
#include <string>

#include "base/result.h"

namespace memconn {

struct ResetCounts {
  size_t files = 0;          // input files whose progress was forgotten
  size_t conversations = 0;  // chat-export conversations whose digest was forgotten
};

Result<ResetCounts> reset_all_progress(const std::string& state_path);

}  // namespace memconn
