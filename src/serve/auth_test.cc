#include "serve/auth.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("api key: Bearer with the exact key, the scheme in any case - no key accepts everything") {
  ApiKey k("s3cret-key");
  CHECK(k.required());
  CHECK(k.accepts("Bearer s3cret-key"));
  CHECK(k.accepts("bearer  s3cret-key"));
  CHECK_FALSE(k.accepts("Bearer s3cret-ke"));
  CHECK_FALSE(k.accepts("Bearer s3cret-key2"));
  CHECK_FALSE(k.accepts("Basic s3cret-key"));
  CHECK_FALSE(k.accepts("s3cret-key"));
  CHECK_FALSE(k.accepts(""));
  ApiKey none("");
  CHECK_FALSE(none.required());
  CHECK(none.accepts(""));
}
