#include "ingest/expected_set.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "targets/registry.h"

using namespace memconn;

// verify's expected set, without a server: plain lines under their own identity, a document
// whose parts are spread over a file expected once as its folded text, and a part the index
// says the target refused left out of that text.
TEST_CASE("expected set: plain lines, folded documents and parts left out, as ingest sends them") {
  NullDiagnostics quiet;
  TargetEnv env;
  env.console = &quiet;
  auto target = make_target(TargetSpec{}, env);
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("memconn-expected-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "plain.txt") << "alpha\nbeta\n";
    std::ofstream(dir / "chat.jsonl") << "{\"document_id\":\"c1\",\"content\":\"one\"}\n"
                                         "{\"document_id\":\"c2\",\"content\":\"x\"}\n"
                                         "{\"document_id\":\"c1\",\"content\":\"two\"}\n"
                                         "{\"document_id\":\"c1\",\"content\":\"refused\"}\n";
  }
  std::string chat = (dir / "chat.jsonl").lexically_normal().string();
  DocIndex index((dir / "state.json.docs").string());
  REQUIRE(index.exclude(target->label(), "c1", chat, 4));
  auto inputs = expand_inputs({(dir / "plain.txt").string(), chat}, "");
  ItemReadOptions opts;
  opts.target = target.get();
  ExpectedDocuments out;
  auto sum = expect_inputs(inputs, opts, *target, &index, quiet, out);
  out.seal();
  CHECK(sum.bad_lines == 0);
  CHECK(sum.input_problems == 0);
  CHECK(out.size() == 4);  // alpha, beta, c1, c2
  REQUIRE(out.expected("c1"));
  CHECK(out.expected("c2"));
  // c1 is expected as "one\ntwo": the refused part is not in its text.
  auto same = target->identity_key("one\ntwo");
  REQUIRE(same);
  CHECK(out.mark_present("c1", to_hex(same->data(), same->size())) == ExpectedDocuments::Match::Same);
  auto with_refused = target->identity_key("one\ntwo\nrefused");
  REQUIRE(with_refused);
  CHECK(out.mark_present("c2", to_hex(with_refused->data(), with_refused->size())) == ExpectedDocuments::Match::Differs);

  // Without the index the refused part is expected too.
  ExpectedDocuments all;
  expect_inputs(inputs, opts, *target, nullptr, quiet, all);
  all.seal();
  CHECK(all.mark_present("c1", to_hex(with_refused->data(), with_refused->size())) == ExpectedDocuments::Match::Same);
  std::filesystem::remove_all(dir);
}
