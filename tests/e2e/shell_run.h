// Running programs other than memconn from e2e tests: bash driving a completion script,
// util-linux `script` giving memconn a terminal, the completion helper calling memconn back.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace e2e {

struct ShellResult {
  int exit_code = -1;  // 124 when the timeout killed it
  std::string out, err;
};

// Runs command with /bin/sh in a clean environment (PATH, HOME and TMPDIR inherited, then
// env), stdin from /dev/null, killed after timeout_s.
ShellResult run_shell(const std::string& command, const std::map<std::string, std::string>& env = {},
                      double timeout_s = 60);

// 'text' for the shell: safe for any content.
std::string shell_quote(const std::string& text);

// Lines of text without their '\n'; a last line without '\n' counts too.
std::vector<std::string> split_lines(const std::string& text);

}  // namespace e2e
