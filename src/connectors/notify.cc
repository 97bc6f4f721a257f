#include "connectors/notify.h"

#include "base/json_writer.h"

namespace memconn {

namespace {

bool is_bad(const std::string& r) { return !r.empty() && r != "ok" && r != "interrupted"; }

}  // namespace

std::optional<std::string> alert_event(const std::string& previous, const std::string& result) {
  if (result == "interrupted") return std::nullopt;
  if (is_bad(result) && result != previous) return result;
  if (result == "ok" && is_bad(previous)) return std::string("recovered");
  return std::nullopt;
}

std::string alert_body(const std::string& event, const std::string& previous, const ConnectorRunReport& rep) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("event").value(event).key("connector").value(rep.connector);
  w.key("result").value(rep.result).key("previous_result").value(previous).key("command").value(rep.command);
  w.key("started").value(rep.started).key("finished").value(rep.finished);
  w.key("fetched").value(rep.fetched).key("sent").value(rep.sent).key("failed").value(rep.failed);
  w.key("target_failed").value(static_cast<uint64_t>(rep.target_failed));
  w.key("error").value(rep.error).key("warning").value(rep.warnings.empty() ? std::string() : rep.warnings.front());
  w.end_object();
  return s;
}

}  // namespace memconn
