#include "shell_run.h"

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>

#include "harness.h"

namespace e2e {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

ShellResult run_shell(const std::string& command, const std::map<std::string, std::string>& env, double timeout_s) {
  TempDir dir;
  std::map<std::string, std::string> vars;
  for (const char* name : {"PATH", "HOME", "TMPDIR"})
    if (const char* v = std::getenv(name)) vars[name] = v;
  for (const auto& [k, v] : env) vars[k] = v;
  std::string line = "env -i";
  for (const auto& [k, v] : vars) line += " " + shell_quote(k + "=" + v);
  line += " timeout -k 5 " + std::to_string(timeout_s) + " /bin/sh -c " + shell_quote(command) + " >" +
          shell_quote(dir.file("out")) + " 2>" + shell_quote(dir.file("err")) + " </dev/null";
  int status = std::system(line.c_str());
  ShellResult r;
  if (status == -1) FAIL("cannot run /bin/sh for: " << command);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(dir.file("out"));
  r.err = read_file(dir.file("err"));
  return r;
}

}  // namespace e2e
