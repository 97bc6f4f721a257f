#include "state/metrics_file.h"

#include <charconv>
#include <cmath>

#include "state/atomic_file.h"

namespace memconn {

namespace {

bool name_char(char c, bool first, bool colon) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view s, bool colon) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!name_char(s[i], i == 0, colon)) return false;
  }
  return true;
}

// Label values escape backslash, double quote and newline; HELP text only backslash and
// newline (a quote there is literal). Anything else passes through as UTF-8.
std::string escape(std::string_view s, bool quote) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out += c;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Counters and timestamps are whole numbers; print them as such ("1700000000", not
  // "1.7e+09") while they are exact in a double.
  if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {
    auto res = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    return std::string(buf, res.ptr);
  }
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
  return std::string(buf, res.ptr);
}

}  // namespace

bool valid_metric_name(std::string_view name) { return valid_name(name, true); }

bool valid_label_name(std::string_view name) { return valid_name(name, false) && name.substr(0, 2) != "__"; }

void MetricsWriter::counter(std::string_view name, std::string_view help, const MetricLabels& labels, double value) {
  add("counter", name, help, labels, value);
}

void MetricsWriter::gauge(std::string_view name, std::string_view help, const MetricLabels& labels, double value) {
  add("gauge", name, help, labels, value);
}

void MetricsWriter::add(std::string_view type, std::string_view name, std::string_view help,
                        const MetricLabels& labels, double value) {
  auto reject = [&](std::string why) {
    if (!error_) error_ = Error{"metric " + std::string(name) + ": " + why};
  };
  if (!valid_metric_name(name)) return reject("invalid metric name");
  std::string rendered;
  for (const auto& [k, v] : labels) {
    if (!valid_label_name(k)) return reject("invalid label name \"" + k + "\"");
    rendered += rendered.empty() ? "{" : ",";
    rendered += k + "=\"" + escape(v, true) + "\"";
  }
  if (!rendered.empty()) rendered += "}";

  Family* fam = nullptr;
  for (auto& f : families_) {
    if (f.name == name) fam = &f;
  }
  if (!fam) {
    families_.push_back(Family{std::string(name), std::string(help), std::string(type), {}});
    fam = &families_.back();
  } else if (fam->type != type) {
    return reject("already recorded as a " + fam->type);
  }
  for (auto& s : fam->samples) {
    if (s.first == rendered) {
      s.second = value;
      return;
    }
  }
  fam->samples.emplace_back(std::move(rendered), value);
}

std::string MetricsWriter::text() const {
  std::string out;
  for (const auto& f : families_) {
    out += "# HELP " + f.name + " " + escape(f.help, false) + "\n";
    out += "# TYPE " + f.name + " " + f.type + "\n";
    for (const auto& [labels, value] : f.samples) {
      out += f.name + labels + " " + format_value(value) + "\n";
    }
  }
  return out;
}

Status MetricsWriter::status() const {
  if (error_) return *error_;
  return ok_status();
}

Status write_metrics_file(const std::string& path, std::string_view text) {
  return write_file_atomic(path, text, 0644);
}

}  // namespace memconn
