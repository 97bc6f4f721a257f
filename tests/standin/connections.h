// Reaching the server's TCP connections, which httplib 0.11 does not expose: needed to tell
// a fresh connection from a reused keep-alive one, to cut one connection without sending a
// byte (a lost answer as a crashed server or a resetting proxy delivers it), and to end idle
// keep-alive connections on shutdown, which would otherwise hold the thread pool (and the
// exit) for the whole keep-alive timeout.
#pragma once

#include <cstdint>

namespace standin {

struct Connection {
  int fd = -1;            // -1 when the socket could not be found
  uint64_t requests = 0;  // requests seen on this connection, the current one included
  bool reused() const { return requests > 1; }
};

// Counts a request (any path, control endpoints too) on the connection it arrived on and
// returns that connection. Must run on the thread serving the request: httplib serves each
// connection on one pool thread from accept to close, which is what makes a per-thread
// record exact.
Connection note_request(int remote_port, int local_port);
// The connection of the request the calling thread is serving (as note_request returned it).
Connection current_connection();
// Ends the connection at once, before any byte of the answer: the client reads EOF where the
// status line should be. httplib still owns (and closes) the descriptor; its write fails.
void cut_connection(int fd);
// shutdown() on every connected socket of the process; httplib still closes them.
void shutdown_client_connections();

}  // namespace standin
