// Command line of memconn-standin: the server identity (kind, host, port), data seeds for
// the Memory API, and every runtime knob (see knobs.h) as --knob-name VALUE.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "knobs.h"

namespace standin {

struct Options {
  std::string kind = "hindsight";  // hindsight | lightrag | memory-api
  std::string host = "127.0.0.1";
  int port = 0;                    // 0 = ephemeral
  Knobs knobs;
  std::vector<std::string> memories_files;                 // --memories FILE (repeatable)
  std::vector<std::pair<std::string, int>> generate;       // --generate CTX:N (repeatable)
};

// Returns false with a message in err on a usage error; sets help when --help was given.
bool parse_options(int argc, char** argv, Options& opt, std::string& err, bool& help);
const char* usage_text();

}  // namespace standin
