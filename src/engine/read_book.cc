#include "engine/read_book.h"

namespace memconn {

ReadBook::ReadBook(Ledger& ledger, uint32_t source, uint64_t offset, uint64_t line, bool keep_bodies, size_t every)
    : ledger_(ledger), source_(source), keep_bodies_(keep_bodies), every_(every), read_offset_(offset), read_line_(line) {}

void ReadBook::read(uint64_t end_offset, uint64_t last_line) {
  if (since_publish_ >= every_) publish();  // before this block counts: its item is not added yet
  bytes_ += end_offset - read_offset_;
  read_offset_ = end_offset;
  read_line_ = last_line;
  ++since_publish_;
}

void ReadBook::add(const Origin& origin, const std::string& body, bool part) {
  pending_.push_back(origin);
  if (keep_bodies_) {
    bodies_.push_back(body);
    parts_.push_back(part);
  }
}

void ReadBook::publish() {
  // Called between blocks, or after the current block's item was added.
  ledger_.advance(source_, pending_, read_offset_, read_line_, bytes_, keep_bodies_ ? &bodies_ : nullptr,
                  keep_bodies_ ? &parts_ : nullptr);
  pending_.clear();
  bytes_ = 0;
  since_publish_ = 0;
}

}  // namespace memconn
