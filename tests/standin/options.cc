#include "options.h"

#include <charconv>

namespace standin {

const char* usage_text() {
  return "usage: memconn-standin [--kind hindsight|lightrag|memory-api] [--host 127.0.0.1] [--port 0]\n"
         "  faults:   --api-key K --latency-ms N --answer-delay-ms N --fail-every K --fail-rate P --throttle-every K\n"
         "            --throttle-rate P --retry-after S --drop-every K --drop-rate P --seed N\n"
         "            --slow-body-ms N --reject-marker STR --respond-html --respond-malformed\n"
         "            --huge-body-bytes N [--huge-body-chunked]\n"
         "  scope:    --fault-scope all|writes (writes: timing and faults touch retain/insert POSTs only)\n"
         "  lost answers: --drop-nth N[,N...] --drop-style auto|zero|half --drop-phase after|before\n"
         "            --drop-reused-only\n"
         "  per write: --hang-nth N[,N...] --hang-ms N (default 30000) --slow-nth N[,N...] --slow-ms N\n"
         "  gateway:  --gateway-timeout-ms N (504 at N ms; the server goes on and stores)\n"
         "  capacity: --capacity-slots N --capacity-queue N --capacity-ms N (LLM-bound: queue, then 429)\n"
         "  async:    --op-ms N (default 300) --fail-op-marker STR\n  losses:   --drop-documents-every K --empty-marker STR --stuck-op-marker STR --worker-off\n"
         "  lightrag: --lightrag-version old|new --max-texts N\n"
         "  memory-api: --memories FILE --generate CTX:N --now ISO\n"
         "  other:    --log (one stderr line per API request)\n"
         "Prints 'listening http://HOST:PORT' once ready. Control: /_standin/{stats,documents,requests,config,reset}.\n";
}

bool parse_options(int argc, char** argv, Options& opt, std::string& err, bool& help) {
  help = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      help = true;
      return true;
    }
    if (!arg.starts_with("--")) {
      err = "unexpected argument: " + arg;
      return false;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    if (!has_value && !is_boolean_knob(name)) {
      if (i + 1 >= argc) {
        err = "--" + name + " needs a value";
        return false;
      }
      value = argv[++i];
    }
    if (name == "kind") {
      if (value != "hindsight" && value != "lightrag" && value != "memory-api") {
        err = "--kind must be hindsight, lightrag or memory-api";
        return false;
      }
      opt.kind = value;
    } else if (name == "host") {
      opt.host = value;
    } else if (name == "port") {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), opt.port);
      if (ec != std::errc() || p != value.data() + value.size() || opt.port < 0 || opt.port > 65535) {
        err = "--port must be 0..65535";
        return false;
      }
    } else if (name == "memories") {
      opt.memories_files.push_back(value);
    } else if (name == "generate") {
      auto colon = value.rfind(':');
      int n = 0;
      if (colon == std::string::npos || colon == 0 ||
          std::from_chars(value.data() + colon + 1, value.data() + value.size(), n).ec != std::errc() || n < 0) {
        err = "--generate expects CTX:N";
        return false;
      }
      opt.generate.emplace_back(value.substr(0, colon), n);
    } else if (!set_knob(opt.knobs, name, value, err)) {
      err = "--" + name + ": " + err;
      return false;
    }
  }
  return true;
}

}  // namespace standin
