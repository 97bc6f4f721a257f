#include "http_reply.h"

#include "json_out.h"

namespace standin {

void reply_json(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void reply_detail(httplib::Response& res, int status, std::string_view detail) {
  JsonOut j;
  j.begin_object().field("detail", detail).end_object();
  reply_json(res, status, j.take());
}

}  // namespace standin
