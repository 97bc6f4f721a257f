// The floor for `make bench`: the least a C++ client can do to post a file's lines as retain
// batches with libcurl. N threads, one keep-alive easy handle each, bodies built from the
// same lines ({"items":[{"content":...}],"async":false}) — no ids, no dedup, no ledger, no
// state, no retries. memconn's wall time and CPU are compared with this loop's.
//
//   memconn-bare-loop URL FILE BATCH WORKERS [memconn-bodies]   (URL: the full .../memories endpoint)
//
// memconn-bodies: each item also carries what memconn's items carry (origin metadata and a
// 64-character document id, here not a hash), so the server parses the same bytes: on a
// machine where client and server share the cores, the floor for memconn's wall time.
#include <curl/curl.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

void append_escaped(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 && !(argc == 6 && std::string_view(argv[5]) == "memconn-bodies")) {
    std::fprintf(stderr, "usage: %s URL FILE BATCH WORKERS [memconn-bodies]\n", argv[0]);
    return 2;
  }
  const bool memconn_bodies = argc == 6;
  std::string source;
  append_escaped(source, argv[2]);
  const std::string url = argv[1];
  const size_t batch = std::strtoul(argv[3], nullptr, 10);
  const int workers = std::atoi(argv[4]);
  std::ifstream in(argv[2], std::ios::binary);
  if (!in || batch == 0 || workers <= 0) {
    std::fprintf(stderr, "bare-loop: cannot read %s or bad batch/workers\n", argv[2]);
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) lines.emplace_back(text.data() + pos, nl - pos);
    pos = nl + 1;
  }

  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::atomic<size_t> next{0};  // index of the next unclaimed batch
  std::atomic<size_t> sent{0}, failed{0};
  const size_t batches = (lines.size() + batch - 1) / batch;
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      CURL* h = curl_easy_init();
      curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
      headers = curl_slist_append(headers, "Expect:");
      curl_easy_setopt(h, CURLOPT_URL, url.c_str());
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &discard);
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      std::string body;
      for (size_t b; (b = next.fetch_add(1)) < batches;) {
        size_t first = b * batch, last = std::min(lines.size(), first + batch);
        body.assign("{\"items\":[");
        for (size_t i = first; i < last; ++i) {
          if (i > first) body.push_back(',');
          body.append("{\"content\":\"");
          append_escaped(body, lines[i]);
          if (memconn_bodies) {
            char id[65];
            std::snprintf(id, sizeof id, "%064zx", i);
            body.append("\",\"metadata\":{\"source\":\"").append(source).append("\",\"line\":\"");
            body.append(std::to_string(i + 1)).append("\"},\"document_id\":\"").append(id);
          }
          body.append("\"}");
        }
        body.append("],\"async\":false}");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        long status = 0;
        if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        (status / 100 == 2 ? sent : failed).fetch_add(last - first);
      }
      curl_slist_free_all(headers);
      curl_easy_cleanup(h);
    });
  }
  for (auto& t : threads) t.join();
  curl_global_cleanup();
  std::printf("bare-loop: %zu sent, %zu failed\n", sent.load(), failed.load());
  return failed.load() == 0 ? 0 : 1;
}
