#include "serve/api_error.h"

#include "base/json_writer.h"

namespace memconn {

ApiResponse api_error(int status, const std::string& code, const std::string& message, const std::string& field) {
  ApiResponse r;
  r.status = status;
  JsonWriter w(r.body);
  w.begin_object().key("error").begin_object().key("code").value(code).key("message").value(message);
  if (!field.empty()) w.key("field").value(field);
  w.end_object().end_object();
  return r;
}

}  // namespace memconn
