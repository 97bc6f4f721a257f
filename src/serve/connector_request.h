// A connector as the API takes it (POST/PUT JSON) and gives it (GET JSON), and as it is
// persisted (connectors.d/NAME.toml). Every mistake names its field; sources and targets are
// referenced by name from the config, so an API client can never point memconn at a URL or
// a key of its own choosing.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"

namespace memconn {

struct ConnectorFields {
  std::string name, source, target, schedule;
  bool enabled = true;
  std::string transform = "standard";
  std::optional<std::string> template_text;  // "template"
  std::vector<std::string> tags;
  std::optional<std::string> context;
  std::optional<std::string> overlap;      // a duration, "1h"
  std::optional<std::string> first_range;  // all | month | week | day
};

struct FieldError {
  int status = 422;
  std::string code, message, field;
};

// The body of POST (name required) or PUT (name_in_path set: the body's name, if any, must
// be the same). Malformed JSON or not an object: 400; an unknown, missing or mistyped field:
// 422 naming it.
std::variant<ConnectorFields, FieldError> parse_connector_body(std::string_view body, const std::string& name_in_path);

// Checks the fields against the config: a valid name, a source and a target that exist, a
// schedule that can fire, a template that parses, ... (422 naming the field).
std::optional<FieldError> validate_connector(const ConnectorFields& f, const Config& cfg);

// The connectors.d/NAME.toml text: the connector's keys at top level.
std::string connector_toml(const ConnectorFields& f);

// GET /api/v1/connectors/{name} and the items of GET /api/v1/connectors.
std::string connector_json(const ConnectorConfig& c);

}  // namespace memconn
