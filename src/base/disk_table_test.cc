#include "base/disk_table.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>

namespace memconn {
namespace {

std::string scratch_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("memconn-disk-table-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

using Key = std::pair<uint64_t, uint32_t>;

// Every record of the table against the model, through for_each.
void check_all(DiskTable& t, const std::map<Key, DiskTable::Rec>& model) {
  std::map<Key, DiskTable::Rec> seen;
  REQUIRE(t.for_each([&](DiskTable::Rec& r) { CHECK(seen.emplace(Key{r.k1, r.k2}, r).second); }));
  REQUIRE(seen.size() == model.size());
  for (const auto& [k, r] : model) {
    auto it = seen.find(k);
    REQUIRE(it != seen.end());
    CHECK(it->second.v32 == r.v32);
    CHECK(it->second.v64 == r.v64);
  }
}

TEST_CASE("disk table: random inserts, takes and updates agree with a map") {
  auto dir = scratch_dir();
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    auto t = DiskTable::open(dir);
    REQUIRE(t);
    t->set_buffer_limit(seed % 2 ? 7 : 1000);
    std::map<Key, DiskTable::Rec> model;
    std::vector<Key> keys;
    // Seeds 3 and 4 draw keys whose top bits mostly agree: deep splits, and past the deepest
    // page the overflow.
    auto draw_key = [&] {
      uint64_t k1 = rng();
      if (seed == 3 || seed == 4) k1 = (0xabcdef1234ull << 24) | (rng() & (rng() % 4 == 0 ? 0xffffff : 0xff));
      return Key{k1 == 0 ? 1 : k1, static_cast<uint32_t>(rng() % 3)};
    };
    for (int step = 0; step < 6000; ++step) {
      int op = static_cast<int>(rng() % 10);
      if (op < 5 || keys.empty()) {
        Key k = draw_key();
        auto found = t->find(k.first, k.second);
        REQUIRE(found);
        CHECK(found->has_value() == (model.count(k) > 0));
        if (found->has_value()) continue;
        DiskTable::Rec r{k.first, k.second, static_cast<uint32_t>(rng()), rng()};
        REQUIRE(t->insert(r));
        model[k] = r;
        keys.push_back(k);
      } else if (op < 9) {  // take (and the model forgets it) or find a key met before
        bool take = op < 8;
        Key k = keys[rng() % keys.size()];
        auto got = take ? t->take(k.first, k.second) : t->find(k.first, k.second);
        REQUIRE(got);
        auto it = model.find(k);
        REQUIRE(got->has_value() == (it != model.end()));
        if (it != model.end()) {
          CHECK((*got)->v64 == it->second.v64);
          CHECK((*got)->v32 == it->second.v32);
          if (take) model.erase(it);
        }
      } else if (step % 50 == 0) {
        // for_each may change values: every record's v64 moves by one.
        REQUIRE(t->for_each([](DiskTable::Rec& r) { ++r.v64; }));
        for (auto& [k, r] : model) ++r.v64;
      }
      CHECK(t->size() == model.size());
    }
    check_all(*t, model);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("disk table: a hundred thousand records, found again after the buffer went to disk") {
  auto dir = scratch_dir();
  auto t = DiskTable::open(dir);
  REQUIRE(t);
  std::mt19937_64 rng(42);
  std::vector<DiskTable::Rec> recs;
  for (uint32_t i = 0; i < 100000; ++i) recs.push_back({rng() | 1, i, i, uint64_t{i} * 3});
  for (const auto& r : recs) REQUIRE(t->insert(r));
  CHECK(t->size() == recs.size());
  for (size_t i = 0; i < recs.size(); i += 7) {
    auto got = t->find(recs[i].k1, recs[i].k2);
    REQUIRE(got);
    REQUIRE(got->has_value());
    CHECK((*got)->v64 == recs[i].v64);
  }
  auto none = t->find(12345, 0);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  std::filesystem::remove_all(dir);
}

TEST_CASE("disk table: a folder it cannot write names the folder") {
  auto t = DiskTable::open("/nonexistent-memconn-dir/x");
  REQUIRE_FALSE(t);
  CHECK(t.error().message.find("/nonexistent-memconn-dir/x") != std::string::npos);
}

}  // namespace
}  // namespace memconn
