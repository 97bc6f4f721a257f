#include "ingest/expected_documents.h"

#include <doctest/doctest.h>

namespace memconn {

TEST_CASE("expected documents: present, stale, missing, unexpected and ambiguous ids") {
  ExpectedDocuments e;
  e.add("a", sha256("alpha"));
  e.add("b", sha256("beta"));
  e.add("c", sha256("gamma"));
  e.add("d", sha256("one"));
  e.add("d", sha256("two"));  // same id, other content: cannot be checked
  e.add("a", sha256("alpha"));  // a plain repeat folds
  e.seal();
  CHECK(e.size() == 4);
  CHECK(e.mark_present("a", sha256_hex("alpha")) == ExpectedDocuments::Match::Same);
  CHECK(e.mark_present("b", sha256_hex("BETA")) == ExpectedDocuments::Match::Differs);
  CHECK(e.mark_present("d", sha256_hex("two")) == ExpectedDocuments::Match::Unchecked);
  CHECK(e.mark_present("zz", sha256_hex("x")) == ExpectedDocuments::Match::Unexpected);
  CHECK(e.mark_present("a", "abc123") == ExpectedDocuments::Match::Unchecked);  // not a SHA-256: no verdict
  CHECK(e.missing() == 1);
  CHECK((e.flags("c") & ExpectedDocuments::kPresent) == 0);
  CHECK(e.count(ExpectedDocuments::kStale) == 1);
  CHECK((e.flags("b") & ExpectedDocuments::kStale) != 0);
  e.set_flag("a", ExpectedDocuments::kEmpty);
  CHECK(e.count(ExpectedDocuments::kEmpty) == 1);
  CHECK(e.flags("nope") == 0);
  CHECK(e.flags("c") == ExpectedDocuments::kExpected);
}

TEST_CASE("expected documents: an id added without content is present or missing, never stale") {
  ExpectedDocuments e;
  e.add_unchecked("u");
  e.add_unchecked("v");
  e.seal();
  CHECK(e.mark_present("u", sha256_hex("anything")) == ExpectedDocuments::Match::Unchecked);
  CHECK(e.count(ExpectedDocuments::kStale) == 0);
  CHECK(e.missing() == 1);
  CHECK((e.flags("v") & ExpectedDocuments::kPresent) == 0);
}

TEST_CASE("expected documents: about 33 bytes per document once sealed") {
  ExpectedDocuments e;
  for (int i = 0; i < 100000; ++i) e.add("doc-" + std::to_string(i), sha256(std::to_string(i)));
  e.seal();
  CHECK(e.size() == 100000);
  CHECK(e.bytes_used() <= 34u * 100000);
  CHECK(e.expected("doc-99999"));
  CHECK_FALSE(e.expected("doc-100000"));
}

}  // namespace memconn
