#include "base/disk_table.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "base/exit_codes.h"
#include "base/temp_file.h"

namespace memconn {

namespace {
Error io_error(const char* what) { return Error{std::string("scratch table: ") + what + ": " + std::strerror(errno), exit_code::kPartial}; }
}  // namespace

Result<DiskTable> DiskTable::open(const std::string& dir) {
  auto fd = open_scratch_file(dir, "table");
  if (!fd) return fd.error();
  DiskTable t;
  t.fd_ = std::move(*fd);
  t.dir_ = {0};
  t.pages_ = 1;
  t.cur_no_ = 0;  // page 0, empty, written when first left
  t.cur_dirty_ = true;
  return t;
}

Status DiskTable::write_back() {
  if (!cur_dirty_ || cur_no_ == UINT32_MAX) return ok_status();
  if (!pwrite_all(fd_.get(), reinterpret_cast<const char*>(&cur_), kPage, uint64_t{cur_no_} * kPage)) return io_error("write");
  cur_dirty_ = false;
  return ok_status();
}

Status DiskTable::load(uint32_t no) {
  if (no == cur_no_) return ok_status();
  if (auto st = write_back(); !st) return st;
  cur_no_ = UINT32_MAX;
  if (!pread_all(fd_.get(), reinterpret_cast<char*>(&cur_), kPage, uint64_t{no} * kPage)) return io_error("read");
  cur_no_ = no;
  return ok_status();
}

namespace {
uint64_t mix(uint64_t k1, uint32_t k2) {
  uint64_t h = k1 ^ (uint64_t{k2} * 0x9e3779b97f4a7c15ull);
  h ^= h >> 31;
  return h * 0xbf58476d1ce4e5b9ull;
}
}  // namespace

bool DiskTable::maybe_present(uint64_t k1, uint32_t k2) const {
  if (bloom_.empty()) return false;
  uint64_t h = mix(k1, k2);
  for (int i = 0; i < 4; ++i, h = (h >> 23) | (h << 41)) {
    uint64_t bit = h & ((kBloomWords << 6) - 1);
    if (!(bloom_[bit >> 6] >> (bit & 63) & 1)) return false;
  }
  return true;
}

void DiskTable::remember(uint64_t k1, uint32_t k2) {
  if (bloom_.empty()) bloom_.assign(kBloomWords, 0);
  uint64_t h = mix(k1, k2);
  for (int i = 0; i < 4; ++i, h = (h >> 23) | (h << 41)) {
    uint64_t bit = h & ((kBloomWords << 6) - 1);
    bloom_[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
}

Result<std::optional<DiskTable::Rec>> DiskTable::find(uint64_t k1, uint32_t k2) {
  if (auto it = buffer_.find({k1, k2}); it != buffer_.end()) return std::optional<Rec>(it->second);
  if (!overflow_.empty())
    if (auto it = overflow_.find({k1, k2}); it != overflow_.end()) return std::optional<Rec>(it->second);
  if (!fd_.valid() || !maybe_present(k1, k2)) return std::optional<Rec>();
  if (auto st = load(dir_[slot_of(k1)]); !st) return st.error();
  for (uint32_t i = 0; i < cur_.count; ++i)
    if (cur_.recs[i].k1 == k1 && cur_.recs[i].k2 == k2) return std::optional<Rec>(cur_.recs[i]);
  return std::optional<Rec>();
}

Result<std::optional<DiskTable::Rec>> DiskTable::take(uint64_t k1, uint32_t k2) {
  // A key is in one place only (insert() takes absent keys): the buffer, the overflow or a page.
  for (auto* m : {&buffer_, &overflow_})
    if (auto it = m->find({k1, k2}); it != m->end()) {
      Rec r = it->second;
      m->erase(it);
      --size_;
      return std::optional<Rec>(r);
    }
  if (!fd_.valid() || !maybe_present(k1, k2)) return std::optional<Rec>();
  if (auto st = load(dir_[slot_of(k1)]); !st) return st.error();
  for (uint32_t i = 0; i < cur_.count; ++i)
    if (cur_.recs[i].k1 == k1 && cur_.recs[i].k2 == k2) {
      Rec r = cur_.recs[i];
      cur_.recs[i] = cur_.recs[--cur_.count];
      cur_dirty_ = true;
      --size_;
      return std::optional<Rec>(r);
    }
  return std::optional<Rec>();
}

Status DiskTable::insert(const Rec& r) {
  if (buffer_.size() >= buffer_limit_)
    if (auto st = flush(); !st) return st;
  buffer_.emplace(std::pair{r.k1, r.k2}, r);
  remember(r.k1, r.k2);
  ++size_;
  return ok_status();
}

Status DiskTable::flush() {
  if (buffer_.empty()) return ok_status();
  std::vector<Rec> recs;
  recs.reserve(buffer_.size());
  for (const auto& [k, r] : buffer_) recs.push_back(r);
  buffer_.clear();
  // In key order, the records of one page come together: one read and one write for all.
  std::sort(recs.begin(), recs.end(), [](const Rec& a, const Rec& b) { return a.k1 < b.k1; });
  for (const Rec& r : recs)
    if (auto st = place(r); !st) return st;
  return ok_status();
}

Status DiskTable::place(const Rec& r) {
  for (;;) {
    size_t slot = slot_of(r.k1);
    if (auto st = load(dir_[slot]); !st) return st;
    if (cur_.count < kPerPage) {
      cur_.recs[cur_.count++] = r;
      cur_dirty_ = true;
      return ok_status();
    }
    // Keys that share their top bits far more than hashes do would double the directory
    // again and again for one page: past 8 slots a page, they wait in memory instead.
    if (cur_.depth >= kMaxDepth || (cur_.depth == depth_ && dir_.size() * 2 > 8 * size_t{pages_} + 1024)) {
      overflow_.emplace(std::pair{r.k1, r.k2}, r);
      return ok_status();
    }
    if (cur_.depth == depth_) {  // the page is alone in its slot: double the directory
      std::vector<uint32_t> twice(dir_.size() * 2);
      for (size_t i = 0; i < dir_.size(); ++i) twice[2 * i] = twice[2 * i + 1] = dir_[i];
      dir_.swap(twice);
      ++depth_;
      slot = slot_of(r.k1);
    }
    // The page's slots are a run of 2^(depth_ - d) sharing its d top bits; the upper half of
    // the run (the next bit set) goes to a new page, with the records that have that bit.
    uint32_t d = cur_.depth;
    size_t run = size_t{1} << (depth_ - d);
    size_t first = slot & ~(run - 1);
    Page upper;
    upper.depth = d + 1;
    uint64_t bit = uint64_t{1} << (63 - d);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < cur_.count; ++i) {
      if (cur_.recs[i].k1 & bit) upper.recs[upper.count++] = cur_.recs[i];
      else cur_.recs[kept++] = cur_.recs[i];
    }
    cur_.count = kept;
    cur_.depth = d + 1;
    cur_dirty_ = true;
    uint32_t no = pages_;
    if (!pwrite_all(fd_.get(), reinterpret_cast<const char*>(&upper), kPage, uint64_t{no} * kPage)) return io_error("write");
    ++pages_;
    for (size_t s = first + run / 2; s < first + run; ++s) dir_[s] = no;
  }
}

Status DiskTable::for_each(const std::function<void(Rec&)>& f) {
  if (auto st = flush(); !st) return st;
  for (uint32_t no = 0; no < pages_; ++no) {
    if (auto st = load(no); !st) return st;
    for (uint32_t i = 0; i < cur_.count; ++i) {
      Rec before = cur_.recs[i];
      f(cur_.recs[i]);
      if (std::memcmp(&before, &cur_.recs[i], sizeof before) != 0) cur_dirty_ = true;
    }
  }
  for (auto& [k, r] : overflow_) f(r);
  return ok_status();
}

}  // namespace memconn
