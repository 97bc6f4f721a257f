#include "net/http_client.h"

#include <curl/curl.h>
#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("logged URLs never show credentials or the host") {
  CHECK(url_path_for_log("https://user:secret@example.org:8443/v1/x?page=1") == "/v1/x?page=1");
  CHECK(url_path_for_log("http://h") == "/");
  // A query may carry a key (an http-json source's ?api_key=...): only paging values show.
  CHECK(url_path_for_log("http://h/m?range=week&api_key=s3cret&page=2&token=t#frag") ==
        "/m?range=week&api_key=***&page=2&token=***");
  CHECK(url_path_for_log("http://h/m?flag") == "/m?flag");
}

TEST_CASE("url_escape keeps unreserved characters only") {
  CHECK(url_escape("team a/b") == "team%20a%2Fb");
  CHECK(url_escape("A-z_0.~") == "A-z_0.~");
}

TEST_CASE("error messages may show the URL, never its credentials") {
  CHECK(url_without_credentials("https://user:secret@example.org:8443/v1/x") == "https://example.org:8443/v1/x");
  CHECK(url_without_credentials("http://h:1/a@b") == "http://h:1/a@b");
  CHECK(url_without_credentials("http://h") == "http://h");
}

TEST_CASE("libcurl_version names the library loaded at run time and its TLS backend") {
  const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
  std::string s = libcurl_version();
  CHECK(s.rfind(v->version, 0) == 0);
  if (v->ssl_version) CHECK(s.find(v->ssl_version) != std::string::npos);
}

TEST_CASE("https:// to a plain-HTTP port - the TLS error names the cause and the fix") {
  const std::string wrong = "OpenSSL/3.0.11: error:0A00010B:SSL routines::wrong version number";
  CHECK(plain_http_hint(CURLE_SSL_CONNECT_ERROR, wrong, "https://127.0.0.1:8888/v1/default/banks") ==
        "the server at 127.0.0.1:8888 answered in plain HTTP: use http:// instead of https://");
  CHECK(plain_http_hint(CURLE_SSL_CONNECT_ERROR, "error:0A0000C6:SSL routines::packet length too long",
                        "https://user:pw@mem.example.org/x") ==
        "the server at mem.example.org:443 answered in plain HTTP: use http:// instead of https://");
  CHECK(plain_http_hint(CURLE_SSL_CONNECT_ERROR, wrong, "https://[::1]/x") ==
        "the server at [::1]:443 answered in plain HTTP: use http:// instead of https://");
  // Other TLS failures (a bad certificate, a refused connection) keep their own words.
  CHECK_FALSE(plain_http_hint(CURLE_SSL_CONNECT_ERROR, "certificate verify failed", "https://h:1/").has_value());
  CHECK_FALSE(plain_http_hint(CURLE_COULDNT_CONNECT, wrong, "https://h:1/").has_value());
  CHECK_FALSE(plain_http_hint(CURLE_SSL_CONNECT_ERROR, wrong, "http://h:1/").has_value());
}
