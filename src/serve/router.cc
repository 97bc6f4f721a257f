#include "serve/router.h"

#include <algorithm>

namespace memconn {

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool matches(const std::string& pattern, const std::vector<std::string>& path, RouteParams& params) {
  auto pat = segments(pattern);
  if (pat.size() != path.size()) return false;
  for (size_t i = 0; i < pat.size(); ++i) {
    if (pat[i].size() > 2 && pat[i].front() == '{' && pat[i].back() == '}') params.values[pat[i].substr(1, pat[i].size() - 2)] = path[i];
    else if (pat[i] != path[i]) return false;
  }
  return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, bool open, Handler h) {
  routes_.push_back(Route{std::move(method), std::move(pattern), open, std::move(h)});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match m;
  // "//x" and "/x/" are the same resource as "/x"; an empty segment never names one.
  if (path.find("//") != std::string::npos) return m;
  auto segs = segments(path);
  for (const auto& r : routes_) {
    RouteParams p;
    if (!matches(r.pattern, segs, p)) continue;
    if (r.method == method) {
      m.route = &r;
      m.params = std::move(p);
      return m;
    }
    if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) m.allowed.push_back(r.method);
  }
  return m;
}

}  // namespace memconn
