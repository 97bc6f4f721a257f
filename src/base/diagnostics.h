// What a layer below the command line may say to the person running memconn: errors,
// warnings, progress. The command owns the rendering (cli/console.h: stderr, colour, JSON
// lines, -q/-v); targets and connectors only hold this interface, so they stay testable
// and never learn how a terminal works.
#pragma once
#include <string>

namespace memconn {

class Diagnostics {
 public:
  virtual ~Diagnostics() = default;
  virtual void error(const std::string& msg) = 0;
  virtual void warn(const std::string& msg) = 0;
  virtual void info(const std::string& msg) = 0;   // a person may silence these (-q)
  virtual void debug(const std::string& msg) = 0;  // only when asked for (-v)
  // A single line redrawn in place while waiting; cleared before anything else is said.
  virtual void progress(const std::string& line) = 0;
  virtual void clear_progress() = 0;
};

// Says nothing: for a pass whose problems an earlier pass has already reported.
class NullDiagnostics : public Diagnostics {
 public:
  void error(const std::string&) override {}
  void warn(const std::string&) override {}
  void info(const std::string&) override {}
  void debug(const std::string&) override {}
  void progress(const std::string&) override {}
  void clear_progress() override {}
};

}  // namespace memconn
