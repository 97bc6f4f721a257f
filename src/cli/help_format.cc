#include "cli/help_format.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace memconn {

namespace {
size_t columns(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // count lead bytes only
  return n;
}
}  // namespace

std::string wrap_words(std::string_view text, size_t width) {
  std::string out;
  size_t line = 0;  // columns on the current output line
  size_t at = 0;
  while (at < text.size()) {
    if (text[at] == '\n') {
      out += '\n';
      line = 0;
      ++at;
      continue;
    }
    if (text[at] == ' ') {
      ++at;
      continue;
    }
    size_t end = text.find_first_of(" \n", at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(at, end - at);
    size_t w = columns(word);
    if (line > 0 && line + 1 + w > width) {
      out += '\n';
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += word;
    line += w;
    at = end;
  }
  return out;
}

size_t help_width() {
  size_t w = 0;
  struct winsize ws{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) w = ws.ws_col;
  if (w == 0)
    if (const char* c = std::getenv("COLUMNS")) w = static_cast<size_t>(std::strtoul(c, nullptr, 10));
  if (w == 0) w = 100;
  return w < 60 ? 60 : w;
}

size_t WrappingFormatter::description_width() const {
  // CLI11 indents option names by 2 and pads them to the column width.
  size_t used = get_column_width() + 2;
  return width_ > used + 20 ? width_ - used : 20;
}

std::string WrappingFormatter::make_option_desc(const CLI::Option* opt) const {
  return wrap_words(CLI::Formatter::make_option_desc(opt), description_width());
}

std::string WrappingFormatter::make_subcommand(const CLI::App* sub) const {
  std::stringstream out;
  CLI::detail::format_help(out, sub->get_display_name(true), wrap_words(sub->get_description(), description_width()),
                           get_column_width());
  return out.str();
}

std::string WrappingFormatter::make_description(const CLI::App* app) const {
  // Ends in a line break already; wrapping keeps it.
  return wrap_words(CLI::Formatter::make_description(app), width_);
}

}  // namespace memconn
