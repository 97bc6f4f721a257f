// memconn entry point. Commands are registered here; each lives in its own cmd_*.cc.
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--version") {
    std::printf("memconn %s (%s)\n", MEMCONN_VERSION, MEMCONN_GIT_COMMIT);
    return 0;
  }
  std::fprintf(stderr, "memconn: no command given (try --help)\n");
  return 2;
}
