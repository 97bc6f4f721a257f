// Prometheus text exposition (format 0.0.4) for node_exporter's textfile collector: a cron'd
// or daemon run drops <dir>/memconn.prom and node_exporter serves it, so we need no HTTP
// listener of our own.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace memconn {

using MetricLabels = std::map<std::string, std::string>;

// Collects samples and renders them grouped by metric name (families in first-use order,
// one # HELP and # TYPE each, labels sorted by name). Recording the same name+labels again
// replaces the value. Misuse (bad metric/label name, one name used as both counter and
// gauge) drops that sample and is reported by status(), so a typo in a metric name cannot
// make node_exporter reject the whole file.
class MetricsWriter {
 public:
  void counter(std::string_view name, std::string_view help, const MetricLabels& labels, double value);
  void gauge(std::string_view name, std::string_view help, const MetricLabels& labels, double value);
  std::string text() const;
  Status status() const;

 private:
  struct Family {
    std::string name;
    std::string help;
    std::string type;
    std::vector<std::pair<std::string, double>> samples;  // rendered "{...}" label set, value
  };
  void add(std::string_view type, std::string_view name, std::string_view help, const MetricLabels& labels,
           double value);
  std::vector<Family> families_;
  std::optional<Error> error_;
};

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*. Label names: [a-zA-Z_][a-zA-Z0-9_]*, not "__...".
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

// Atomically replaces path with mode 0644 so node_exporter (another user) can read it and
// never scrapes a half-written file.
Status write_metrics_file(const std::string& path, std::string_view text);

}  // namespace memconn
