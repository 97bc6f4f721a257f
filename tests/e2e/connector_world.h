// A Memory API stand-in, a target stand-in and a config connecting them as connector "p2r":
// what the connector and verify --connector tests start from.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness.h"

namespace e2e {

struct World {
  Standin memories;
  Standin target;
  TempDir dir;
  std::string config, state;

  // target_kind: lightrag | hindsight (bank "team"). `extra` is appended to the connector's
  // table, `source_extra` to the source's; __MEM__ in either is the Memory API's URL.
  World(std::vector<std::string> memory_args, std::string target_kind = "lightrag",
        std::vector<std::string> target_args = {}, const std::string& extra = "", const std::string& source_extra = "");
  static std::vector<std::string> with_key(std::vector<std::string> args);

  // memconn --config <config> args..., with the Memory API's key in the environment.
  RunResult run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) const;

  // Ids and transcripts the Memory API holds.
  std::map<std::string, std::string> source_memories();
  size_t non_empty();
};

// Memories with created_at = the stand-in's now, transcripts as given ("" = empty).
std::string memories_body(const std::string& prefix, const std::vector<std::string>& transcripts);

}  // namespace e2e
