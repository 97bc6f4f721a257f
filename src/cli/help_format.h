// `--help` as wide as the terminal: CLI11 prints each option's description on one line, which
// ran to 200 columns. Descriptions are wrapped to the width and continue under themselves.
#pragma once
#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace memconn {

// Greedy word wrap at `width` columns (counted in code points); existing line breaks stay; a
// word longer than the width gets a line of its own.
std::string wrap_words(std::string_view text, size_t width);

// The width help is written for: the terminal's when standard output is one, else $COLUMNS,
// else 100; never below 60.
size_t help_width();

class WrappingFormatter : public CLI::Formatter {
 public:
  explicit WrappingFormatter(size_t width) : width_(width) {}
  std::string make_option_desc(const CLI::Option* opt) const override;
  std::string make_subcommand(const CLI::App* sub) const override;
  std::string make_description(const CLI::App* app) const override;

 private:
  size_t description_width() const;
  size_t width_;
};

}  // namespace memconn
