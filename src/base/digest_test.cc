#include "base/digest.h"

#include <doctest/doctest.h>

#include <set>

using namespace memconn;

TEST_CASE("sha256 matches the FIPS 180-2 test vector") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("uuid_v4 is well-formed, versioned and unique") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto u = uuid_v4();
    CHECK(looks_like_uuid(u));
    CHECK(u[14] == '4');
    CHECK(std::string("89ab").find(u[19]) != std::string::npos);
    seen.insert(u);
  }
  CHECK(seen.size() == 1000);
  CHECK_FALSE(looks_like_uuid("not-a-uuid"));
}
