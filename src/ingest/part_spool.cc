#include "ingest/part_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/exit_codes.h"
#include "base/temp_file.h"

namespace memconn {

namespace {

void put_u64(std::string& b, uint64_t v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_u32(std::string& b, uint32_t v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& b, std::string_view s) {
  put_u32(b, static_cast<uint32_t>(s.size()));
  b.append(s);
}

struct Cursor {
  std::string_view in;
  bool ok = true;
  template <typename T>
  T num() {
    T v{};
    if (in.size() < sizeof v) {
      ok = false;
      return v;
    }
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return v;
  }
  std::string str() {
    auto n = num<uint32_t>();
    if (!ok || in.size() < n) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

Status io_error(const char* what) { return Error{std::string("part spool: ") + what + ": " + std::strerror(errno), exit_code::kPartial}; }

}  // namespace

Result<PartSpool> PartSpool::open(const std::string& dir) {
  PartSpool s;
  s.dir_ = dir;
  auto fd = open_scratch_file(dir, "parts");
  if (!fd) return fd.error();
  s.fd_ = std::move(*fd);
  return s;
}

Result<uint64_t> PartSpool::append(uint64_t prev, const Part& p) { return write_record(prev, &p, 1); }

Result<uint64_t> PartSpool::write_record(uint64_t prev, const Part* parts, size_t n) {
  // Record: total length (u32), previous record (u64), number of parts (u32), then the parts.
  buf_.clear();
  put_u32(buf_, 0);
  put_u64(buf_, prev);
  put_u32(buf_, static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; ++i) {
    const Part& p = parts[i];
    put_u32(buf_, p.rank);
    put_u64(buf_, p.line);
    put_str(buf_, p.content);
    put_str(buf_, p.context);
    put_str(buf_, p.timestamp);
    put_u32(buf_, static_cast<uint32_t>(p.tags.size()));
    for (const auto& t : p.tags) put_str(buf_, t);
    put_u32(buf_, static_cast<uint32_t>(p.metadata.size()));
    for (const auto& [k, v] : p.metadata) {
      put_str(buf_, k);
      put_str(buf_, v);
    }
  }
  if (buf_.size() > UINT32_MAX) return Error{"part spool: a document is larger than 4 GiB", exit_code::kPartial};
  auto total = static_cast<uint32_t>(buf_.size());
  std::memcpy(buf_.data(), &total, sizeof total);
  uint64_t at = end_;
  if (!pwrite_all(fd_.get(), buf_.data(), buf_.size(), at)) return io_error("write").error();
  end_ += buf_.size();
  // Shrunk back when a huge document grew it (compact() can be called with one).
  if (buf_.capacity() > (1u << 20)) std::string().swap(buf_);
  return at;
}

Status PartSpool::read_chain(uint64_t last, std::vector<Part>& out, size_t* records, uint64_t* bytes) const {
  out.clear();
  if (records) *records = 0;
  if (bytes) *bytes = 0;
  std::string rec;
  // Records are read newest first; each one's parts are kept in order and the runs of parts
  // reversed at the end, record by record.
  std::vector<size_t> starts;
  for (uint64_t at = last; at != kNone;) {
    // One read for a small record (most are one part): its length is in its first bytes.
    constexpr size_t kGuess = 512;
    rec.resize(kGuess);
    ssize_t got = ::pread(fd_.get(), rec.data(), kGuess, static_cast<off_t>(at));
    while (got < 0 && errno == EINTR) got = ::pread(fd_.get(), rec.data(), kGuess, static_cast<off_t>(at));
    uint32_t total = 0;
    if (got < static_cast<ssize_t>(sizeof total)) return io_error("read");
    std::memcpy(&total, rec.data(), sizeof total);
    if (total < 16) return Error{"part spool: a record is damaged", exit_code::kPartial};
    if (total > static_cast<size_t>(got)) {
      rec.resize(total);
      if (!pread_all(fd_.get(), rec.data() + got, total - static_cast<size_t>(got), at + static_cast<uint64_t>(got)))
        return io_error("read");
    }
    Cursor c{std::string_view(rec.data(), total).substr(sizeof total)};
    uint64_t prev = c.num<uint64_t>();
    uint32_t n = c.num<uint32_t>();
    starts.push_back(out.size());
    for (uint32_t i = 0; c.ok && i < n; ++i) {
      Part p;
      p.rank = c.num<uint32_t>();
      p.line = c.num<uint64_t>();
      p.content = c.str();
      p.context = c.str();
      p.timestamp = c.str();
      for (auto k = c.num<uint32_t>(); c.ok && k > 0; --k) p.tags.push_back(c.str());
      for (auto k = c.num<uint32_t>(); c.ok && k > 0; --k) {
        auto key = c.str();
        p.metadata.emplace_back(std::move(key), c.str());
      }
      out.push_back(std::move(p));
    }
    if (!c.ok || (prev != kNone && prev >= at)) return Error{"part spool: a record is damaged", exit_code::kPartial};
    if (records) ++*records;
    if (bytes) *bytes += total;
    at = prev;
  }
  // out holds the records newest first, each in its own order: reverse the whole, then each
  // record's run back into its order.
  std::reverse(out.begin(), out.end());
  size_t n = out.size();
  for (size_t r = 0; r < starts.size(); ++r) {
    size_t end = r + 1 < starts.size() ? starts[r + 1] : n;
    std::reverse(out.begin() + static_cast<std::ptrdiff_t>(n - end), out.begin() + static_cast<std::ptrdiff_t>(n - starts[r]));
  }
  return ok_status();
}

}  // namespace memconn
