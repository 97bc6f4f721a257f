// The documents a bank should hold, compact enough for millions: per document 16 bytes of
// its id's SHA-256, 16 bytes of the expected content hash and a byte of flags (33 bytes),
// in one sorted vector. Ids themselves are not kept: a second pass over the inputs names
// the documents that need naming (see `memconn verify`).
#pragma once
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/digest.h"

namespace memconn {

class ExpectedDocuments {
 public:
  enum Flag : uint8_t {
    kPresent = 1,     // listed by the server
    kStale = 2,       // listed, but its content hash differs from the inputs'
    kEmpty = 4,       // listed with no memory units (extraction produced nothing)
    kAmbiguous = 8,   // the inputs hold this id more than once with different content
    kNamed = 16,      // already reported by the naming pass
    kExpected = 32,   // set on every entry, so that flags() is 0 only for ids not expected
    kNoContent = 64,  // added without a content hash: present or missing, never stale
  };
  enum class Match { Unexpected, Same, Differs, Unchecked };

  // Before seal(): one expected document. content_hash is what the server will store.
  void add(std::string_view document_id, const Sha256& content_hash);
  // Before seal(): one expected document whose content cannot be predicted.
  void add_unchecked(std::string_view document_id);
  // Sorts and folds repeated ids; add() may not be called afterwards.
  void seal();
  size_t size() const { return entries_.size(); }

  // After seal(): the server lists document_id with this hex content hash ("" = none given).
  Match mark_present(std::string_view document_id, std::string_view content_hash_hex);
  void set_flag(std::string_view document_id, Flag f);
  // 0 for an id that is not expected.
  uint8_t flags(std::string_view document_id) const;
  bool expected(std::string_view document_id) const { return find(document_id) != nullptr; }
  size_t count(Flag f) const;
  size_t missing() const;  // expected and not listed
  size_t bytes_used() const { return entries_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    std::array<uint8_t, 16> id;
    std::array<uint8_t, 16> content;
    uint8_t flags;
  };
  static std::array<uint8_t, 16> key_of(std::string_view document_id);
  Entry* find(std::string_view document_id);
  const Entry* find(std::string_view document_id) const;
  std::vector<Entry> entries_;
  bool sealed_ = false;
};

}  // namespace memconn
