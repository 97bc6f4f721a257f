// Reaching the server's TCP connections, which httplib 0.11 does not expose: needed to
// cut one connection (lost ack) and to end idle keep-alive connections on shutdown.
#pragma once

namespace standin {

// The connected socket whose peer port is remote_port (and local port local_port, if > 0); -1 if none.
int find_connection_fd(int remote_port, int local_port);
// shutdown() on every connected socket of the process; httplib still closes them.
void shutdown_client_connections();

}  // namespace standin
