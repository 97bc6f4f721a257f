// Issue 9, points 3, 5 and 6: inputs that are still being written. A file caught mid-line,
// a pipe that goes quiet (tail -f | memconn), and a Ctrl-C while following async operations.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "harness.h"

using namespace e2e;

namespace {

void append(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text;
}

std::vector<std::string> contents(Standin& s) {
  std::vector<std::string> out;
  for (const auto& d : s.documents()) out.push_back(d.content);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("growing input: a last line without its newline is held back, then sent whole once it arrives") {
  Standin s;
  TempDir d;
  std::string log = d.write("app.log", "first line\nsecond li");  // the writer is mid-line
  std::vector<std::string> args{"ingest", log, "--bank", "b", "--url", s.url(), "--state", d.file("st/state.json"), "--json"};
  auto r = run_memconn(args);
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(report_value(r.out, "sent") == 1);
  CHECK(report_value(r.out, "held_back") == 1);
  CHECK(r.err.find("app.log:2: the last line has no newline yet") != std::string::npos);
  CHECK(r.err.find("--finished") != std::string::npos);
  CHECK(contents(s) == std::vector<std::string>{"first line"});

  append(log, "ne completed\nthird\n");
  r = run_memconn(args);
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(report_value(r.out, "sent") == 2);
  CHECK(report_value(r.out, "held_back") == 0);
  // One memory for the line, never "second li" + "ne completed".
  CHECK(contents(s) == std::vector<std::string>{"first line", "second line completed", "third"});
}

TEST_CASE("growing input: --finished sends a last line without a newline, and stdin's last line is complete") {
  Standin s;
  TempDir d;
  std::string notes = d.write("notes.txt", "alpha\nomega");
  auto r = run_memconn({"ingest", notes, "--finished", "--bank", "b", "--url", s.url(), "--state", d.file("s1/state.json"),
                        "--json"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(report_value(r.out, "sent") == 2);
  CHECK(report_value(r.out, "held_back") == 0);
  // A pipe that ended has nothing more to give: its last line is whole.
  r = run_memconn({"ingest", "-", "--bank", "b", "--url", s.url(), "--state", d.file("s2/state.json"), "--json"},
                  {.stdin_data = "piped\nlast"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(report_value(r.out, "sent") == 2);
  CHECK(contents(s) == std::vector<std::string>{"alpha", "last", "omega", "piped"});
}

TEST_CASE("growing input: SIGTERM while a quiet pipe feeds stdin ends the run, and what was read is dead-lettered") {
  Standin s;
  TempDir d;
  std::string fifo = d.file("feed");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The test is the producer (tail -f): it writes three lines, stays open, and says nothing more.
  int producer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(producer >= 0);
  std::string lines = "one\ntwo\nthree\n";
  REQUIRE(::write(producer, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size()));
  std::string state = d.file("st/state.json");
  pid_t pid = spawn_memconn({"ingest", "-", "--bank", "b", "--url", s.url(), "--state", state, "--json",
                             "--batch-size", "10", "--drain-timeout", "2s"},
                            {.stdin_path = fifo}, d.file("out"), d.file("err"));
  // The three lines wait in a batch for seven more that never come: once memconn has read them
  // out of the pipe (however slowly it started), and a moment more to register them.
  REQUIRE(eventually([&] {
    int queued = -1;
    return ::ioctl(producer, FIONREAD, &queued) == 0 && queued == 0;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, SIGTERM);
  int code = wait_exit(pid, 20);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(producer);
  if (code == -1) ::kill(pid, SIGKILL);
  CHECK(code == 143);
  CHECK(took < 10);
  auto out = read_file(d.file("out"));
  CHECK(report_value(out, "unacknowledged_dead_lettered") == 3);
  auto err = read_file(d.file("err"));
  CHECK_MESSAGE(err.find("a pipe cannot be read again") != std::string::npos, err);
  CHECK(err.find("run the same command again") == std::string::npos);  // it cannot work for a pipe
  CHECK(count_lines(d.file("st/dead-letter.jsonl")) == 3);
  CHECK(s.stats().documents() == 0);

  // Nothing read is lost: dlq retry delivers the three lines.
  auto retry = run_memconn({"dlq", "retry", "--bank", "b", "--url", s.url(), "--state", state});
  CHECK_MESSAGE(retry.exit_code == 0, retry.err);
  CHECK(contents(s) == std::vector<std::string>{"one", "three", "two"});
}

TEST_CASE("growing input: Ctrl-C during ingest --async --wait exits 130, lists the open operations, and a re-run follows them") {
  // Each operation takes 6 s on the server; the run is interrupted while waiting.
  Standin s({"--op-ms", "6000"});
  TempDir d;
  std::string input = write_lines(d.file("in.txt"), 20, "op ");
  std::vector<std::string> args{"ingest", input, "--bank", "b", "--url", s.url(), "--state", d.file("st/state.json"),
                                "--json", "--async", "--wait", "--batch-size", "10", "--workers", "1"};
  pid_t pid = spawn_memconn(args, {}, d.file("out"), d.file("err"));
  REQUIRE(eventually([&] { return s.stats().retain_requests() >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // now following the operations
  ::kill(pid, SIGINT);
  int code = wait_exit(pid, 20);
  if (code == -1) ::kill(pid, SIGKILL);
  CHECK(code == 130);
  auto out = read_file(d.file("out"));
  JsonDoc doc(out);
  bool interrupted = false;
  CHECK_FALSE(doc.root()["interrupted"].get_bool().get(interrupted));
  CHECK(interrupted);
  std::string_view result;
  CHECK_FALSE(doc.root()["result"].get_string().get(result));
  CHECK(result == "interrupted");
  simdjson::dom::array pending;
  REQUIRE_FALSE(doc.root()["operations"]["pending"].get_array().get(pending));
  CHECK(pending.size() == 2);
  CHECK(read_file(d.file("st/state.json")).find("pending_operations") != std::string::npos);
  auto err = read_file(d.file("err"));
  CHECK(err.find("still pending (the wait was interrupted)") != std::string::npos);

  // The same command sends nothing new and follows the two operations to completion.
  auto again = run_memconn(args);
  CHECK_MESSAGE(again.exit_code == 0, again.err);
  JsonDoc doc2(again.out);
  int64_t completed = -1, sent = -1;
  CHECK_FALSE(doc2.root()["operations"]["completed"].get_int64().get(completed));
  CHECK_FALSE(doc2.root()["sent"].get_int64().get(sent));
  CHECK(completed == 2);
  CHECK(sent == 0);
  CHECK(s.stats().retain_requests() == 2);
  CHECK(read_file(d.file("st/state.json")).find("pending_operations") == std::string::npos);
}
