// recall and reflect as Hindsight answers them (../shared/specs/hindsight.md §3-4): the
// request bodies built from a neutral QueryRequest, and renderings of the answers.
#pragma once
#include <string>

#include "base/result.h"
#include "targets/target.h"

namespace memconn {

std::string hindsight_recall_body(const QueryRequest& q);
std::string hindsight_reflect_body(const QueryRequest& q);
Result<std::string> render_hindsight_recall(const std::string& body);
Result<std::string> render_hindsight_reflect(const std::string& body);

}  // namespace memconn
