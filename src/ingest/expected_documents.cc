#include "ingest/expected_documents.h"

#include <algorithm>
#include <cstring>

namespace memconn {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::array<uint8_t, 16> ExpectedDocuments::key_of(std::string_view document_id) {
  auto d = sha256(document_id);
  std::array<uint8_t, 16> k;
  std::memcpy(k.data(), d.data(), k.size());
  return k;
}

void ExpectedDocuments::add(std::string_view document_id, const Sha256& content_hash) {
  // Grow by a quarter, not double: at the moment of growth the old and new buffers coexist,
  // and this keeps that peak near 2.25x the entries rather than 3x.
  if (entries_.size() == entries_.capacity()) entries_.reserve(entries_.size() + entries_.size() / 4 + 1024);
  Entry e{key_of(document_id), {}, kExpected};
  std::memcpy(e.content.data(), content_hash.data(), e.content.size());
  entries_.push_back(e);
}

void ExpectedDocuments::add_unchecked(std::string_view document_id) {
  add(document_id, Sha256{});
  entries_.back().flags |= kNoContent;
}

void ExpectedDocuments::seal() {
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.id < b.id; });
  // One id sent twice with different content: which one the server kept depends on which
  // request finished last, so its content cannot be checked.
  size_t out = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (out > 0 && entries_[out - 1].id == entries_[i].id) {
      if (entries_[out - 1].content != entries_[i].content || ((entries_[out - 1].flags ^ entries_[i].flags) & kNoContent))
        entries_[out - 1].flags |= kAmbiguous;
      continue;
    }
    entries_[out++] = entries_[i];
  }
  entries_.resize(out);
  entries_.shrink_to_fit();
  sealed_ = true;
}

const ExpectedDocuments::Entry* ExpectedDocuments::find(std::string_view document_id) const {
  auto k = key_of(document_id);
  auto it = std::lower_bound(entries_.begin(), entries_.end(), k, [](const Entry& e, const auto& key) { return e.id < key; });
  return it != entries_.end() && it->id == k ? &*it : nullptr;
}

ExpectedDocuments::Entry* ExpectedDocuments::find(std::string_view document_id) {
  return const_cast<Entry*>(static_cast<const ExpectedDocuments*>(this)->find(document_id));
}

ExpectedDocuments::Match ExpectedDocuments::mark_present(std::string_view document_id, std::string_view hex) {
  Entry* e = find(document_id);
  if (!e) return Match::Unexpected;
  e->flags |= kPresent;
  if ((e->flags & (kAmbiguous | kNoContent)) || hex.size() != 64) return Match::Unchecked;
  for (size_t i = 0; i < e->content.size(); ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Match::Unchecked;
    if (e->content[i] != static_cast<uint8_t>(hi << 4 | lo)) {
      e->flags |= kStale;
      return Match::Differs;
    }
  }
  e->flags &= static_cast<uint8_t>(~kStale);  // listed twice while paging: the newest answer wins
  return Match::Same;
}

void ExpectedDocuments::set_flag(std::string_view document_id, Flag f) {
  if (Entry* e = find(document_id)) e->flags |= f;
}

uint8_t ExpectedDocuments::flags(std::string_view document_id) const {
  const Entry* e = find(document_id);
  return e ? e->flags : 0;
}

size_t ExpectedDocuments::count(Flag f) const {
  return static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(), [f](const Entry& e) { return e.flags & f; }));
}

size_t ExpectedDocuments::missing() const {
  return static_cast<size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !(e.flags & kPresent); }));
}

}  // namespace memconn
