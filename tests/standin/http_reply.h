// Response helpers: every stand-in error is JSON, FastAPI-shaped ({"detail": ...}).
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

namespace standin {

void reply_json(httplib::Response& res, int status, std::string body);
void reply_detail(httplib::Response& res, int status, std::string_view detail);

}  // namespace standin
