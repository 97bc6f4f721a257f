#include "cli/console.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "state/dead_letter.h"
#include "base/iso_time.h"
#include "base/json_writer.h"

namespace memconn {

Console::Console(bool quiet, bool verbose, LogFormat format) : quiet_(quiet), verbose_(verbose), format_(format) {
  const char* term = std::getenv("TERM");
  bool dumb = term && std::strcmp(term, "dumb") == 0;
  bool tty = ::isatty(STDERR_FILENO) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  bool color_ok = tty && !dumb && !(no_color && *no_color);
  set_terminal(tty && !dumb && !quiet && format == LogFormat::Text, color_ok && format == LogFormat::Text);
}

bool should_announce_stdin(bool stdin_tty, bool stderr_tty, bool quiet) { return stdin_tty && stderr_tty && !quiet; }

void Console::set_terminal(bool is_tty, bool color) {
  animated_ = is_tty;
  color_ = color;
}

void Console::emit(const char* level, const std::string& msg, const char* color_code) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string line;
  if (format_ == LogFormat::Json) {
    JsonWriter w(line);
    w.begin_object().key("time").value(now_iso8601()).key("level").value(level).key("msg").value(msg).end_object();
  } else if (std::strcmp(level, "info") == 0 || std::strcmp(level, "debug") == 0) {
    line = msg;
  } else if (color_ && color_code) {
    line = std::string("memconn: \x1b[") + color_code + "m" + level + "\x1b[0m: " + msg;
  } else {
    line = std::string("memconn: ") + level + ": " + msg;
  }
  if (progress_shown_) std::fputs("\r\x1b[2K", stderr);
  std::fputs(line.c_str(), stderr);
  std::fputc('\n', stderr);
  progress_shown_ = false;
  std::fflush(stderr);
}

void Console::error(const std::string& msg) { emit("error", msg, "31"); }
void Console::warn(const std::string& msg) {
  if (!quiet_) emit("warning", msg, "33");
}
void Console::info(const std::string& msg) {
  if (!quiet_) emit("info", msg, nullptr);
}
void Console::debug(const std::string& msg) {
  if (verbose_) emit("debug", msg, nullptr);
}

void Console::progress(const std::string& line) {
  if (!animated_) return;
  std::lock_guard<std::mutex> lock(mu_);
  std::fputs("\r\x1b[2K", stderr);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  progress_shown_ = true;
}

void Console::clear_progress() {
  std::lock_guard<std::mutex> lock(mu_);
  if (progress_shown_) {
    std::fputs("\r\x1b[2K", stderr);
    std::fflush(stderr);
  }
  progress_shown_ = false;
}

Console make_console(const GlobalOptions& g) {
  return Console(g.quiet, g.verbose, g.log_format == "json" ? LogFormat::Json : LogFormat::Text);
}

std::unique_ptr<Console> new_console(const GlobalOptions& g) {
  return std::make_unique<Console>(g.quiet, g.verbose, g.log_format == "json" ? LogFormat::Json : LogFormat::Text);
}

}  // namespace memconn
