// Everything memconn says to a person goes through here, to stderr: errors, warnings, the
// progress line, -v request logs. stdout is for data only. Honours -q, NO_COLOR, TERM=dumb,
// a non-TTY stderr (no animation) and --log-format json (one JSON object per line).
#pragma once
#include <mutex>
#include <memory>
#include <string>

#include "config/settings.h"
#include "base/diagnostics.h"

namespace memconn {

enum class LogFormat { Text, Json };

class Console : public Diagnostics {
 public:
  // Reads NO_COLOR, TERM and whether stderr is a terminal.
  Console(bool quiet, bool verbose, LogFormat format);

  void error(const std::string& msg) override;
  void warn(const std::string& msg) override;
  void info(const std::string& msg) override;   // silenced by -q
  void debug(const std::string& msg) override;  // only with -v
  // Redraws the single progress line (TTY only; a no-op otherwise).
  void progress(const std::string& line) override;
  void clear_progress() override;

  bool animated() const { return animated_; }
  bool quiet() const { return quiet_; }
  bool verbose() const { return verbose_; }
  bool color() const { return color_; }
  void set_terminal(bool is_tty, bool color);  // for tests

 private:
  void emit(const char* level, const std::string& msg, const char* color_code);
  bool quiet_, verbose_;
  LogFormat format_;
  bool animated_ = false, color_ = false;
  std::mutex mu_;  // guards progress_shown_ and interleaving of lines from worker threads
  bool progress_shown_ = false;
};

// Whether `ingest -` says "reading stdin (Ctrl-D to end)": only to a person typing into a
// terminal who sees stderr (a pipe or a file needs no hint, and -q asked for silence).
// Without it the run looked hung with its "0 items" progress line.
bool should_announce_stdin(bool stdin_tty, bool stderr_tty, bool quiet);

// The console -q, -v and --log-format ask for.
Console make_console(const GlobalOptions& g);
std::unique_ptr<Console> new_console(const GlobalOptions& g);

}  // namespace memconn
