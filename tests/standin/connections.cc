#include "connections.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

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
    // Only connected sockets have a peer; the listening socket and files are skipped.
    sockaddr_storage peer{}, local{};
    socklen_t plen = sizeof peer, llen = sizeof local;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0) continue;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) continue;
    if (fn(fd, peer, local)) break;
  }
  closedir(dir);
}

int find_connection_fd(int remote_port, int local_port) {
  int found = -1;
  for_each_connection([&](int fd, const sockaddr_storage& peer, const sockaddr_storage& local) {
    if (port_of(peer) != remote_port || port_of(local) != local_port) return false;
    found = fd;
    return true;
  });
  return found;
}

ino_t inode_of(int fd) {
  struct stat st{};
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return 0;
  return st.st_ino;
}

// The connection this pool thread serves. The socket's inode tells a new connection from the
// old one even when the kernel hands out the same descriptor number or client port again.
struct ThreadConnection {
  int fd = -1;
  ino_t inode = 0;
  int remote_port = -1, local_port = -1;
  uint64_t requests = 0;
};
thread_local ThreadConnection t_conn;

}  // namespace

Connection note_request(int remote_port, int local_port) {
  ThreadConnection& c = t_conn;
  bool same_ports = c.remote_port == remote_port && c.local_port == local_port;
  // Fast path, two syscalls: the descriptor still names the socket this thread served before.
  bool same = same_ports && (c.fd < 0 ? c.requests > 0 : c.inode != 0 && inode_of(c.fd) == c.inode);
  if (same) {
    ++c.requests;
  } else {
    c.fd = find_connection_fd(remote_port, local_port);
    c.inode = inode_of(c.fd);
    c.remote_port = remote_port;
    c.local_port = local_port;
    c.requests = 1;
  }
  return Connection{c.fd, c.requests};
}

Connection current_connection() { return Connection{t_conn.fd, t_conn.requests}; }

void cut_connection(int fd) {
  // Shut down only: the descriptor stays httplib's, so no other connection can inherit its
  // number while httplib still uses it. The client gets FIN with no answer byte.
  if (fd >= 0) shutdown(fd, SHUT_RDWR);
}

void shutdown_client_connections() {
  for_each_connection([](int fd, const sockaddr_storage&, const sockaddr_storage&) {
    shutdown(fd, SHUT_RDWR);
    return false;
  });
}

}  // namespace standin
