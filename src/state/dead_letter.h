// The dead-letter file: one complete JSON line per item that failed for good, appended
// durably (0600) so nothing read is ever lost. A torn last line from a crash is tolerated.
#pragma once
#include <mutex>
#include <string>
#include <vector>

#include "engine/dead_letter_sink.h"
#include "base/result.h"

namespace memconn {



std::string encode_dead_letter(const DeadLetter& d);
// Parses one line; false for a torn or foreign line.
bool decode_dead_letter(std::string_view line, DeadLetter& out);
// Reads every complete entry; counts lines that could not be parsed in *torn.
Result<std::vector<DeadLetter>> read_dead_letters(const std::string& path, size_t* torn = nullptr);
// Rewrites the file atomically with exactly these entries (used by dlq retry/purge).
Status write_dead_letters(const std::string& path, const std::vector<DeadLetter>& entries);

class DeadLetterWriter : public DeadLetterSink {
 public:
  explicit DeadLetterWriter(std::string path) : path_(std::move(path)) {}
  ~DeadLetterWriter();
  // Thread-safe; opens the file on first use so runs without failures leave no file behind.
  Status append(const DeadLetter& d) override;
  const std::string& path() const { return path_; }
  size_t written() const;

 private:
  std::string path_;
  mutable std::mutex mu_;  // guards fd_ and written_
  int fd_ = -1;
  size_t written_ = 0;
};


}  // namespace memconn
