#include "core/input_items.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/exit_codes.h"
#include "core/line_reader.h"

namespace memconn {

Result<Format> pick_format(const std::string& f, const std::string& path) {
  if (f == "lines") return Format::Lines;
  if (f == "jsonl") return Format::Jsonl;
  if (f == "auto") return path == "-" ? Format::Lines : format_for_path(path);
  return Error{"--format must be auto, lines or jsonl, not \"" + f + "\"", exit_code::kUsage};
}

long first_nul(int fd) {
  char buf[8192];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  if (n <= 0) return -1;
  const void* p = std::memchr(buf, '\0', static_cast<size_t>(n));
  return p ? static_cast<const char*>(p) - buf : -1;
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
      if (long nul = first_nul(fd); nul >= 0) {
        diag.error(src.display + ": binary file (NUL byte at offset " + std::to_string(nul) + "), skipped");
        ++sum.input_problems;
        continue;
      }
    }
    ItemParser parser(*format, ParseOptions{o.tags, o.context, src.display});
    LineReader reader(fd, 0, 1, o.max_line_bytes);
    Line l;
    uint64_t seq = 0;
    while (reader.next(l)) {
      if (!l.terminated && regular && o.hold_unterminated) break;
      if (l.oversized) {
        if (o.shard && !o.shard->owns(std::string(l.text))) continue;
        diag.error(src.display + ":" + std::to_string(l.number) + ": " + oversized_line_reason(l.length, o.max_line_bytes));
        ++sum.bad_lines;
        continue;
      }
      Item item;
      auto r = parser.parse(l.text, Origin{i, l.number, 0, l.end_offset, seq}, item);
      if (r.status == ParseStatus::Blank) continue;
      if (o.shard && !o.shard->owns(r.status == ParseStatus::Invalid ? item.raw_line : item.document_id)) continue;
      if (r.status == ParseStatus::Invalid) {
        diag.error(src.display + ":" + std::to_string(l.number) + ": " + r.error);
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
