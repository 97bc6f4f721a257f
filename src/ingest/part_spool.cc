#include "ingest/part_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/exit_codes.h"

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

bool pread_all(int fd, char* p, size_t n, uint64_t off) {
  while (n > 0) {
    ssize_t r = ::pread(fd, p, n, static_cast<off_t>(off));
    if (r <= 0) {
      if (r < 0 && errno == EINTR) continue;
      return false;
    }
    p += r;
    n -= static_cast<size_t>(r);
    off += static_cast<uint64_t>(r);
  }
  return true;
}

}  // namespace

Result<PartSpool> PartSpool::open(const std::string& dir) {
  PartSpool s;
  s.fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (s.fd_ < 0) {
    // Filesystems without O_TMPFILE: a named file, unlinked at once.
    std::string path = dir + "/.memconn-parts.XXXXXX";
    s.fd_ = ::mkstemp(path.data());
    if (s.fd_ < 0)
      return Error{"cannot create a temporary file in " + dir + ": " + std::strerror(errno), exit_code::kConfig};
    ::unlink(path.c_str());
  }
  return s;
}

PartSpool::PartSpool(PartSpool&& o) noexcept : fd_(std::exchange(o.fd_, -1)), end_(o.end_) {}

PartSpool& PartSpool::operator=(PartSpool&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    end_ = o.end_;
  }
  return *this;
}

PartSpool::~PartSpool() {
  if (fd_ >= 0) ::close(fd_);
}

Result<uint64_t> PartSpool::append(uint64_t prev, const Part& p) {
  // Record: total length (u32), previous record (u64), then the part.
  buf_.clear();
  put_u32(buf_, 0);
  put_u64(buf_, prev);
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
  auto total = static_cast<uint32_t>(buf_.size());
  std::memcpy(buf_.data(), &total, sizeof total);
  uint64_t at = end_;
  const char* data = buf_.data();
  size_t left = buf_.size();
  while (left > 0) {
    ssize_t w = ::pwrite(fd_, data, left, static_cast<off_t>(end_));
    if (w < 0) {
      if (errno == EINTR) continue;
      return io_error("write").error();
    }
    data += w;
    left -= static_cast<size_t>(w);
    end_ += static_cast<uint64_t>(w);
  }
  return at;
}

Status PartSpool::read_chain(uint64_t last, std::vector<Part>& out) const {
  out.clear();
  std::string rec;
  for (uint64_t at = last; at != kNone;) {
    uint32_t total = 0;
    if (!pread_all(fd_, reinterpret_cast<char*>(&total), sizeof total, at) || total < 12) return io_error("read");
    rec.resize(total);
    if (!pread_all(fd_, rec.data(), total, at)) return io_error("read");
    Cursor c{std::string_view(rec).substr(sizeof total)};
    uint64_t prev = c.num<uint64_t>();
    Part p;
    p.rank = c.num<uint32_t>();
    p.line = c.num<uint64_t>();
    p.content = c.str();
    p.context = c.str();
    p.timestamp = c.str();
    for (auto n = c.num<uint32_t>(); c.ok && n > 0; --n) p.tags.push_back(c.str());
    for (auto n = c.num<uint32_t>(); c.ok && n > 0; --n) {
      auto k = c.str();
      p.metadata.emplace_back(std::move(k), c.str());
    }
    if (!c.ok || (prev != kNone && prev >= at)) return Error{"part spool: a record is damaged", exit_code::kPartial};
    out.push_back(std::move(p));
    at = prev;
  }
  std::reverse(out.begin(), out.end());
  return ok_status();
}

}  // namespace memconn
