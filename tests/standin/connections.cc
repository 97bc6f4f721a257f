#include "connections.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <functional>

namespace standin {
namespace {

int port_of(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Calls fn(fd, peer, local) for every connected socket; stops when fn returns true.
void for_each_connection(const std::function<bool(int, const sockaddr_storage&, const sockaddr_storage&)>& fn) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2 || fd == dirfd(dir)) continue;
    sockaddr_storage peer{}, local{};
    socklen_t plen = sizeof peer, llen = sizeof local;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0) continue;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) continue;
    if (fn(fd, peer, local)) break;
  }
  closedir(dir);
}

}  // namespace

int find_connection_fd(int remote_port, int local_port) {
  int found = -1;
  for_each_connection([&](int fd, const sockaddr_storage& peer, const sockaddr_storage& local) {
    if (port_of(peer) != remote_port || (local_port > 0 && port_of(local) != local_port)) return false;
    found = fd;
    return true;
  });
  return found;
}

void shutdown_client_connections() {
  for_each_connection([](int fd, const sockaddr_storage&, const sockaddr_storage&) {
    shutdown(fd, SHUT_RDWR);
    return false;
  });
}

}  // namespace standin
