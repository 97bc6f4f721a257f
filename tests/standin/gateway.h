// A reverse proxy or gateway (nginx, Cloudflare) in front of a slow server: past its timeout
// it answers 504 itself, while the server behind it goes on with the request and stores it
// when done. Sync retains run the whole LLM extraction inside the request, so this is how
// they fail behind a proxy (spec: hindsight.md, PRs #2810 and #3206).
#pragma once

#include <httplib.h>

#include <functional>

namespace standin {

// Runs work on a thread of its own and waits up to timeout_ms for it. True: it finished in
// time. False: it is still running and will finish on its own; nothing cancels it.
bool finished_within(std::function<void()> work, int timeout_ms);
// The gateway's own answer: 504 with nginx's HTML page (not the API's JSON).
void gateway_timeout(httplib::Response& res);

}  // namespace standin
