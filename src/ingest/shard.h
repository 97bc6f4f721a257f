// --shard K/N: split one input between N cooperating processes (a Kubernetes Indexed Job,
// N systemd instances) without coordination. Each item belongs to exactly one shard, chosen
// by a stable hash of its document id, so every process agrees on the partition whatever
// order or batch size it reads with, and a re-run lands every item on the same shard again.
#pragma once
#include <string>
#include <string_view>

#include "base/result.h"

namespace memconn {

struct Shard {
  int k = 0;  // this process' index, 0-based like JOB_COMPLETION_INDEX
  int n = 1;  // number of shards; 1 means "everything"

  // "K/N" with 0 <= K < N <= kMaxShards; an Error (exit 2) names what is wrong.
  static Result<Shard> parse(std::string_view text);
  // True when this shard sends the item with this document id.
  bool owns(const std::string& document_id) const;
  // "K/N", as accepted by parse().
  std::string to_string() const;
  // "shard-K-of-N": inserted before the extension of the state and dead-letter files
  // (config/command_setup), so each shard keeps its own beside the unsharded ones.
  std::string path_tag() const;

  static constexpr int kMaxShards = 4096;
};

// The shard (0..n-1) a document id belongs to: the first 8 bytes of its SHA-256, big-endian,
// modulo n. Exposed so tests and other languages' tooling can reproduce the partition.
int shard_of(const std::string& document_id, int n);

}  // namespace memconn
