#include "ingest/input_items.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "base/exit_codes.h"

namespace memconn {

Result<Format> pick_format(const std::string& f, const std::string& path) {
  if (f == "lines") return Format::Lines;
  if (f == "jsonl") return Format::Jsonl;
  if (f == "auto") return path == "-" ? Format::Lines : format_for_path(path);
  return Error{"--format must be auto, lines or jsonl, not \"" + f + "\"", exit_code::kUsage};
}

Result<UnitChoice> pick_unit(const std::string& unit, Format format, const std::string& display) {
  if (unit == "line") return UnitChoice{};
  if (unit == "file") return UnitChoice{TextUnit::Line, true};
  if (unit == "paragraph") {
    if (format == Format::Jsonl)
      return Error{display + ": --unit paragraph cuts plain text at blank lines; this input is read as JSONL",
                   exit_code::kUsage};
    return UnitChoice{TextUnit::Paragraph, false};
  }
  return Error{"--unit must be line, paragraph or file, not \"" + unit + "\"", exit_code::kUsage};
}

Status json_array_unit(int fd, bool regular, Format format, const std::string& unit_flag, const std::string& display,
                       UnitChoice& unit) {
  if (!regular || format != Format::Jsonl || !starts_json_array(fd)) return ok_status();
  if (unit_flag != "line")
    return Error{display + ": a JSON array is read record by record; --unit " + unit_flag + " does not apply to it",
                 exit_code::kUsage};
  unit.text = TextUnit::JsonElement;
  return ok_status();
}

std::string unit_file_id(const ItemReadOptions& o, const SourceSpec& src) {
  // An explicit prefix keeps the short relative form the user chose; without one the id is
  // the file's canonical path, so personal/todo.md and work/todo.md are two documents.
  if (!o.id_prefix.empty() || src.path == "-") return o.id_prefix + src.name;
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(src.path, ec), ec);
  return ec ? src.path : canonical.string();
}

ParseOptions parse_options_for(const ItemReadOptions& o, const SourceSpec& src, const UnitChoice& unit) {
  ParseOptions p{o.tags, o.context, src.display, "", o.map, o.target};
  if (unit.whole_file) p.document_id = unit_file_id(o, src);
  return p;
}

Status check_unit_file_ids(const ItemReadOptions& o, const InputSet& inputs) {
  if (o.unit != "file") return ok_status();
  std::map<std::string, const SourceSpec*> seen;
  for (const auto& src : inputs.sources) {
    auto [it, fresh] = seen.emplace(unit_file_id(o, src), &src);
    if (!fresh)
      return Error{src.display + " and " + it->second->display + " would both be document \"" + it->first +
                       "\" (--unit file --id-prefix " + o.id_prefix +
                       "): give another --id-prefix to each, or ingest them in separate runs with different prefixes",
                   exit_code::kUsage};
  }
  return ok_status();
}

Result<ItemReadOptions> resolve_read_options(ItemReadOptions o, const std::vector<std::string>& map_specs,
                                             const std::string& content_template) {
  if (auto f = pick_format(o.format, ""); !f) return f.error();
  if (o.unit != "line" && o.unit != "paragraph" && o.unit != "file")
    return Error{"--unit must be line, paragraph or file, not \"" + o.unit + "\"", exit_code::kUsage};
  // Only a whole-file document has an id built from its path; elsewhere the prefix would be
  // silently ignored and the user would believe their ids carry it.
  if (!o.id_prefix.empty() && o.unit != "file")
    return Error{"--id-prefix applies only with --unit file", exit_code::kUsage};
  if (!map_specs.empty() || !content_template.empty()) {
    auto m = parse_field_map(map_specs, content_template);
    if (!m) return m.error();
    if (o.format == "lines") return Error{"--map and --template read JSONL records, not --format lines", exit_code::kUsage};
    o.format = "jsonl";
    o.map = std::make_shared<const FieldMap>(std::move(*m));
  }
  if (o.unit == "paragraph" && o.format == "jsonl")
    return Error{"--unit paragraph cuts plain text at blank lines; it does not apply to JSONL (--format jsonl, --map)",
                 exit_code::kUsage};
  return o;
}

namespace {

// A path as typed in a shell command: quoted when it holds anything a shell would split or expand.
std::string shell_word(const std::string& path) {
  bool plain = !path.empty() && path.find_first_not_of(
                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+,:@%") ==
                                    std::string::npos;
  if (plain) return path;
  std::string out = "'";
  for (char c : path) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// notes.txt -> notes-utf8.txt, dir/README -> dir/README-utf8: where the converted copy goes.
std::string utf8_copy_name(const std::string& path) {
  std::filesystem::path p(path);
  std::string ext = p.extension().string();
  return (p.parent_path() / (p.stem().string() + "-utf8" + ext)).string();
}

std::string iconv_command(const std::string& from, const std::string& path) {
  return "iconv -f " + from + " -t UTF-8 " + shell_word(path) + " > " + shell_word(utf8_copy_name(path));
}

// "UTF-16LE"/"UTF-16BE" when head is ASCII text with a NUL beside every character (UTF-16
// without a byte-order mark), else "". Nine pairs in ten are enough: a few non-ASCII
// characters have no NUL half.
std::string utf16_without_bom(std::string_view head) {
  size_t pairs = head.size() / 2, le = 0, be = 0;
  if (pairs < 2) return "";
  for (size_t i = 0; i + 1 < head.size(); i += 2) {
    char a = head[i], b = head[i + 1];
    if (a != '\0' && b == '\0') ++le;
    if (a == '\0' && b != '\0') ++be;
  }
  if (le * 10 >= pairs * 9) return "UTF-16LE";
  if (be * 10 >= pairs * 9) return "UTF-16BE";
  return "";
}

}  // namespace

std::optional<std::string> not_text_reason(std::string_view head, const std::string& display) {
  std::string from;
  // With a byte-order mark iconv reads the byte order from it; without one it must be named.
  if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) from = "UTF-16";
  else if (head.find('\0') != std::string_view::npos) from = utf16_without_bom(head);
  if (!from.empty())
    return display + " looks like UTF-16, skipped; convert it first: " + iconv_command(from, display);
  auto nul = head.find('\0');
  if (nul == std::string_view::npos) return std::nullopt;
  return display + ": binary file (NUL byte at offset " + std::to_string(nul) + "), skipped";
}

std::optional<std::string> not_text_file(int fd, const std::string& display) {
  char buf[8192];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  if (n <= 0) return std::nullopt;
  return not_text_reason(std::string_view(buf, static_cast<size_t>(n)), display);
}

std::string latin1_hint(const std::string& display, bool is_stdin) {
  if (is_stdin) return " (if the input is Latin-1: pipe it through iconv -f LATIN1 -t UTF-8)";
  return " (if the file is Latin-1: " + iconv_command("LATIN1", display) + ")";
}

std::string oversized_line_reason(uint64_t length, uint64_t max_line_bytes) {
  return "line of " + std::to_string(length) + " bytes is over --max-line-bytes (" + std::to_string(max_line_bytes) +
         "); not read into memory, only its first " + std::to_string(LineReader::kOversizedPrefix) + " bytes are kept";
}

ItemReadSummary read_items(const InputSet& inputs, const ItemReadOptions& o, Diagnostics& diag,
                           const std::function<bool(Item&)>& on_item) {
  ItemReadSummary sum;
  for (uint32_t i = 0; i < inputs.sources.size(); ++i) {
    const auto& src = inputs.sources[i];
    auto format = pick_format(o.format, src.path);
    if (!format) {
      diag.error(format.error().message);
      ++sum.input_problems;
      return sum;
    }
    int fd = src.path == "-" ? STDIN_FILENO : ::open(src.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      diag.error(src.display + ": " + std::strerror(errno));
      ++sum.input_problems;
      continue;
    }
    struct Closer {
      int fd;
      ~Closer() {
        if (fd != STDIN_FILENO) ::close(fd);
      }
    } closer{fd};
    struct stat st{};
    bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (regular) {
      if (auto why = not_text_file(fd, src.display)) {
        diag.error(*why);
        ++sum.input_problems;
        continue;
      }
    }
    auto unit = pick_unit(o.unit, *format, src.display);
    if (!unit) {
      diag.error(unit.error().message);
      ++sum.input_problems;
      continue;
    }
    if (auto st = json_array_unit(fd, regular, *format, o.unit, src.display, *unit); !st) {
      diag.error(st.error().message);
      ++sum.input_problems;
      continue;
    }
    ItemParser parser(*format, parse_options_for(o, src, *unit));
    BlockReader reader(fd, unit->text, 0, 1, regular && o.hold_unterminated, o.max_line_bytes);
    Block b;
    uint64_t seq = 0;
    while (reader.next(b)) {
      if (b.oversized) {
        if (o.shard && !o.shard->owns(std::string(b.text))) continue;
        diag.error(src.display + ":" + std::to_string(b.first_line) + ": " + oversized_line_reason(b.length, o.max_line_bytes));
        ++sum.bad_lines;
        continue;
      }
      Item item;
      auto r = parser.parse(b.text, Origin{i, b.first_line, b.start_offset, b.end_offset, seq}, item);
      if (r.status == ParseStatus::Blank) continue;
      if (o.shard && !o.shard->owns(r.status == ParseStatus::Invalid ? item.raw_line : item.document_id)) continue;
      if (r.status == ParseStatus::Invalid) {
        diag.error(src.display + ":" + std::to_string(b.first_line) + ": " + r.error);
        ++sum.bad_lines;
        continue;
      }
      ++seq;
      ++sum.items;
      if (!on_item(item)) return sum;
    }
    if (!reader.error().empty()) {
      diag.error(src.display + ": read error: " + reader.error());
      ++sum.input_problems;
    }
  }
  return sum;
}

}  // namespace memconn
