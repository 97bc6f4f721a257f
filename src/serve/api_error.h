// The one error shape of the API: {"error": {"code", "message", "field"?}}. `code` is a
// stable word for programs (unauthorized, not_found, method_not_allowed, malformed_json,
// unknown_field, invalid_field, missing_field, conflict, already_running, paused,
// payload_too_large, rate_limited, shutting_down, internal), `message` a sentence for people,
// `field` the request field it is about, when there is one.
#pragma once
#include <string>

#include "serve/http_server.h"

namespace memconn {

ApiResponse api_error(int status, const std::string& code, const std::string& message, const std::string& field = "");

}  // namespace memconn
