#include "state/metrics_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <doctest/doctest.h>
#include <sstream>

#include "state/atomic_file.h"

using namespace memconn;

namespace {

struct Sample {
  std::string name;
  MetricLabels labels;
  std::string value;
};

struct Parsed {
  std::map<std::string, std::string> help, type;
  std::vector<Sample> samples;
  std::vector<std::string> problems;
};

// A small, strict reader of the text format, independent of the writer's code, so the
// tests check what a scraper would see rather than what the writer meant.
Parsed parse(const std::string& text) {
  Parsed p;
  std::istringstream in(text);
  std::string line;
  std::string current;  // family whose HELP/TYPE we saw last
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      bool help = line[2] == 'H';
      std::string rest = line.substr(7);
      auto sp = rest.find(' ');
      std::string name = rest.substr(0, sp);
      auto& m = help ? p.help : p.type;
      if (m.count(name)) p.problems.push_back("second " + line.substr(2, 4) + " for " + name);
      std::string v = rest.substr(sp + 1), un;
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          ++i;
          un += v[i] == 'n' ? '\n' : v[i];
        } else {
          un += v[i];
        }
      }
      m[name] = un;
      current = name;
      continue;
    }
    Sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name += line[i++];
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::string k, v;
        while (line[i] != '=') k += line[i++];
        i += 2;  // ="
        while (line[i] != '"') {
          if (line[i] == '\\') {
            ++i;
            v += line[i] == 'n' ? '\n' : line[i];
          } else {
            v += line[i];
          }
          ++i;
        }
        ++i;  // closing quote
        if (line[i] == ',') ++i;
        s.labels[k] = v;
      }
      ++i;  // }
    }
    if (line[i] != ' ') p.problems.push_back("no blank before value: " + line);
    s.value = line.substr(i + 1);
    if (s.name != current) p.problems.push_back("sample " + s.name + " outside its family");
    p.samples.push_back(s);
  }
  return p;
}

}  // namespace

TEST_CASE("metrics: families are grouped with one HELP and TYPE each") {
  MetricsWriter w;
  w.counter("memconn_items_total", "Items sent.", {{"connector", "a"}, {"outcome", "ok"}}, 10);
  w.gauge("memconn_last_run_timestamp_seconds", "Unix time of the last run.", {{"connector", "a"}}, 1.7e9);
  w.counter("memconn_items_total", "ignored second help", {{"connector", "b"}, {"outcome", "ok"}}, 3);
  w.counter("memconn_items_total", "", {{"connector", "a"}, {"outcome", "ok"}}, 12);  // replaces
  w.gauge("memconn_up", "Whether the last run succeeded.", {}, 1);
  REQUIRE(w.status().ok());
  auto p = parse(w.text());
  CHECK(p.problems.empty());
  CHECK(p.help["memconn_items_total"] == "Items sent.");
  CHECK(p.type["memconn_items_total"] == "counter");
  CHECK(p.type["memconn_last_run_timestamp_seconds"] == "gauge");
  REQUIRE(p.samples.size() == 4);
  CHECK(p.samples[0].name == "memconn_items_total");
  CHECK(p.samples[0].labels == MetricLabels{{"connector", "a"}, {"outcome", "ok"}});
  CHECK(p.samples[0].value == "12");
  CHECK(p.samples[1].labels.at("connector") == "b");
  CHECK(p.samples[2].value == "1700000000");
  CHECK(p.samples[3].name == "memconn_up");
  CHECK(p.samples[3].labels.empty());
  CHECK(w.text().find("memconn_up 1\n") != std::string::npos);
}

TEST_CASE("metrics: label values and help text are escaped and read back") {
  MetricsWriter w;
  std::string nasty = "C:\\path \"quoted\"\nnext line";
  w.gauge("m", "help with \\ and\nnewline and \"quote\"", {{"v", nasty}}, 0.25);
  auto text = w.text();
  CHECK(text.find("v=\"C:\\\\path \\\"quoted\\\"\\nnext line\"") != std::string::npos);
  CHECK(text.find("# HELP m help with \\\\ and\\nnewline and \"quote\"\n") != std::string::npos);
  auto p = parse(text);
  CHECK(p.problems.empty());
  REQUIRE(p.samples.size() == 1);
  CHECK(p.samples[0].labels.at("v") == nasty);
  CHECK(p.help["m"] == "help with \\ and\nnewline and \"quote\"");
  CHECK(p.samples[0].value == "0.25");
}

TEST_CASE("metrics: special values") {
  MetricsWriter w;
  w.gauge("a", "", {{"k", "nan"}}, std::nan(""));
  w.gauge("a", "", {{"k", "inf"}}, INFINITY);
  w.gauge("a", "", {{"k", "-inf"}}, -INFINITY);
  w.gauge("a", "", {{"k", "small"}}, 1e-9);
  auto p = parse(w.text());
  REQUIRE(p.samples.size() == 4);
  CHECK(p.samples[0].value == "NaN");
  CHECK(p.samples[1].value == "+Inf");
  CHECK(p.samples[2].value == "-Inf");
  CHECK(std::stod(p.samples[3].value) == 1e-9);
}

TEST_CASE("metrics: bad names and type clashes are dropped and reported") {
  CHECK(valid_metric_name("memconn:rate_5m"));
  CHECK(valid_metric_name("_x"));
  CHECK_FALSE(valid_metric_name("9lives"));
  CHECK_FALSE(valid_metric_name("has-dash"));
  CHECK_FALSE(valid_metric_name(""));
  CHECK(valid_label_name("connector"));
  CHECK_FALSE(valid_label_name("a:b"));
  CHECK_FALSE(valid_label_name("__name__"));

  MetricsWriter w;
  w.gauge("ok_metric", "", {}, 1);
  w.gauge("bad-metric", "", {}, 1);
  CHECK(w.status().error().message == "metric bad-metric: invalid metric name");
  w.counter("ok_metric", "", {}, 2);
  w.gauge("other", "", {{"bad-label", "x"}}, 1);
  CHECK(w.status().error().message == "metric bad-metric: invalid metric name");  // first problem kept
  auto p = parse(w.text());
  CHECK(p.problems.empty());
  REQUIRE(p.samples.size() == 1);
  CHECK(p.samples[0].name == "ok_metric");
  CHECK(p.samples[0].value == "1");

  MetricsWriter w2;
  w2.gauge("x", "", {}, 1);
  w2.counter("x", "", {}, 1);
  CHECK(w2.status().error().message == "metric x: already recorded as a gauge");
  MetricsWriter w3;
  w3.gauge("x", "", {{"a:b", "1"}}, 1);
  CHECK(w3.status().error().message == "metric x: invalid label name \"a:b\"");
  CHECK(w3.text().empty());
}

TEST_CASE("metrics: write_metrics_file is world-readable and atomic") {
  char tmpl[] = "/tmp/memconn-metrics-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  MetricsWriter w;
  w.gauge("memconn_up", "Up.", {}, 1);
  mode_t old = ::umask(077);
  auto st = write_metrics_file(dir + "/memconn.prom", w.text());
  ::umask(old);
  REQUIRE(st.ok());
  struct stat sb {};
  REQUIRE(::stat((dir + "/memconn.prom").c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0644);
  CHECK(*read_whole_file(dir + "/memconn.prom") == w.text());
  [[maybe_unused]] int rc = std::system(("rm -rf '" + dir + "'").c_str());
}
